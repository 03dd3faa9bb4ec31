"""The staff digest: one e-mail a day to ``PEERNET_STAFF_EMAILS`` when something waits past
the warning threshold or failed, listing what needs doing now (the dashboard's items).

The items come from the dashboard's panels (:data:`staff.seams.dashboard_panels`), asked with
no request, so this module knows no app. The dedupe key holds the day in Eastern time: the
beat entry running twice, or a worker retrying (:mod:`staff.tasks`), sends nobody a second
digest that day.
"""

from django.conf import settings
from django.utils import timezone, translation

from peernet.outbox.models import OutboxMessage
from peernet.outbox.services import message_send_templated

from . import dashboard

# The purpose and dedupe keys of the messages already sent carry the name the digest had when
# it lived in the peernet package: kept, so that a day's digest is still never sent twice.
PURPOSE = "peernet.staff_digest"


def staff_digest_send(*, now=None) -> int:
    """Queue the day's digest for each staff address; returns how many were queued (0 when
    nothing needs attention, or when the day's digest was already queued)."""
    now = now or timezone.now()
    # Staff work in the site's default language, as for the other mail sent to them.
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        panels = dashboard.panels_collect(request=None)
        sections = [(panel.title, [item for item in panel.items if item.count]) for panel in panels]
    sections = [(title, items) for title, items in sections if items]
    if not any(item.needs_attention for _, items in sections for item in items):
        return 0
    day = timezone.localdate(now)
    context = {"sections": sections, "day": day, "site_url": settings.SITE_URL}
    keys = {
        address: f"{PURPOSE}:{day.isoformat()}:{address.lower()}"
        for address in settings.PEERNET_STAFF_EMAILS
    }
    sent_before = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    queued = 0
    for address, key in keys.items():
        if key in sent_before:
            continue
        # The key still guards against a digest queued by another run in the meantime.
        message_send_templated(
            to_email=address,
            template_prefix="peernet/email/staff_digest",
            context=context,
            language=language,
            purpose=PURPOSE,
            dedupe_key=key,
        )
        queued += 1
    return queued

"""Write-side operations of the cohorts app: community profiles, expressions of interest and
their handling.

Views, admin actions and management commands call these functions and hold no rules of their
own. Mail goes through the outbox, rendered in each recipient's language.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from peernet import ratelimit
from peernet.languages import language_codes
from peernet.links import absolute_url
from peernet.outbox.services import message_send_templated
from staff.privacy_notice import privacy_notice_version_record

from .choices import InterestStatus, Language
from .models import Community, ExpressionOfInterest, search_key

# ---------------------------------------------------------------------------------------------
# Community profiles


def community_save(*, community: Community, update_fields=None) -> Community:
    """Save a community profile with the search text its names and province give it.

    Every write of a profile goes through here (the admin, the CSV import), since the public
    search (:func:`cohorts.selectors.community_filter`) reads only ``search_text``. A save of
    some fields writes the search text with them.
    """
    community.search_text = community_search_text(community=community)
    if update_fields is not None:
        update_fields = set(update_fields) | {"search_text"}
    community.save(update_fields=update_fields)
    return community


def community_search_text(*, community: Community) -> str:
    """The province's code, and the names and the province's name in every language."""
    words = [community.province]
    for code in language_codes():
        words.append(getattr(community, build_localized_fieldname("name", code)) or "")
        with translation.override(code):
            words.append(str(community.get_province_display()))
    return search_key(*words)


# ---------------------------------------------------------------------------------------------
# Expressions of interest

RESUBMISSION_WINDOW = timedelta(hours=1)
# Each request mails a confirmation to the address typed in the form: without limits, anyone
# could use the form to flood a stranger's inbox. (uses, seconds)
LIMIT_PER_ADDRESS = (3, 24 * 3600)
LIMIT_PER_CLIENT = (10, 3600)


class InterestLimitReached(Exception):
    """Too many requests from one client, or confirmations to one address, for now."""


def interest_client_count(*, client: str) -> None:
    """Count one submission of the form from `client` (valid or not: the limit is for robots).

    Raises InterestLimitReached past LIMIT_PER_CLIENT.
    """
    limit, window = LIMIT_PER_CLIENT
    if not ratelimit.allow(f"interest:client:{client}", limit=limit, window_seconds=window):
        raise InterestLimitReached


def interest_submit(
    *,
    contact_name: str,
    email: str,
    job_title: str,
    government_name: str,
    government_kind: str,
    province: str,
    motivation: str,
    language: str,
    population: int | None = None,
) -> ExpressionOfInterest:
    """Record a community's interest, tell staff and confirm to the sender in their language.

    The same request sent again within an hour (a double click, a reload that re-posts) is
    the first one: it is returned and nothing more is sent. Raises InterestLimitReached past
    LIMIT_PER_ADDRESS requests for one address.
    """
    limit, window = LIMIT_PER_ADDRESS
    address = email.strip().lower()
    if not ratelimit.allow(f"interest:address:{address}", limit=limit, window_seconds=window):
        raise InterestLimitReached
    if language not in Language.values:
        language = Language.EN
    repeated = ExpressionOfInterest.objects.filter(
        email__iexact=email.strip(),
        government_name=government_name.strip(),
        motivation=motivation.strip(),
        submitted_at__gte=timezone.now() - RESUBMISSION_WINDOW,
    ).first()
    if repeated is not None:
        return repeated
    interest = ExpressionOfInterest(
        contact_name=contact_name.strip(),
        email=email.strip(),
        job_title=job_title.strip(),
        government_name=government_name.strip(),
        government_kind=government_kind,
        province=province,
        population=population,
        motivation=motivation.strip(),
        language=language,
        privacy_consent_at=timezone.now(),
        privacy_notice_version=privacy_notice_version_record(),
    )
    interest.full_clean()
    with transaction.atomic():
        interest.save()
        _interest_mail_staff(interest)
        _interest_mail_confirmation(interest)
    return interest


def _interest_mail_staff(interest: ExpressionOfInterest) -> None:
    # Staff work in the site's default language; the request's own language is in the mail.
    language = settings.LANGUAGE_CODE
    context = {
        "interest": interest,
        "admin_url": absolute_url(
            "admin:cohorts_expressionofinterest_change", language=language, args=[interest.pk]
        ),
    }
    for address in settings.PEERNET_STAFF_EMAILS:
        message_send_templated(
            to_email=address,
            template_prefix="cohorts/email/interest_staff",
            context=context,
            language=language,
            purpose="cohorts.interest_staff",
            dedupe_key=f"cohorts.interest_staff:{interest.pk}:{address.lower()}",
        )


def _interest_mail_confirmation(interest: ExpressionOfInterest) -> None:
    context = {
        "interest": interest,
        "cohorts_url": absolute_url("cohorts:list", language=interest.language),
    }
    message_send_templated(
        to_email=interest.email,
        template_prefix="cohorts/email/interest_confirmation",
        context=context,
        language=interest.language,
        purpose="cohorts.interest_confirmation",
        dedupe_key=f"cohorts.interest_confirmation:{interest.pk}",
    )


def interest_status_set(
    *, interest: ExpressionOfInterest, status: str, actor, note: str = ""
) -> ExpressionOfInterest:
    """Move a request to another state and record who did it and when."""
    if status not in InterestStatus.values:
        raise ValidationError(_("Unknown status."), code="status")
    with transaction.atomic():
        interest = ExpressionOfInterest.objects.select_for_update().get(pk=interest.pk)
        interest.status = status
        interest.handled_by = actor
        interest.handled_at = timezone.now()
        if note:
            stamp = timezone.localtime(interest.handled_at).strftime("%Y-%m-%d %H:%M")
            who = getattr(actor, "email", "") or "—"
            entry = f"[{stamp} {who}] {note.strip()}"
            interest.staff_notes = (
                f"{interest.staff_notes.rstrip()}\n{entry}" if interest.staff_notes else entry
            )
        interest.save(update_fields=["status", "handled_by", "handled_at", "staff_notes"])
    return interest


def interests_purge(*, now=None) -> int:
    """Delete the expressions of interest last handled (or, never handled, sent) longer ago
    than PEERNET_INTEREST_RETENTION_DAYS. Run by the scheduled purge
    (``members.seams.personal_data_purges``)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.PEERNET_INTEREST_RETENTION_DAYS)
    deleted, _ = (
        ExpressionOfInterest.objects.annotate(last_activity=Coalesce("handled_at", "submitted_at"))
        .filter(last_activity__lt=limit)
        .delete()
    )
    return deleted

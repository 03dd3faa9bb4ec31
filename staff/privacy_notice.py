"""The privacy notice: the facts staff write in the admin, the retention periods the purge
applies, and the version a person consents to.

Staff edit the notice's facts (purposes, what is collected, who has access, where it is
stored, rights, complaints, the person in charge) as page texts whose keys start with
``privacy.``. How long each kind of data is kept is not written by anyone: the notice reads it
from the same settings the scheduled purges apply, so that it is always true.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from peernet.languages import language_codes

from .models import INCIDENT_KEPT_YEARS, PrivacyNoticeVersion, SiteText

# Raise by hand when the fixed wording of templates/members/privacy.html changes: the version
# a person consented to must change with what they read.
NOTICE_WORDING = "2026-12"
# The version is stored in fields of 20 characters: the wording's date, a dot, 12 hex digits.
_DIGEST_LENGTH = 12


@dataclass(frozen=True)
class RetentionPeriod:
    """One line of the notice's "How long it is kept"."""

    what: str
    period: str


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def retention_periods() -> list[RetentionPeriod]:
    """Each kind of personal data and how long it is kept, read from the settings the purges
    use (``members.registrations_purge`` with the purges of ``personal_data_purges``,
    ``outbox.purge``), in the current language."""
    return [
        RetentionPeriod(
            _("A request whose e-mail address was never confirmed"),
            _("%(period)s after it was sent")
            % {"period": _days(settings.PEERNET_UNCONFIRMED_RETENTION_DAYS)},
        ),
        RetentionPeriod(
            _("A request that was not accepted, or a member who was withdrawn"),
            _("%(period)s after the decision")
            % {"period": _days(settings.PEERNET_DECIDED_RETENTION_DAYS)},
        ),
        RetentionPeriod(
            _("A member's account, profile, answers to invitations and calendar feed"),
            _("as long as the person is a member; deleted at once when they leave"),
        ),
        RetentionPeriod(
            _("E-mails the network sent to a person"),
            _("%(period)s after they were sent")
            % {"period": _days(settings.PEERNET_OUTBOX_RETENTION_DAYS)},
        ),
        RetentionPeriod(
            _("Mail received from calendar programs (replies to invitations)"),
            _("%(period)s after it came")
            % {"period": _days(settings.PEERNET_CALENDAR_REPLY_RETENTION_DAYS)},
        ),
        RetentionPeriod(
            _("A community's expression of interest in a cohort"),
            _("%(period)s after it was last handled, or sent")
            % {"period": _days(settings.PEERNET_INTEREST_RETENTION_DAYS)},
        ),
        RetentionPeriod(
            _("A signed-in session"),
            _("until it ends, at most %(period)s after it was last used")
            % {"period": _days(settings.SESSION_COOKIE_AGE // 86400)},
        ),
        RetentionPeriod(
            _("Counts of failed sign-ins"),
            _("until the period they count is over (five minutes with the default limits)"),
        ),
        RetentionPeriod(
            _("Entries of the register of confidentiality incidents"),
            ngettext(
                "at least %(count)d year after the network learned of the incident",
                "at least %(count)d years after the network learned of the incident",
                INCIDENT_KEPT_YEARS,
            )
            % {"count": INCIDENT_KEPT_YEARS},
        ),
    ]


def _notice_content() -> tuple[dict, dict]:
    """The facts staff wrote, in every language, and the retention periods."""
    texts = SiteText.objects.filter(key__startswith="privacy.").order_by("key")
    facts = {
        text.key: {
            build_localized_fieldname(field, code): getattr(
                text, build_localized_fieldname(field, code)
            )
            or ""
            for field in ("title", "body")
            for code in language_codes()
        }
        for text in texts
    }
    periods = {
        "unconfirmed": settings.PEERNET_UNCONFIRMED_RETENTION_DAYS,
        "decided": settings.PEERNET_DECIDED_RETENTION_DAYS,
        "outbox": settings.PEERNET_OUTBOX_RETENTION_DAYS,
        "calendar_replies": settings.PEERNET_CALENDAR_REPLY_RETENTION_DAYS,
        "interests": settings.PEERNET_INTEREST_RETENTION_DAYS,
        "sessions": settings.SESSION_COOKIE_AGE,
        "incidents": INCIDENT_KEPT_YEARS,
    }
    return facts, periods


def _version_of(facts: dict, periods: dict) -> str:
    content = json.dumps({"facts": facts, "periods": periods}, sort_keys=True)
    digest = hashlib.sha256(content.encode()).hexdigest()[:_DIGEST_LENGTH]
    return f"{NOTICE_WORDING}.{digest}"


def privacy_notice_version() -> str:
    """The version of the notice as it reads now.

    A digest of the facts staff wrote (both languages), the retention periods and the fixed
    wording's date: any change to what a person reads gives a new version, and the same notice
    always gives the same one.
    """
    return _version_of(*_notice_content())


def privacy_notice_version_record() -> str:
    """The version of the notice as it reads now, for a consent to record; its words are kept
    (:class:`staff.models.PrivacyNoticeVersion`) the first time a consent names it."""
    facts, periods = _notice_content()
    version = _version_of(facts, periods)
    PrivacyNoticeVersion.objects.get_or_create(
        version=version, defaults={"facts": facts, "periods": periods}
    )
    return version

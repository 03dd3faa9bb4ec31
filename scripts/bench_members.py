"""Members' registrations written for the run as rows, never through the services: a service
would send mail and invitations to every member of the run."""

from functools import cache

from members.eligibility import mailbox_key, name_key
from members.models import Registration
from staff.privacy_notice import privacy_notice_version_record


@cache
def _notice_version() -> str:
    # The notice does not change during a run; reading it once spares a query per row.
    return privacy_notice_version_record()


def registration_build(
    *,
    user,
    at,
    status: str,
    organisation_name: str,
    province: str,
    organisation_kind: str = "city",
    job_title: str = "Climate advisor",
    email_confirmed_at=None,
    decided_at=None,
) -> Registration:
    """An unsaved registration of `user` as the sign-up form leaves it, submitted at `at` with
    consent to the current privacy notice, and the keys that the duplicate checks compare."""
    return Registration(
        user=user,
        job_title=job_title,
        organisation_name=organisation_name,
        organisation_kind=organisation_kind,
        province=province,
        wants_interpretation=user.preferred_language == "fr",
        privacy_consent_at=at,
        privacy_notice_version=_notice_version(),
        person_key=name_key(user.first_name, user.last_name),
        mailbox_key=mailbox_key(user.email),
        status=status,
        submitted_at=at,
        email_confirmed_at=email_confirmed_at,
        decided_at=decided_at,
    )

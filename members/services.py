"""Every change to a registration goes through here.

Each service checks that the change is allowed from the current state, records who made it,
when and why (``RegistrationEvent``), and queues the e-mails that follow from it. The view, the
admin and the management commands all call these functions.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peernet.links import absolute_url
from peernet.outbox.services import message_send_templated, messages_forget
from staff.privacy_notice import privacy_notice_version_record

from . import eligibility
from .choices import RegistrationStatus
from .models import Registration, RegistrationEvent, RegistrationFlag, User
from .seams import member_data_exporters, personal_data_purges
from .sign_in_lock import sign_in_failures_forget
from .signals import member_approved, member_withdrawn

# Which states each decision may start from.
_ALLOWED = {
    RegistrationStatus.PENDING: {RegistrationStatus.SUBMITTED},
    RegistrationStatus.APPROVED: {RegistrationStatus.PENDING},
    RegistrationStatus.REJECTED: {RegistrationStatus.SUBMITTED, RegistrationStatus.PENDING},
    RegistrationStatus.WITHDRAWN: {
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.PENDING,
        RegistrationStatus.APPROVED,
    },
}


class RegistrationStateError(ValidationError):
    """The requested change is not allowed from the registration's current state."""


class MemberDeleteError(ValidationError):
    """The account may not be deleted here: staff accounts are removed by an administrator."""


def registration_next_statuses(*, registration: Registration) -> frozenset[str]:
    """The states this registration may move to now: the decisions a page may offer."""
    return frozenset(
        target for target, sources in _ALLOWED.items() if registration.status in sources
    )


def _transition(
    *, registration: Registration, to_status: str, actor: User | None, note: str = ""
) -> RegistrationEvent:
    # Lock the row: two reviewers clicking at once must not both decide.
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status not in _ALLOWED[to_status]:
        raise RegistrationStateError(
            _("This request is %(status)s and cannot become %(target)s.")
            % {
                "status": locked.get_status_display().lower(),
                "target": RegistrationStatus(to_status).label.lower(),
            },
            code="invalid_transition",
        )
    from_status = locked.status
    locked.status = to_status
    event = RegistrationEvent.objects.create(
        registration=locked, from_status=from_status, to_status=to_status, actor=actor, note=note
    )
    registration.status = to_status
    return event


def registration_flags_refresh(*, registration: Registration) -> list[RegistrationFlag]:
    """Run the eligibility assistant again and store its findings."""
    findings = eligibility.assess(registration)
    known = next((finding.organisation for finding in findings if finding.organisation), None)
    if registration.known_organisation_id != (known.pk if known else None):
        registration.known_organisation = known
        registration.save(update_fields=["known_organisation"])
    registration.flags.all().delete()
    return RegistrationFlag.objects.bulk_create(
        RegistrationFlag(registration=registration, code=finding.code, params=finding.params)
        for finding in findings
    )


def registration_flags_refresh_open() -> int:
    """Assess again every request still awaiting a decision (the known governments changed)."""
    open_registrations = Registration.objects.filter(
        status__in=[RegistrationStatus.SUBMITTED, RegistrationStatus.PENDING]
    ).select_related("user")
    count = 0
    for registration in open_registrations:
        registration_flags_refresh(registration=registration)
        count += 1
    return count


@transaction.atomic
def registration_submit(
    *,
    user: User,
    job_title: str,
    department: str,
    organisation_name: str,
    organisation_kind: str,
    province: str,
    wants_interpretation: bool,
    privacy_consent: bool,
) -> Registration:
    """Record a new request; it reaches reviewers once the address is confirmed."""
    if not privacy_consent:
        raise ValidationError(
            _("You must agree to the privacy notice to register."), code="no_consent"
        )
    now = timezone.now()
    registration = Registration(
        user=user,
        job_title=job_title,
        department=department,
        organisation_name=organisation_name,
        organisation_kind=organisation_kind,
        province=province,
        wants_interpretation=wants_interpretation,
        privacy_consent_at=now,
        privacy_notice_version=privacy_notice_version_record(),
        submitted_at=now,
        person_key=eligibility.name_key(user.first_name, user.last_name),
        mailbox_key=eligibility.mailbox_key(user.email),
    )
    registration.full_clean(exclude=["user"])
    registration.save()
    RegistrationEvent.objects.create(
        registration=registration, to_status=RegistrationStatus.SUBMITTED, actor=user
    )
    registration_flags_refresh(registration=registration)
    return registration


def _queue_registration_mail(
    *, registration: Registration, event: RegistrationEvent, kind: str, context=None
) -> None:
    user = registration.user
    language = user.preferred_language
    message_send_templated(
        to_email=user.email,
        template_prefix=f"members/email/{kind}",
        context={
            "registration": registration,
            "user": user,
            "sign_in_url": absolute_url("account_login", language=language),
            "member_url": absolute_url("members:home", language=language),
            **(context or {}),
        },
        language=language,
        purpose=f"members.{kind}",
        dedupe_key=f"members.{kind}:{event.pk}",
    )


@transaction.atomic
def registration_email_confirmed(*, user: User) -> Registration | None:
    """The registrant proved they own the address: the request goes to the review queue."""
    registration = Registration.objects.filter(user=user).first()
    if registration is None or registration.status != RegistrationStatus.SUBMITTED:
        return registration
    event = _transition(registration=registration, to_status=RegistrationStatus.PENDING, actor=user)
    registration.email_confirmed_at = timezone.now()
    registration.save(update_fields=["status", "email_confirmed_at"])
    registration_flags_refresh(registration=registration)
    _queue_registration_mail(registration=registration, event=event, kind="received")
    return registration


@transaction.atomic
def registration_approve(
    *, registration: Registration, reviewer: User, note: str = ""
) -> Registration:
    """Approve a request: the registrant becomes a member and is welcomed."""
    event = _transition(
        registration=registration, to_status=RegistrationStatus.APPROVED, actor=reviewer, note=note
    )
    registration.decided_at = timezone.now()
    registration.decided_by = reviewer
    registration.decision_reason = note
    registration.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    user = registration.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    _queue_registration_mail(registration=registration, event=event, kind="welcome")
    member_approved.send(sender=Registration, registration=registration)
    return registration


@transaction.atomic
def registration_reject(*, registration: Registration, reviewer: User, reason: str) -> Registration:
    """Reject a request; the reason is sent to the registrant."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."), code="no_reason")
    event = _transition(
        registration=registration,
        to_status=RegistrationStatus.REJECTED,
        actor=reviewer,
        note=reason,
    )
    registration.decided_at = timezone.now()
    registration.decided_by = reviewer
    registration.decision_reason = reason
    registration.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _queue_registration_mail(
        registration=registration, event=event, kind="rejected", context={"reason": reason}
    )
    return registration


@transaction.atomic
def registration_withdraw(
    *, registration: Registration, actor: User, note: str = ""
) -> Registration:
    """The registrant withdraws the request, or a member leaves the network."""
    was_member = registration.status == RegistrationStatus.APPROVED
    _transition(
        registration=registration, to_status=RegistrationStatus.WITHDRAWN, actor=actor, note=note
    )
    registration.decided_at = timezone.now()
    registration.save(update_fields=["status", "decided_at"])
    if was_member:
        member_withdrawn.send(sender=Registration, registration=registration)
    return registration


@transaction.atomic
def member_profile_update(*, registration: Registration, actor: User, **fields) -> Registration:
    """A member edits their own profile; only profile fields may change."""
    user_fields = {"first_name", "last_name", "preferred_language"}
    registration_fields = {"job_title", "department", "wants_interpretation"}
    unknown = set(fields) - user_fields - registration_fields
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    user = registration.user
    for name, value in fields.items():
        setattr(user if name in user_fields else registration, name, value)
    user.full_clean(exclude=["password", "email"])
    registration.full_clean(exclude=["user"])
    user.save()
    registration.person_key = eligibility.name_key(user.first_name, user.last_name)
    registration.save()
    RegistrationEvent.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=registration.status,
        actor=actor,
        note="profile updated",
    )
    return registration


def member_data_export(*, user: User) -> dict:
    """Everything PeerNet keeps about a person, for them to take away (JSON-serialisable).

    Other programmes add their own sections through :data:`members.seams.member_data_exporters`.
    """
    registration = Registration.objects.filter(user=user).first()
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "registration": None,
    }
    if registration is not None:
        data["registration"] = {
            "job_title": registration.job_title,
            "department": registration.department,
            "organisation_name": registration.organisation_name,
            "organisation_kind": registration.organisation_kind,
            "province": registration.province,
            "wants_interpretation": registration.wants_interpretation,
            "status": registration.status,
            "submitted_at": registration.submitted_at.isoformat(),
            "email_confirmed_at": (
                registration.email_confirmed_at.isoformat()
                if registration.email_confirmed_at
                else None
            ),
            "privacy_consent_at": registration.privacy_consent_at.isoformat(),
            "privacy_notice_version": registration.privacy_notice_version,
            "decided_at": registration.decided_at.isoformat() if registration.decided_at else None,
            "decision_reason": registration.decision_reason,
            "history": [
                {
                    "at": event.created_at.isoformat(),
                    "from": event.from_status,
                    "to": event.to_status,
                    "note": event.note if event.actor_id == user.pk else "",
                }
                for event in registration.events.all()
            ],
        }
    for exporter in member_data_exporters:
        name, section = exporter(user)
        data[name] = section
    return data


@transaction.atomic
def member_delete(*, user: User) -> None:
    """A person leaves PeerNet: their account, request, history and mail are deleted.

    Programmes that keep something about members answer ``member_withdrawn`` (inside this
    transaction) to cancel what is pending for them. The outbox itself forgets sent mail after
    its retention period. Staff accounts are never deleted here (:class:`MemberDeleteError`):
    every caller, the purge included, relies on this check.
    """
    if user.is_staff:
        raise MemberDeleteError(
            _("Staff accounts are removed by an administrator."), code="staff_account"
        )
    registration = Registration.objects.filter(user=user).first()
    # Mail kept for the person goes first; then programmes answer the signal, and what they
    # queue now (calendar cancellations) still reaches the person once.
    messages_forget(to_email=user.email)
    if registration is not None and registration.status == RegistrationStatus.APPROVED:
        member_withdrawn.send(sender=Registration, registration=registration)
    user.delete()


def registrations_purge(*, now=None) -> int:
    """Delete what PeerNet no longer needs (privacy notice, "How long it is kept").

    Rejected or withdrawn requests go once their decision is older than the retention period;
    requests whose address was never confirmed go after UNCONFIRMED_RETENTION; counts of failed
    sign-ins and expired sessions go once their period is over; then each purge other apps
    registered in ``personal_data_purges`` runs (calendar replies, expressions of interest).
    Staff accounts are never touched (``member_delete`` refuses them). Returns the number of
    people deleted.
    """
    now = now or timezone.now()
    sign_in_failures_forget(now=now)
    # Django deletes an expired session only when its owner comes back; everyone else's stays.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    decided_limit = now - timedelta(days=settings.PEERNET_DECIDED_RETENTION_DAYS)
    unconfirmed_limit = now - timedelta(days=settings.PEERNET_UNCONFIRMED_RETENTION_DAYS)
    stale = Registration.objects.filter(
        models.Q(
            status__in=[RegistrationStatus.REJECTED, RegistrationStatus.WITHDRAWN],
            decided_at__lt=decided_limit,
        )
        | models.Q(status=RegistrationStatus.SUBMITTED, submitted_at__lt=unconfirmed_limit)
    )
    deleted = 0
    for user in User.objects.filter(registration__in=stale):
        try:
            member_delete(user=user)
        except MemberDeleteError:
            continue
        deleted += 1
    for purge in personal_data_purges:
        purge(now=now)
    return deleted

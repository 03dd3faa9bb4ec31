"""Every change of a registration's state goes through members.services."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from members import services
from members.choices import FlagCode, RegistrationStatus
from members.models import Registration, RegistrationEvent
from members.signals import member_approved
from peernet.outbox.models import OutboxMessage
from staff.privacy_notice import privacy_notice_version
from tests.members.factories import (
    KnownOrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def _submit(user, **overrides):
    values = dict(
        job_title="Analyste",
        department="",
        organisation_name="Ville de Gatineau",
        organisation_kind="city",
        province="QC",
        wants_interpretation=True,
        privacy_consent=True,
    )
    values.update(overrides)
    return services.registration_submit(user=user, **values)


def test_submit_records_consent_flags_and_history():
    KnownOrganisationFactory()
    user = UserFactory(email="amelie@gatineau.ca", first_name="Amélie", last_name="Tremblay")
    registration = _submit(user)
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.privacy_consent_at is not None
    assert registration.privacy_notice_version == privacy_notice_version()
    assert registration.person_key == "amelie tremblay"
    assert registration.known_organisation.name_en == "City of Gatineau"
    assert list(registration.flags.values_list("code", flat=True)) == [FlagCode.KNOWN_GOVERNMENT]
    assert list(registration.events.values_list("from_status", "to_status", "actor")) == [
        ("", "submitted", user.pk)
    ]


def test_submit_without_consent_is_refused_and_saves_nothing():
    user = UserFactory()
    with pytest.raises(ValidationError) as raised:
        _submit(user, privacy_consent=False)
    assert raised.value.code == "no_consent"
    assert Registration.objects.count() == 0


def test_email_confirmation_moves_request_to_review_and_sends_receipt_in_french(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(preferred_language="fr")
    registration = _submit(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_email_confirmed(user=user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.email_confirmed_at is not None
    assert [m.subject for m in mail.outbox] == [
        "Nous avons bien reçu votre demande d’adhésion à PeerNet"
    ]
    assert OutboxMessage.objects.get().purpose == "members.received"


def test_confirming_twice_queues_one_receipt(django_capture_on_commit_callbacks):
    user = UserFactory()
    _submit(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_email_confirmed(user=user)
        services.registration_email_confirmed(user=user)
    assert OutboxMessage.objects.filter(purpose="members.received").count() == 1


def test_approve_records_decision_signals_and_welcomes(django_capture_on_commit_callbacks):
    reviewer = StaffFactory()
    registration = RegistrationFactory(user__preferred_language="en")
    received = []

    def on_approved(sender, registration, **kwargs):
        received.append(registration.pk)

    member_approved.connect(on_approved)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_approve(registration=registration, reviewer=reviewer, note="ok")
    finally:
        member_approved.disconnect(on_approved)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == reviewer
    assert registration.decided_at is not None
    assert received == [registration.pk]
    event = registration.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "pending", "approved", reviewer, "ok",
    )  # fmt: skip
    assert [m.subject for m in mail.outbox] == ["Welcome to PeerNet"]
    assert "http://testserver/en/accounts/login/" in mail.outbox[0].body
    assert registration.user.is_member


def test_approve_twice_is_refused_and_sends_one_welcome(django_capture_on_commit_callbacks):
    reviewer = StaffFactory()
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(registration=registration, reviewer=reviewer)
        with pytest.raises(services.RegistrationStateError):
            services.registration_approve(registration=registration, reviewer=reviewer)
    assert len(mail.outbox) == 1
    assert RegistrationEvent.objects.count() == 1


def test_unconfirmed_request_cannot_be_approved():
    registration = RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    with pytest.raises(services.RegistrationStateError):
        services.registration_approve(registration=registration, reviewer=StaffFactory())
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_reject_sends_reason_in_registrants_language(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(user__preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_reject(
            registration=registration,
            reviewer=StaffFactory(),
            reason="Votre organisme n’est pas une administration locale.",
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    assert registration.decision_reason == "Votre organisme n’est pas une administration locale."
    message = mail.outbox[0]
    assert message.subject == "Votre demande d’adhésion à PeerNet"
    assert "Votre organisme n’est pas une administration locale." in message.body
    assert message.extra_headers["Content-Language"] == "fr"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_requires_a_reason(reason):
    registration = RegistrationFactory()
    with pytest.raises(ValidationError):
        services.registration_reject(
            registration=registration, reviewer=StaffFactory(), reason=reason
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_failed_decision_rolls_back_everything(django_capture_on_commit_callbacks):
    registration = RegistrationFactory()

    def explode(sender, **kwargs):
        raise RuntimeError("a receiver failed")

    member_approved.connect(explode)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            with transaction.atomic():
                services.registration_approve(registration=registration, reviewer=StaffFactory())
    finally:
        member_approved.disconnect(explode)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_profile_update_changes_only_profile_fields():
    registration = RegistrationFactory(user__preferred_language="en")
    services.member_profile_update(
        registration=registration,
        actor=registration.user,
        first_name="Kanien'kehá:ka",
        preferred_language="fr",
        wants_interpretation=True,
    )
    registration.refresh_from_db()
    assert registration.user.first_name == "Kanien'kehá:ka"
    assert registration.user.preferred_language == "fr"
    assert registration.wants_interpretation is True
    with pytest.raises(ValueError):
        services.member_profile_update(registration=registration, actor=None, status="approved")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (RegistrationStatus.SUBMITTED, {"pending", "rejected", "withdrawn"}),
        (RegistrationStatus.PENDING, {"approved", "rejected", "withdrawn"}),
        (RegistrationStatus.APPROVED, {"withdrawn"}),
        (RegistrationStatus.REJECTED, set()),
        (RegistrationStatus.WITHDRAWN, set()),
    ],
)
def test_next_statuses_are_the_decisions_the_services_accept(status, expected):
    registration = RegistrationFactory(status=status)
    allowed = services.registration_next_statuses(registration=registration)
    assert allowed == expected
    if status in (RegistrationStatus.SUBMITTED, RegistrationStatus.PENDING):
        return
    # What is not offered is refused by the service itself.
    with pytest.raises(services.RegistrationStateError):
        services.registration_approve(registration=registration, reviewer=StaffFactory())


def test_member_delete_refuses_staff_and_keeps_their_mail():
    from peernet.outbox.services import message_queue

    staff = StaffFactory(email="robin@peernet.example")
    RegistrationFactory(user=staff)
    message_queue(to_email=staff.email, subject="s", text="t", language="en", purpose="x")
    with pytest.raises(services.MemberDeleteError) as refused:
        services.member_delete(user=staff)
    assert refused.value.code == "staff_account"
    assert refused.value.messages == ["Staff accounts are removed by an administrator."]
    staff.refresh_from_db()
    assert Registration.objects.filter(user=staff).exists()
    assert OutboxMessage.objects.filter(to_email=staff.email).count() == 1


def test_purge_leaves_a_stale_staff_request_to_member_delete(settings):
    from datetime import timedelta

    from django.utils import timezone

    from members.models import User

    settings.PEERNET_DECIDED_RETENTION_DAYS = 180
    now = timezone.now()
    old = now - timedelta(days=181)
    staff = StaffFactory()
    RegistrationFactory(user=staff, status=RegistrationStatus.REJECTED, decided_at=old)
    person = RegistrationFactory(status=RegistrationStatus.REJECTED, decided_at=old)
    assert services.registrations_purge(now=now) == 1
    assert User.objects.filter(pk=staff.pk).exists()
    assert not User.objects.filter(pk=person.user_id).exists()

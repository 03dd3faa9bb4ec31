"""Privacy by design: consent recorded, data export, leaving the network, limited retention."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import RegistrationStatus
from members.models import Registration, RegistrationEvent, User
from peernet.outbox.models import OutboxMessage
from peernet.outbox.services import message_queue
from tests.members.factories import MemberFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_export_contains_what_is_kept_and_nothing_of_others(client):
    member = MemberFactory(
        user__first_name="Sḵwx̱wú7mesh", user__email="s@squamish.net", job_title="Planner"
    )
    other = MemberFactory(user__email="other@gatineau.ca")
    client.force_login(member.user)
    response = client.get(reverse("members:data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="peernet-my-data.json"'
    data = json.loads(response.content.decode("utf-8"))
    assert data["account"]["first_name"] == "Sḵwx̱wú7mesh"
    assert data["account"]["email"] == "s@squamish.net"
    assert data["registration"]["job_title"] == "Planner"
    assert data["registration"]["status"] == "approved"
    assert data["registration"]["privacy_consent_at"] == member.privacy_consent_at.isoformat()
    assert other.user.email not in response.content.decode("utf-8")


def test_export_requires_sign_in(client):
    response = client.get(reverse("members:data_export"))
    assert response.status_code == 302


def test_leaving_needs_confirmation_then_deletes_everything(client):
    member = MemberFactory(user__email="leaving@gatineau.ca")
    RegistrationEvent.objects.create(registration=member, to_status="approved")
    message_queue(to_email="leaving@gatineau.ca", subject="s", text="t", language="en", purpose="x")
    kept = MemberFactory(user__email="staying@gatineau.ca")
    client.force_login(member.user)
    url = reverse("members:leave")
    assert client.get(url).status_code == 200

    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert User.objects.filter(email="leaving@gatineau.ca").exists()

    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(email="leaving@gatineau.ca").exists()
    assert not Registration.objects.filter(pk=member.pk).exists()
    assert not RegistrationEvent.objects.filter(registration_id=member.pk).exists()
    assert not OutboxMessage.objects.filter(to_email="leaving@gatineau.ca").exists()
    assert Registration.objects.filter(pk=kept.pk).exists()
    assert client.get(reverse("members:home")).status_code == 302  # signed out


def test_staff_cannot_delete_themselves_from_the_member_page(client):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(reverse("members:leave"), {"confirm": "yes"})
    assert response.status_code == 302
    assert User.objects.filter(pk=staff.pk).exists()


def test_purge_deletes_only_what_is_past_retention(settings):
    settings.PEERNET_DECIDED_RETENTION_DAYS = 180
    settings.PEERNET_UNCONFIRMED_RETENTION_DAYS = 30
    now = timezone.now()
    old_rejected = RegistrationFactory(
        status=RegistrationStatus.REJECTED, decided_at=now - timedelta(days=181)
    )
    recent_rejected = RegistrationFactory(
        status=RegistrationStatus.REJECTED, decided_at=now - timedelta(days=10)
    )
    old_withdrawn = RegistrationFactory(
        status=RegistrationStatus.WITHDRAWN, decided_at=now - timedelta(days=200)
    )
    old_unconfirmed = RegistrationFactory(
        status=RegistrationStatus.SUBMITTED, submitted_at=now - timedelta(days=31)
    )
    fresh_unconfirmed = RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    old_member = MemberFactory(decided_at=now - timedelta(days=900))
    old_pending = RegistrationFactory(submitted_at=now - timedelta(days=400))

    assert services.registrations_purge(now=now) == 3
    remaining = set(Registration.objects.values_list("pk", flat=True))
    assert remaining == {recent_rejected.pk, fresh_unconfirmed.pk, old_member.pk, old_pending.pk}
    assert not User.objects.filter(
        pk__in=[old_rejected.user_id, old_withdrawn.user_id, old_unconfirmed.user_id]
    ).exists()
    assert services.registrations_purge(now=now) == 0

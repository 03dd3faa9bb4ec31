"""The daily staff digest: sent when something waits past the warning threshold or failed,
never when nothing does, never twice for the same day; scheduled at 8:00 Eastern."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.formats import date_format

from peernet.celery import app
from peernet.outbox.models import MessageStatus, OutboxMessage
from staff.digest import PURPOSE, staff_digest_send
from staff.tasks import staff_digest_send_task
from tests.members.factories import RegistrationFactory

STAFF = ["staff@peernet.example", "Coach@Peernet.example"]


def _overdue(days=9):
    moment = timezone.now() - timedelta(days=days, hours=1)
    return RegistrationFactory(submitted_at=moment, email_confirmed_at=moment)


def _failed():
    return OutboxMessage.objects.create(
        status=MessageStatus.FAILED,
        purpose="members.welcome",
        to_email="gone@gatineau.ca",
        from_email="network@peernet.example",
        language="en",
        subject="Welcome",
        body_text="Hello",
    )


def _digests():
    return list(OutboxMessage.objects.filter(purpose=PURPOSE).order_by("to_email"))


@pytest.fixture
def staff_addresses(settings):
    settings.PEERNET_STAFF_EMAILS = STAFF
    settings.PEERNET_REVIEW_WARNING_DAYS = 5
    settings.SITE_URL = "https://peernet.example"


@pytest.mark.unit
@pytest.mark.django_db
def test_nothing_waiting_sends_nothing(staff_addresses):
    _overdue(days=2)  # waiting, but within the warning threshold
    assert staff_digest_send() == 0
    assert _digests() == []


@pytest.mark.unit
@pytest.mark.django_db
def test_an_overdue_request_sends_one_digest_to_each_address(staff_addresses):
    _overdue()
    _overdue(days=1)

    assert staff_digest_send() == 2

    digests = _digests()
    assert [message.to_email for message in digests] == ["Coach@Peernet.example", STAFF[0]]
    message = digests[1]
    day = timezone.localdate()
    assert message.language == "en"
    assert message.subject == f"PeerNet: what needs doing on {date_format(day, 'DATE_FORMAT')}"
    assert "- 2 Requests awaiting review (needs attention)" in message.body_text
    assert "- 1 Requests waiting more than 5 days (needs attention)" in message.body_text
    assert (
        "https://peernet.example/en/admin/members/registration/?status__exact=pending&waiting=long"
        in message.body_text
    )
    assert (
        'href="https://peernet.example/en/admin/members/registration/'
        '?status__exact=pending&amp;waiting=long"' in message.body_html
    )
    # Only what has a count is listed.
    assert "E-mails that failed" not in message.body_text
    assert message.dedupe_key == f"{PURPOSE}:{day.isoformat()}:staff@peernet.example"


@pytest.mark.unit
@pytest.mark.django_db
def test_never_twice_for_the_same_day_and_again_the_next(staff_addresses):
    _failed()
    assert staff_digest_send() == 2
    assert staff_digest_send() == 0
    assert staff_digest_send_task.apply().get() == 0
    assert len(_digests()) == 2

    tomorrow = timezone.now() + timedelta(days=1)
    assert staff_digest_send(now=tomorrow) == 2
    assert len(_digests()) == 4


@pytest.mark.unit
@pytest.mark.django_db
def test_failed_mail_sends_the_digest(staff_addresses):
    _failed()
    assert staff_digest_send() == 2
    assert "- 1 E-mails that failed, past 7 days (needs attention)" in _digests()[0].body_text


@pytest.mark.unit
@pytest.mark.django_db
def test_the_digest_in_french(staff_addresses, settings):
    settings.LANGUAGE_CODE = "fr"
    _overdue()
    assert staff_digest_send() == 2
    message = _digests()[0]
    assert message.language == "fr"
    assert message.subject.startswith("PeerNet : ce qu’il faut faire le ")
    assert "Demandes en attente d’examen (à traiter)" in message.body_text
    assert "https://peernet.example/fr/admin/members/registration/" in message.body_text


@pytest.mark.unit
@pytest.mark.django_db
def test_scheduled_at_eight_eastern_by_the_database_scheduler():
    from django_celery_beat.schedulers import ModelEntry

    entry = ModelEntry.from_entry(
        "staff-digest", app=app, **django_settings.CELERY_BEAT_SCHEDULE["staff-digest"]
    )
    crontab = entry.model.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "8", "*")
    assert crontab.timezone == ZoneInfo("America/Toronto")
    assert entry.model.task == "peernet.staff_digest"
    # The next run after 7:59 Eastern is due at 8:00 Eastern, in winter and in summer.
    schedule = entry.model.schedule
    for before in (
        datetime(2026, 1, 15, 7, 59, tzinfo=ZoneInfo("America/Toronto")),
        datetime(2026, 7, 15, 7, 59, tzinfo=ZoneInfo("America/Toronto")),
    ):
        remaining = schedule.remaining_delta(before)
        assert (remaining[0] + remaining[1]).astimezone(ZoneInfo("America/Toronto")).hour == 8


@pytest.mark.integration
def test_a_real_worker_delivers_the_digest_once(celery_worker, smtp_server):
    # The worker reads its own settings: the default staff address and warning threshold.
    (address,) = django_settings.PEERNET_STAFF_EMAILS
    _overdue(days=django_settings.PEERNET_REVIEW_WARNING_DAYS + 3)

    staff_digest_send_task.delay()
    staff_digest_send_task.delay()

    messages = smtp_server.wait_for(1, timeout=60)
    # Give a second copy every chance to show up before asserting there is none.
    messages = smtp_server.wait_for(2, timeout=5)
    assert len(messages) == 1
    assert messages[0]["To"] == address
    assert messages[0]["Subject"].startswith("PeerNet: what needs doing on ")
    assert "Requests awaiting review" in messages[0].get_body(("plain",)).get_content()
    (stored,) = OutboxMessage.objects.filter(purpose=PURPOSE)
    assert (stored.status, stored.attempts) == (MessageStatus.SENT, 1)

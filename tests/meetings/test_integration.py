"""Invitations end to end: the real Celery worker takes the tasks from Redis and delivers
through a real SMTP server; an approval, an update and a cancellation each arrive once."""

import re
import time
from datetime import timedelta

import pytest

from meetings import services
from members.services import registration_approve
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.meetings.factories import MeetingFactory
from tests.members.factories import RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _calendar_mails(smtp_server, expected: int) -> list[tuple[bytes, bytes]]:
    """(raw SMTP bytes, decoded calendar) of each message with a calendar, once ``expected``
    arrived and a duplicate had every chance to follow."""

    def collected():
        return [
            (raw, part.get_payload(decode=True))
            for raw, message in zip(smtp_server.raw, smtp_server.messages, strict=True)
            for part in message.walk()
            if part.get_content_type() == "text/calendar"
        ]

    deadline = time.monotonic() + 60
    while len(collected()) < expected and time.monotonic() < deadline:
        smtp_server.wait_for(len(smtp_server.messages) + 1, timeout=1)
    smtp_server.wait_for(len(smtp_server.messages) + 1, timeout=3)
    return collected()


def _value(calendar: bytes, name: str) -> str:
    unfolded = calendar.replace(b"\r\n ", b"").decode()
    event = unfolded[unfolded.index("BEGIN:VEVENT") :]
    return re.search(rf"^{name}[;:]([^\r\n]*)", event, re.M).group(1)


def test_approve_update_cancel_each_deliver_once(celery_worker, smtp_server):
    meeting = MeetingFactory(title_fr="Chaleur et santé")
    registration = RegistrationFactory(
        user__email="marie.gagnon@gatineau.ca", user__preferred_language="fr"
    )

    registration_approve(registration=registration, reviewer=StaffFactory())
    mails = _calendar_mails(smtp_server, 1)
    assert len(mails) == 1, "one invitation"
    raw, data = mails[0]
    assert b"Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n" in raw
    assert b"To: marie.gagnon@gatineau.ca\r\n" in raw
    assert b"METHOD:REQUEST\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert _value(data, "UID") == meeting.calendar_uid
    assert _value(data, "SEQUENCE") == "0"
    assert _value(data, "SUMMARY") == "Chaleur et santé"

    new_start = meeting.starts_at + timedelta(hours=1)
    services.meeting_update(
        meeting=meeting, starts_at=new_start, ends_at=new_start + timedelta(hours=1)
    )
    mails = _calendar_mails(smtp_server, 2)
    assert len(mails) == 2, "one update"
    raw, data = mails[1]
    assert b"Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n" in raw
    assert _value(data, "UID") == meeting.calendar_uid
    assert _value(data, "SEQUENCE") == "1"

    services.meeting_cancel(meeting=meeting)
    mails = _calendar_mails(smtp_server, 3)
    assert len(mails) == 3, "one cancellation"
    raw, data = mails[2]
    assert b"Content-Type: text/calendar; method=CANCEL; charset=utf-8\r\n" in raw
    assert b"METHOD:CANCEL\r\n" in data
    assert _value(data, "STATUS") == "CANCELLED"
    assert _value(data, "SEQUENCE") == "2"

    stored = OutboxMessage.objects.filter(purpose__startswith="meetings.").order_by("pk")
    assert [(message.purpose, message.status) for message in stored] == [
        ("meetings.invitation", MessageStatus.SENT),
        ("meetings.update", MessageStatus.SENT),
        ("meetings.cancellation", MessageStatus.SENT),
    ]

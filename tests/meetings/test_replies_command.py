"""``manage.py receive_mail``: one message on standard input, as a mail server's pipe gives it."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from meetings.choices import ReplyOutcome, Response
from meetings.management.commands.receive_mail import EX_TEMPFAIL, message_read_from
from meetings.models import CalendarReply, Invitation
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import gmail_reply

pytestmark = pytest.mark.unit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Stdin:
    def __init__(self, raw: bytes):
        self.buffer = io.BytesIO(raw)


def receive(monkeypatch, raw: bytes) -> str:
    monkeypatch.setattr(sys, "stdin", Stdin(raw))
    out = io.StringIO()
    call_command("receive_mail", stdout=out)
    return out.getvalue()


def test_a_reply_on_standard_input_is_recorded(monkeypatch, member):
    invitation = InvitationFactory(user=member, meeting=MeetingFactory())

    output = receive(monkeypatch, gmail_reply(invitation.meeting, partstat="TENTATIVE"))

    assert output == "recorded (new) <gmail-1@mail.gmail.com>\n"
    assert Invitation.objects.get(pk=invitation.pk).response == Response.TENTATIVE


def test_the_same_message_piped_twice_is_read_once(monkeypatch, member):
    invitation = InvitationFactory(user=member, meeting=MeetingFactory())
    receive(monkeypatch, gmail_reply(invitation.meeting))

    output = receive(monkeypatch, gmail_reply(invitation.meeting))

    assert output == "recorded (already read) <gmail-1@mail.gmail.com>\n"
    assert CalendarReply.objects.count() == 1


def test_garbage_on_standard_input_is_kept_and_succeeds(monkeypatch, db):
    output = receive(monkeypatch, b"\x00\x01 not mail at all")

    assert output.startswith("other_mail (new) sha256:")
    assert CalendarReply.objects.get().outcome == ReplyOutcome.OTHER_MAIL


def test_a_huge_message_is_read_to_its_end_but_kept_bounded():
    stream = io.BytesIO(b"a" * 100 + b"b" * 1000)

    data = message_read_from(stream, limit=100)

    assert data == b"a" * 100 + b"b"
    assert stream.read() == b""  # the pipe was drained


def test_the_database_down_is_a_temporary_failure_for_the_mail_server():
    # A real process against a port where no PostgreSQL listens: the mail server must keep the
    # message and try again, which it does on EX_TEMPFAIL.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peernet.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/peernet",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "receive_mail"],
        input=b"From: jordan@calgary.ca\r\nMessage-ID: <x@y>\r\n\r\nhello\r\n",
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )

    assert result.returncode == EX_TEMPFAIL
    assert b"Temporary failure: the database is unavailable." in result.stderr


def test_a_fault_of_ours_keeps_the_message_on_the_mail_server(monkeypatch, db):
    from meetings.management.commands import receive_mail

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(receive_mail, "calendar_reply_receive", broken)
    with pytest.raises(SystemExit) as exit_status:
        receive(monkeypatch, b"From: a@b.ca\r\n\r\nhello\r\n")

    assert exit_status.value.code == EX_TEMPFAIL
    assert CalendarReply.objects.count() == 0

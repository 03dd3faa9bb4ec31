"""The invitation e-mail as it goes over SMTP: MIME structure, method and calendar bytes.

Covers peernet/outbox/calendar.py through the real outbox path (message_queue → message_send).
"""

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from meetings import services
from peernet.outbox.calendar import CalendarEmailMessage, attach_calendar
from tests.meetings.conftest import parsed, wire_bytes
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.unit


def _structure(mime) -> list[str]:
    """Content types in walk order, indented by depth."""
    lines = []

    def visit(part, depth):
        lines.append("  " * depth + part.get_content_type())
        if part.is_multipart():
            for child in part.get_payload():
                visit(child, depth + 1)

    visit(mime, 0)
    return lines


@pytest.fixture
def invitation_mail(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(title_en="Héat, health; and “trust”")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    assert len(mailoutbox) == 1
    return mailoutbox[0], meeting


def test_request_mail_structure(invitation_mail):
    message, _meeting = invitation_mail
    mime = parsed(message)
    assert _structure(mime) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    text/html",
        "    text/calendar",
        "  application/ics",
    ]
    alternative = mime.get_payload()[0].get_payload()[2]
    assert alternative.get_param("method") == "REQUEST"
    assert alternative.get_content_charset() == "utf-8"
    # Written unquoted on the wire, as calendar clients look for it.
    assert b"Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n" in wire_bytes(message)
    attachment = mime.get_payload()[1]
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"


def test_the_attachment_is_the_same_calendar(invitation_mail):
    message, _meeting = invitation_mail
    mime = parsed(message)
    alternative = mime.get_payload()[0].get_payload()[2].get_payload(decode=True)
    attachment = mime.get_payload()[1].get_payload(decode=True)
    assert alternative == attachment


def test_the_calendar_keeps_crlf_and_folding_over_smtp(invitation_mail):
    message, meeting = invitation_mail
    data = parsed(message).get_payload()[0].get_payload()[2].get_payload(decode=True)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert "SUMMARY:Héat\\, health\\; and “trust”\r\n".encode() in data
    assert f"UID:{meeting.calendar_uid}\r\n".encode() in data
    # Line ends of the whole message are CRLF as well (the SMTP wire format).
    raw = wire_bytes(message)
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_cancel_mail_uses_method_cancel(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
        services.meeting_cancel(meeting=meeting)
    mime = parsed(mailoutbox[1])
    alternative = mime.get_payload()[0].get_payload()[2]
    assert alternative.get_param("method") == "CANCEL"
    assert b"Content-Type: text/calendar; method=CANCEL; charset=utf-8\r\n" in wire_bytes(
        mailoutbox[1]
    )
    assert b"METHOD:CANCEL\r\n" in alternative.get_payload(decode=True)
    assert mime.get_payload()[1].get_filename() == "cancel.ics"


def test_the_mail_is_in_the_members_language(
    french_member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title_fr="Chaleur et santé")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    message = mailoutbox[0]
    assert message.subject.startswith("Invitation : Chaleur et santé (")
    assert "Bonjour Amélie," in message.body
    assert "Cette rencontre n’est pas enregistrée." in message.body
    assert "/fr/rencontres/reponse/" in message.body
    assert parsed(message)["Content-Language"] == "fr"


def test_the_mail_carries_the_join_link_and_answer_links(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    body = mailoutbox[0].body
    assert "Join on Zoom: https://zoom.us/j/81234567890?pwd=secret" in body
    assert "Passcode: 482913" in body
    assert "/en/meetings/answer/" in body and body.count("/accept/") == 1
    # Alberta: Mountain time is given beside Eastern time.
    assert "(Mountain time)" in body


def test_attach_calendar_adds_the_calendar_alternative():
    email = CalendarEmailMessage(subject="s", body="b", to=["a@b.ca"])
    attach_calendar(email, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "request")
    mime = email.message()
    assert mime.get_payload()[0].get_payload()[1]["Content-Type"] == (
        "text/calendar; method=REQUEST; charset=utf-8"
    )


@pytest.mark.parametrize("message_class", [EmailMessage, EmailMultiAlternatives])
def test_attach_calendar_refuses_a_message_of_another_class(message_class):
    with pytest.raises(TypeError):
        attach_calendar(message_class(), "BEGIN:VCALENDAR\r\n", "REQUEST")

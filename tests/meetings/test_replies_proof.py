"""A calendar reply is believed only when the mail proves who sent it.

The proofs are the member's own reply address (the signed sub-address of the ORGANIZER in
their invitation) and our mail server's DMARC verdict in Authentication-Results. Replies are
written by hand in the shapes the real clients send; the Outlook, Gmail, Apple and sabre
shapes are those of ``test_replies.py``.
"""

import base64
import io
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings import ical
from meetings.choices import AnswerChannel, ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies import proof
from meetings.replies.proof import reply_address, reply_token_make
from meetings.replies.services import calendar_reply_confirm, calendar_reply_receive
from meetings.services.calendar_messages import calendar_message_prepare
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import (
    MEMBER,
    ORGANIZER,
    apple_reply,
    crlf,
    gmail_reply,
    local,
    message,
    outlook_calendar,
    outlook_reply,
    sabre_calendar,
    utc,
)
from tests.members.factories import MemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.unit

AUTHSERV_ID = "mx.peernet.example"


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


@pytest.fixture
def meeting(invitation):
    return invitation.meeting


@pytest.fixture
def staff_user(db):
    return StaffFactory()


def answer_of(invitation) -> str:
    return Invitation.objects.get(pk=invitation.pk).response


class Stdin:
    def __init__(self, raw: bytes):
        self.buffer = io.BytesIO(raw)


def piped(monkeypatch, raw: bytes, *arguments) -> CalendarReply:
    """The message as a mail server's pipe gives it to ``manage.py receive_mail``."""
    monkeypatch.setattr(sys, "stdin", Stdin(raw))
    call_command("receive_mail", *arguments, stdout=io.StringIO())
    return CalendarReply.objects.order_by("pk").last()


def with_headers(raw: bytes, *lines: str) -> bytes:
    """The message with header lines put on top, as the servers it crossed add them."""
    return "".join(f"{line}\r\n" for line in lines).encode() + raw


# --- the shapes of the clients this file adds ----------------------------------------------------


def thunderbird_reply(meeting, *, to, partstat="ACCEPTED"):
    """Thunderbird: multipart/mixed, the REPLY inline (8bit) in an alternative and again as
    invite.ics; DTSTART in the event's own TZID with a Mozilla VTIMEZONE."""
    calendar = crlf(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "BEGIN:VTIMEZONE",
            "TZID:America/Toronto",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "DTSTART:19700308T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "DTSTART:19701101T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"CREATED:{utc(meeting.created_at)}",
            f"LAST-MODIFIED:{utc(timezone.now())}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"UID:{meeting.calendar_uid}",
            f"SUMMARY:{meeting.title}",
            f"ORGANIZER;CN=PeerNet:mailto:{to}",
            "ATTENDEE;RSVP=TRUE;CN=Jordan Whitehead;PARTSTAT="
            f"{partstat};ROLE=REQ-PARTICIPANT;CUTYPE=INDIVIDUAL:mailto:{MEMBER}",
            f"DTSTART;TZID=America/Toronto:{local(meeting.starts_at)}",
            f"DTEND;TZID=America/Toronto:{local(meeting.ends_at)}",
            f"SEQUENCE:{meeting.sequence}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    body = crlf(
        [
            "--------------mixed",
            'Content-Type: multipart/alternative; boundary="------------alt"',
            "",
            "--------------alt",
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "Jordan Whitehead has accepted your event invitation.",
            "--------------alt",
            "Content-Type: text/calendar; charset=UTF-8; method=REPLY",
            "Content-Transfer-Encoding: 8bit",
            "",
            calendar,
            "--------------alt--",
            "--------------mixed",
            'Content-Type: application/ics; name="invite.ics"',
            'Content-Disposition: attachment; filename="invite.ics"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(calendar.encode()).decode("ascii"),
            "--------------mixed--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Accepted: {meeting.title}",
            "Message-ID": "<thunderbird-1@calgary.ca>",
            "User-Agent": "Mozilla Thunderbird",
            "Content-Type": 'multipart/mixed; boundary="------------mixed"',
        },
        body,
    )


def evolution_reply(meeting, *, to, partstat="DECLINED"):
    """Evolution: a text/calendar part in multipart/mixed, times in its libical TZID with the
    VTIMEZONE it names, LANGUAGE on the attendee."""
    tzid = "/freeassociation.sourceforge.net/America/Toronto"
    calendar = crlf(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Ximian//NONSGML Evolution Calendar//EN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "BEGIN:VTIMEZONE",
            f"TZID:{tzid}",
            "X-LIC-LOCATION:America/Toronto",
            "BEGIN:STANDARD",
            "TZNAME:EST",
            "DTSTART:19701101T020000",
            "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "TZNAME:EDT",
            "DTSTART:19700308T020000",
            "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"UID:{meeting.calendar_uid}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"DTSTART;TZID={tzid}:{local(meeting.starts_at)}",
            f"DTEND;TZID={tzid}:{local(meeting.ends_at)}",
            f"SEQUENCE:{meeting.sequence}",
            f"SUMMARY:{meeting.title}",
            f"ORGANIZER;CN=PeerNet:MAILTO:{to}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
            f"{partstat};RSVP=TRUE;CN=Jordan Whitehead;LANGUAGE=en:MAILTO:{MEMBER}",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    body = crlf(
        [
            "--=-evolution",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: 7bit",
            "",
            "",
            "--=-evolution",
            'Content-Type: text/calendar; charset="UTF-8"; method=REPLY',
            "Content-Transfer-Encoding: 8bit",
            "",
            calendar,
            "--=-evolution--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Declined: {meeting.title}",
            "Message-ID": "<evolution-1@calgary.ca>",
            "X-Mailer": "Evolution 3.50.3",
            "Content-Type": 'multipart/mixed; boundary="=-evolution"',
        },
        body,
    )


def nextcloud_reply(meeting, *, to):
    """Nextcloud's server (apps/dav IMipPlugin): sent To the ORGANIZER's address, from its
    own invitations-noreply address with the attendee in Reply-To; the sabre/vobject REPLY
    is an ``event.ics`` attachment of type ``text/calendar; method=REPLY``."""
    body = crlf(
        [
            "--_=_swift_mixed",
            'Content-Type: multipart/alternative; boundary="_=_swift_alt"',
            "",
            "--_=_swift_alt",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Jordan Whitehead has accepted your invitation.",
            "--_=_swift_alt",
            "Content-Type: text/html; charset=utf-8",
            "",
            "<p>Jordan Whitehead has accepted your invitation.</p>",
            "--_=_swift_alt--",
            "--_=_swift_mixed",
            'Content-Type: text/calendar; method=REPLY; name="event.ics"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="event.ics"',
            "",
            base64.encodebytes(sabre_calendar(meeting, sequence=meeting.sequence).encode()).decode(
                "ascii"
            ),
            "--_=_swift_mixed--",
        ]
    )
    return message(
        {
            "From": '"Jordan Whitehead via Nextcloud" <invitations-noreply@cloud.calgary.ca>',
            "Reply-To": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Invitation accepted: {meeting.title}",
            "Message-ID": "<nextcloud-1@cloud.calgary.ca>",
            "Content-Type": 'multipart/mixed; boundary="_=_swift_mixed"',
        },
        body,
    )


CLIENTS = {
    "outlook": (lambda meeting, to: outlook_reply(meeting, to=to), Response.ACCEPTED),
    "gmail": (lambda meeting, to: gmail_reply(meeting, to=to), Response.ACCEPTED),
    "apple": (lambda meeting, to: apple_reply(meeting, to=to), Response.TENTATIVE),
    "thunderbird": (lambda meeting, to: thunderbird_reply(meeting, to=to), Response.ACCEPTED),
    "evolution": (lambda meeting, to: evolution_reply(meeting, to=to), Response.DECLINED),
    "nextcloud": (lambda meeting, to: nextcloud_reply(meeting, to=to), Response.ACCEPTED),
}


# --- the forgery of issue 16 ---------------------------------------------------------------------


def test_a_forged_reply_from_the_member_is_kept_for_staff(monkeypatch, invitation, meeting):
    forged = with_headers(
        outlook_calendar_message(meeting, partstat="DECLINED", to=ORGANIZER),
        "Authentication-Results: mx.example; dkim=fail; spf=fail; dmarc=fail",
        "Sender: mallory@elsewhere.example",
    )

    reply = piped(monkeypatch, forged)

    assert answer_of(invitation) == Response.NEEDS_ACTION
    assert (reply.outcome, reply.detail) == (ReplyOutcome.UNPROVEN, "unproven sender")
    assert (reply.invitation, reply.partstat) == (invitation, "DECLINED")


def outlook_calendar_message(meeting, *, to, partstat="ACCEPTED") -> bytes:
    """The forger's message: From the member, one text/calendar REPLY part."""
    return message(
        {
            "From": MEMBER,
            "To": to,
            "Subject": "Declined",
            "Message-ID": "<forged@calgary.ca>",
            "Content-Type": 'text/calendar; charset="utf-8"; method=REPLY',
        },
        outlook_calendar(meeting, partstat=partstat),
    )


# --- the reply address ---------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_each_client_sent_to_the_reply_address_is_recorded(invitation, meeting, client):
    build, expected = CLIENTS[client]

    reply = calendar_reply_receive(raw=build(meeting, reply_address_of(invitation))).reply

    assert (reply.outcome, reply.invitation) == (ReplyOutcome.RECORDED, invitation)
    saved = Invitation.objects.get(pk=invitation.pk)
    assert (saved.response, saved.response_channel) == (expected, AnswerChannel.CALENDAR)


@pytest.mark.parametrize(
    ("client", "outcome"),
    [
        ("outlook", ReplyOutcome.UNPROVEN),
        ("gmail", ReplyOutcome.UNPROVEN),
        ("apple", ReplyOutcome.UNPROVEN),
        ("thunderbird", ReplyOutcome.UNPROVEN),
        ("evolution", ReplyOutcome.UNPROVEN),
        ("nextcloud", ReplyOutcome.SENDER_MISMATCH),
    ],
)
def test_each_client_sent_to_the_plain_address_is_kept(invitation, meeting, client, outcome):
    build, _expected = CLIENTS[client]

    reply = calendar_reply_receive(raw=build(meeting, ORGANIZER)).reply

    assert reply.outcome == outcome
    assert answer_of(invitation) == Response.NEEDS_ACTION


def reply_address_of(invitation) -> str:
    return reply_address(user_id=invitation.user_id, meeting_id=invitation.meeting_id)


def test_the_reply_address_fits_a_local_part_and_survives_a_change_of_case(invitation, meeting):
    address = reply_address_of(invitation)
    local_part = address.rpartition("@")[0]

    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=address.upper())).reply

    assert local_part.startswith("network+") and local_part == local_part.lower()
    assert len(local_part) <= 64
    assert reply.outcome == ReplyOutcome.RECORDED


def test_another_members_reply_address_does_not_answer_for_this_member(invitation, meeting):
    kim = MemberFactory(user=UserFactory(email="kim@calgary.ca")).user
    kims = InvitationFactory(user=kim, meeting=meeting)

    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=reply_address_of(kims))).reply

    assert (reply.outcome, reply.detail) == (
        ReplyOutcome.SENDER_MISMATCH,
        "sent to another invitation's reply address",
    )
    assert (answer_of(invitation), answer_of(kims)) == (Response.NEEDS_ACTION,) * 2


def test_the_members_reply_address_of_another_meeting_does_not_answer(member, invitation, meeting):
    other = InvitationFactory(user=member, meeting=MeetingFactory())

    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=reply_address_of(other))).reply

    assert reply.outcome == ReplyOutcome.SENDER_MISMATCH
    assert answer_of(invitation) == Response.NEEDS_ACTION


def test_an_altered_or_foreign_token_proves_nothing(settings, invitation, meeting):
    token = reply_token_make(user_id=invitation.user_id, meeting_id=meeting.pk)
    altered = token[:-1] + ("a" if token[-1] != "a" else "b")
    ours = settings.SECRET_KEY
    settings.SECRET_KEY = "another-site-entirely-" + "x" * 40
    foreign = reply_address_of(invitation)
    settings.SECRET_KEY = ours

    assert proof.reply_token_read(altered) is None
    assert proof.reply_targets([foreign, f"network+{altered}@peernet.example"]) == set()


def test_a_reply_address_made_before_a_key_rotation_still_proves(settings, invitation, meeting):
    old_address = reply_address_of(invitation)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-key-" + "y" * 40

    reply = calendar_reply_receive(raw=gmail_reply(meeting, to=old_address)).reply

    assert reply.outcome == ReplyOutcome.RECORDED


def test_the_invitation_names_the_members_reply_address_in_every_revision(invitation, meeting):
    first = calendar_message_prepare(
        invitation=invitation, meeting=meeting, template="invitation", method="REQUEST"
    )
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=3)
    meeting.refresh_from_db()
    cancel = calendar_message_prepare(
        invitation=invitation, meeting=meeting, template="cancellation", method="CANCEL"
    )

    expected = f'ORGANIZER;CN="PeerNet":mailto:{reply_address_of(invitation)}'
    for sent in (first, cancel):
        assert expected in sent.calendar.replace("\r\n ", "")


def test_downloads_and_feeds_keep_the_plain_organiser(invitation, meeting):
    text = ical.calendar_publish(
        meetings=[meeting], language="en", with_join=False, links_for=lambda m: {}
    )

    assert f"mailto:{ORGANIZER}" in text.replace("\r\n ", "")
    assert "network+" not in text


# --- the envelope recipient ----------------------------------------------------------------------


def test_receive_mail_reads_the_envelope_recipient_argument(monkeypatch, invitation, meeting):
    raw = outlook_reply(meeting, to=ORGANIZER)

    reply = piped(monkeypatch, raw, "--recipient", reply_address_of(invitation))

    assert reply.outcome == ReplyOutcome.RECORDED


def test_receive_mail_reads_postfix_original_recipient(monkeypatch, invitation, meeting):
    monkeypatch.setenv("ORIGINAL_RECIPIENT", reply_address_of(invitation))

    reply = piped(monkeypatch, outlook_reply(meeting, to=ORGANIZER))

    assert reply.outcome == ReplyOutcome.RECORDED


def test_a_delivered_to_header_names_the_reply_address(invitation, meeting):
    raw = with_headers(
        outlook_reply(meeting, to=ORGANIZER), f"Delivered-To: {reply_address_of(invitation)}"
    )

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.RECORDED


# --- our mail server's DMARC verdict -------------------------------------------------------------


def received_by(host: str) -> str:
    return (
        f"Received: from mail.calgary.ca (mail.calgary.ca [192.0.2.7]) by {host} (Postfix) "
        "with ESMTPS id 4Xyz; Tue, 8 Dec 2026 01:00:00 +0000 (UTC)"
    )


def dmarc(authserv_id: str, result: str = "pass", domain: str = "calgary.ca") -> str:
    return (
        f"Authentication-Results: {authserv_id}; dkim=pass header.d={domain}; "
        f"spf=pass smtp.mailfrom={domain}; dmarc={result} (p=reject dis=none) header.from={domain}"
    )


def test_our_servers_dmarc_pass_proves_the_sender(settings, invitation, meeting):
    settings.PEERNET_REPLY_AUTHSERV_ID = AUTHSERV_ID
    raw = with_headers(
        outlook_reply(meeting, to=ORGANIZER), dmarc(AUTHSERV_ID), received_by(AUTHSERV_ID)
    )

    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    assert answer_of(invitation) == Response.ACCEPTED


@pytest.mark.parametrize(
    "headers",
    [
        # Another server's verdict: anyone's server can write that.
        [dmarc("mx.example"), received_by(AUTHSERV_ID)],
        # Our name, but below our server's Received: it came with the message.
        [received_by(AUTHSERV_ID), dmarc(AUTHSERV_ID)],
        # Our verdict, but for another domain than the attendee's.
        [dmarc(AUTHSERV_ID, domain="elsewhere.example"), received_by(AUTHSERV_ID)],
        [dmarc(AUTHSERV_ID, result="fail"), received_by(AUTHSERV_ID)],
    ],
    ids=["foreign-authserv-id", "below-our-received", "other-domain", "dmarc-fail"],
)
def test_a_dmarc_verdict_not_ours_or_not_for_the_attendee_is_ignored(
    settings, invitation, meeting, headers
):
    settings.PEERNET_REPLY_AUTHSERV_ID = AUTHSERV_ID
    raw = with_headers(outlook_reply(meeting, to=ORGANIZER), *headers)

    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.UNPROVEN
    assert answer_of(invitation) == Response.NEEDS_ACTION


def test_without_an_authserv_id_no_verdict_is_read(settings, invitation, meeting):
    settings.PEERNET_REPLY_AUTHSERV_ID = ""
    raw = with_headers(outlook_reply(meeting, to=ORGANIZER), dmarc(""), dmarc(AUTHSERV_ID))

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.UNPROVEN


def test_a_dmarc_pass_does_not_excuse_another_sender(settings, invitation, meeting):
    settings.PEERNET_REPLY_AUTHSERV_ID = AUTHSERV_ID
    raw = with_headers(
        outlook_reply(meeting, to=ORGANIZER, sender="mallory@calgary.ca"),
        dmarc(AUTHSERV_ID),
        received_by(AUTHSERV_ID),
    )

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.SENDER_MISMATCH


# --- staff confirm an unproven reply -------------------------------------------------------------


def test_staff_confirm_an_unproven_reply_in_one_click(staff_client, invitation, meeting):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=ORGANIZER)).reply
    changelist = reverse("admin:meetings_calendarreply_changelist")
    click = {"action": "confirm_replies", "_selected_action": [reply.pk]}

    first = staff_client.post(changelist, click, follow=True)
    answered_at = Invitation.objects.get(pk=invitation.pk).responded_at
    second = staff_client.post(changelist, click, follow=True)

    reply.refresh_from_db()
    assert (reply.outcome, reply.confirmed_by) == (ReplyOutcome.RECORDED, staff_client.staff)
    assert reply.confirmed_at is not None
    saved = Invitation.objects.get(pk=invitation.pk)
    assert (saved.response, saved.response_channel) == (Response.ACCEPTED, AnswerChannel.CALENDAR)
    assert saved.responded_at == answered_at
    assert "1 answer recorded." in first.content.decode()
    assert "Only an unproven reply can be confirmed." in second.content.decode()


def test_confirming_needs_the_permission_to_change_answers(client, invitation, meeting):
    reader = StaffFactory(is_superuser=False)
    reader.user_permissions.add(Permission.objects.get(codename="view_calendarreply"))
    client.force_login(reader)
    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=ORGANIZER)).reply
    changelist = reverse("admin:meetings_calendarreply_changelist")

    page = client.get(changelist)
    client.post(changelist, {"action": "confirm_replies", "_selected_action": [reply.pk]})

    assert page.status_code == 200
    assert "confirm_replies" not in page.content.decode()
    reply.refresh_from_db()
    assert reply.outcome == ReplyOutcome.UNPROVEN
    assert answer_of(invitation) == Response.NEEDS_ACTION


def test_staff_never_read_the_reply_address_a_client_echoes(invitation, meeting):
    token = reply_token_make(user_id=invitation.user_id, meeting_id=meeting.pk)

    address = reply_address_of(invitation)
    shown = calendar_reply_receive(raw=thunderbird_reply(meeting, to=address)).reply

    # The REPLY names the ORGANIZER it answers: the member's reply address.
    assert f"ORGANIZER;CN=PeerNet:mailto:{address}".encode() in thunderbird_reply(
        meeting, to=address
    )
    assert shown.outcome == ReplyOutcome.RECORDED
    assert "ORGANIZER;CN=PeerNet:mailto:network+" in shown.excerpt
    assert token not in shown.excerpt + shown.detail + shown.subject


def test_a_reply_kept_for_another_reason_cannot_be_confirmed(staff_user, invitation, meeting):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, sender="mallory@example.com")).reply

    with pytest.raises(ValidationError, match="Only an unproven reply"):
        calendar_reply_confirm(reply=reply, confirmed_by=staff_user)
    assert answer_of(invitation) == Response.NEEDS_ACTION


def test_an_unproven_reply_to_a_meeting_changed_since_is_not_confirmed(
    staff_user, invitation, meeting
):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, to=ORGANIZER)).reply
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=meeting.sequence + 1)

    with pytest.raises(ValidationError, match="The meeting changed"):
        calendar_reply_confirm(reply=reply, confirmed_by=staff_user)
    assert answer_of(invitation) == Response.NEEDS_ACTION

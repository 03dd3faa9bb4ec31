"""A calendar reply is believed only when the mail proves who sent it: here, the member's own
reply address (the signed sub-address of the ORGANIZER in their invitation), reached by each
real client's reply, whichever way the mail server hands the message over."""

import io
import sys

import pytest
from django.core.management import call_command

from meetings import ical
from meetings.choices import AnswerChannel, ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies import proof
from meetings.replies.proof import reply_token_make
from meetings.replies.services import calendar_reply_receive
from meetings.services.calendar_messages import calendar_message_prepare
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.reply_clients import (
    CLIENTS,
    answer_of,
    reply_address_of,
    thunderbird_reply,
    with_headers,
)
from tests.meetings.test_replies import (
    MEMBER,
    ORGANIZER,
    gmail_reply,
    message,
    outlook_calendar,
    outlook_reply,
)
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.unit


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


@pytest.fixture
def meeting(invitation):
    return invitation.meeting


class Stdin:
    def __init__(self, raw: bytes):
        self.buffer = io.BytesIO(raw)


def piped(monkeypatch, raw: bytes, *arguments) -> CalendarReply:
    """The message as a mail server's pipe gives it to ``manage.py receive_mail``."""
    monkeypatch.setattr(sys, "stdin", Stdin(raw))
    call_command("receive_mail", *arguments, stdout=io.StringIO())
    return CalendarReply.objects.order_by("pk").last()


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

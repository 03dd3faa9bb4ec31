"""A calendar reply is believed when our own mail server's DMARC verdict (RFC 8601
Authentication-Results, for PEERNET_REPLY_AUTHSERV_ID) passes for the attendee's domain, and
never on a verdict any sender can write."""

import pytest

from meetings.choices import ReplyOutcome, Response
from meetings.replies.services import calendar_reply_receive
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.reply_clients import answer_of, with_headers
from tests.meetings.test_replies import ORGANIZER, outlook_reply

pytestmark = pytest.mark.unit

AUTHSERV_ID = "mx.peernet.example"


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


@pytest.fixture
def meeting(invitation):
    return invitation.meeting


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

"""Calendar replies piped by the mail server to ``manage.py receive_mail``, run as an operator's
mail server runs it: its own process, the production settings and the deployed database. A
reply forged in a member's name is kept for staff and changes nothing on the member's page;
the member's own reply, sent to the reply address of their invitation, shows there."""

import subprocess
import sys
from email.utils import parseaddr

import pytest

from meetings.choices import ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies.proof import reply_address
from tests.conftest import ROOT
from tests.deployed.people import PASSWORD, person_member
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import MEMBER, message, outlook_calendar, outlook_reply

pytestmark = [pytest.mark.integration]

NO_ANSWER = "Your answer: <strong>No answer yet</strong>"
NOT_ATTENDING = "Your answer: <strong>Not attending</strong>"


def mail_piped(site, raw: bytes) -> subprocess.CompletedProcess:
    """One message on the standard input of ``receive_mail``, with the portal's environment."""
    return subprocess.run(
        [sys.executable, "manage.py", "receive_mail"],
        input=raw, cwd=ROOT, env=site.env, capture_output=True, timeout=120,
    )  # fmt: skip


def member_page(site) -> str:
    member = site.client("203.0.113.60")
    member.login(MEMBER, PASSWORD)
    response = member.get("/en/me/")
    assert response.status == 200, site.log()
    return response.text


@pytest.fixture
def invitation(site, settings):
    # The invitations the portal sends name its own organiser address; the tests build the
    # reply address of one the same way.
    settings.PEERNET_ORGANIZER_EMAIL = site.env["DEFAULT_FROM_EMAIL"]
    return InvitationFactory(user=person_member(user__email=MEMBER).user, meeting=MeetingFactory())


def test_a_reply_forged_in_a_members_name_is_kept_and_changes_nothing(site, invitation):
    organiser = parseaddr(site.env["DEFAULT_FROM_EMAIL"])[1]
    headers = {
        "Authentication-Results": "mx.example; dkim=fail; spf=fail; dmarc=fail",
        "Sender": "mallory@elsewhere.example",
        "From": MEMBER,
        "To": organiser,
        "Subject": "Declined",
        "Message-ID": "<forged@calgary.ca>",
        "Content-Type": 'text/calendar; charset="utf-8"; method=REPLY',
    }
    forged = message(headers, outlook_calendar(invitation.meeting, partstat="DECLINED"))

    piped = mail_piped(site, forged)

    assert piped.returncode == 0, piped.stderr.decode()
    assert Invitation.objects.get(pk=invitation.pk).response == Response.NEEDS_ACTION
    reply = CalendarReply.objects.get(message_id="<forged@calgary.ca>")
    assert (reply.outcome, reply.detail) == (ReplyOutcome.UNPROVEN, "unproven sender")
    assert (reply.invitation, reply.partstat) == (invitation, "DECLINED")
    page = member_page(site)
    assert NO_ANSWER in page
    assert NOT_ATTENDING not in page


def test_the_members_own_reply_to_their_reply_address_shows_on_their_page(site, invitation):
    address = reply_address(user_id=invitation.user_id, meeting_id=invitation.meeting_id)
    assert address.startswith("network+") and address.endswith("@peernet.test")
    genuine = outlook_reply(
        invitation.meeting, to=address, partstat="DECLINED", message_id="<own@calgary.ca>"
    )

    piped = mail_piped(site, genuine)

    assert piped.returncode == 0, piped.stderr.decode()
    assert CalendarReply.objects.get().outcome == ReplyOutcome.RECORDED
    assert Invitation.objects.get(pk=invitation.pk).response == Response.DECLINED
    page = member_page(site)
    assert NOT_ATTENDING in page
    assert NO_ANSWER not in page

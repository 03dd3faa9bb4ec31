"""Staff record the answer of a reply kept as unproven, in one click, once."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.choices import AnswerChannel, ReplyOutcome, Response
from meetings.models import Invitation
from meetings.replies.services import calendar_reply_confirm, calendar_reply_receive
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.reply_clients import answer_of
from tests.meetings.test_replies import ORGANIZER, outlook_reply
from tests.members.factories import StaffFactory

pytestmark = pytest.mark.unit


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


@pytest.fixture
def meeting(invitation):
    return invitation.meeting


@pytest.fixture
def staff_user(db):
    return StaffFactory()


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

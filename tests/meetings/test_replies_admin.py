"""Staff see the calendar replies, and how each answer was given; members may answer "Maybe"."""

import pytest
from django.urls import reverse
from django.utils import translation

from meetings import selectors, services
from meetings.choices import AnswerChannel, ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies.services import calendar_reply_receive
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import outlook_reply

pytestmark = pytest.mark.unit


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


def test_staff_list_the_replies_with_their_outcome(staff_client, invitation):
    calendar_reply_receive(raw=outlook_reply(invitation.meeting))
    calendar_reply_receive(
        raw=outlook_reply(
            invitation.meeting,
            attendee="friend@example.com",
            sender="friend@example.com",
            message_id="<forwarded@example.com>",
        )
    )

    page = staff_client.get(reverse("admin:meetings_calendarreply_changelist"))
    forwarded = staff_client.get(
        reverse("admin:meetings_calendarreply_changelist"),
        {"outcome__exact": ReplyOutcome.NOT_INVITED},
    )

    assert page.status_code == 200
    body = page.content.decode()
    assert "Answer recorded" in body and "Attendee not invited" in body
    assert forwarded.content.decode().count("friend@example.com") >= 1
    assert "Answer recorded</td>" not in forwarded.content.decode()


def test_a_reply_is_shown_read_only(staff_client, invitation):
    reply = calendar_reply_receive(raw=outlook_reply(invitation.meeting)).reply

    page = staff_client.get(reverse("admin:meetings_calendarreply_change", args=[reply.pk]))
    refused = staff_client.post(
        reverse("admin:meetings_calendarreply_change", args=[reply.pk]), {"outcome": "invalid"}
    )

    assert page.status_code == 200
    assert "outlook-1@calgary.ca" in page.content.decode()
    assert refused.status_code == 403
    assert CalendarReply.objects.get(pk=reply.pk).outcome == ReplyOutcome.RECORDED
    assert staff_client.get(reverse("admin:meetings_calendarreply_add")).status_code == 403


def test_the_french_admin_names_the_outcomes(staff_client, invitation):
    calendar_reply_receive(raw=outlook_reply(invitation.meeting))

    with translation.override("fr"):
        page = staff_client.get(reverse("admin:meetings_calendarreply_changelist"))

    assert "Réponse enregistrée" in page.content.decode()


def test_staff_see_how_and_when_an_invitation_was_answered(staff_client, invitation):
    calendar_reply_receive(raw=outlook_reply(invitation.meeting))

    page = staff_client.get(
        reverse("admin:meetings_invitation_changelist"),
        {"response_channel__exact": AnswerChannel.CALENDAR},
    )

    body = page.content.decode()
    assert "Calendar reply" in body
    assert "Jordan Whitehead" in body


def test_a_member_answers_maybe_on_the_meeting_page(client, invitation):
    client.force_login(invitation.user)
    detail = reverse("meetings:detail", args=[invitation.meeting.pk])

    before = client.get(detail).content.decode()
    client.post(
        reverse("meetings:respond", args=[invitation.meeting.pk]),
        {"response": "tentative", "next": detail},
    )
    after = client.get(detail).content.decode()

    assert 'name="response" value="tentative"' in before
    assert Invitation.objects.get(pk=invitation.pk).response == Response.TENTATIVE
    assert "<strong>Maybe</strong>" in after


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Noted: you may attend"), ("fr", "C’est noté : vous participerez peut-être")],
)
def test_a_maybe_on_the_member_page_is_confirmed_and_counted(client, invitation, language, said):
    invitation.user.preferred_language = language
    invitation.user.save()
    client.force_login(invitation.user)
    with translation.override(language):
        home = reverse("members:home")
        page = client.get(home).content.decode()
        assert 'name="response" value="tentative"' in page
        answered = client.post(
            reverse("meetings:respond", args=[invitation.meeting.pk]),
            {"response": "tentative", "next": home},
            follow=True,
        ).content.decode()
    saved = Invitation.objects.get(pk=invitation.pk)
    assert (saved.response, saved.response_channel) == (Response.TENTATIVE, AnswerChannel.PAGE)
    assert said in answered.replace("\u202f", " ").replace("&#x27;", "’")
    assert selectors.meetings_with_counts().get(pk=invitation.meeting.pk).tentative_count == 1


def test_staff_count_the_maybes_of_each_meeting(staff_client, invitation):
    InvitationFactory(meeting=invitation.meeting, response=Response.TENTATIVE)
    page = staff_client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert "maybe" in page.lower()
    assert 'class="field-tentative_count">1<' in page


def test_a_departing_member_takes_their_calendar_replies_along(invitation):
    calendar_reply_receive(raw=outlook_reply(invitation.meeting))
    other = InvitationFactory(meeting=invitation.meeting)
    assert CalendarReply.objects.count() == 1
    services.member_departure(user=invitation.user)
    assert not CalendarReply.objects.exists()
    assert Invitation.objects.filter(pk=other.pk).exists()

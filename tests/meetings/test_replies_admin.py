"""Staff see the calendar replies, and how each answer was given; members may answer "Maybe"."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from meetings import selectors, services
from meetings.choices import AnswerChannel, ReplyOutcome, Response
from meetings.links import invitation_links
from meetings.models import CalendarReply, Invitation
from meetings.replies.services import calendar_reply_receive
from meetings.tokens import answer_token_make
from peernet.links import absolute_url
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import local, message, outlook_reply

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


# --- nothing in a reply shown to staff rebuilds a member's link ---------------------------------


def _quoting_reply(text: str, *, subject="Re: Invitation") -> bytes:
    return message(
        {
            "From": "jordan@calgary.ca",
            "To": "network@peernet.example",
            "Subject": subject,
            "Message-ID": "<quoting@calgary.ca>",
            "Content-Type": "text/plain; charset=utf-8",
        },
        text.replace("\n", "\r\n"),
    )


def _wrapped(link: str, at: int) -> str:
    """The link as a mail program that wraps long lines quotes it: broken at ``at``."""
    return f"> Accept: {link[:at]}\n> {link[at:]}\n"


def _pieces(secret: str, size: int = 8) -> set[str]:
    return {secret[start : start + size] for start in range(len(secret) - size + 1)}


def _shown(staff_client, reply) -> str:
    page = staff_client.get(reverse("admin:meetings_calendarreply_change", args=[reply.pk]))
    assert page.status_code == 200
    return html.unescape(page.content.decode())


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("where", ["in the head", "before the signature", "in the signature"])
def test_a_quoted_link_broken_across_lines_leaves_nothing_of_its_token(
    staff_client, invitation, language, where
):
    token = answer_token_make(user_id=invitation.user_id, meeting_id=invitation.meeting_id)
    link = invitation_links(invitation=invitation, language=language)["decline"]
    start = link.index(token)
    at = {
        "in the head": start + 8,
        "before the signature": start + token.rindex(":") + 1,
        "in the signature": start + token.rindex(":") + 20,
    }[where]
    feed = absolute_url("meetings:feed", language=language, kwargs={"token": "A" * 10 + "x9_" * 9})
    text = (
        "Merci, je ne pourrai pas.\n\n"
        f"> Le 2 déc. 2026, PeerNet a écrit :\n{_wrapped(link, at)}"
        f"> Feed: {feed[:-20]}\n> {feed[-20:]}\n"
    )

    reply = calendar_reply_receive(raw=_quoting_reply(text, subject=f"Re: {link}")).reply
    shown = _shown(staff_client, reply)

    assert reply.outcome == ReplyOutcome.OTHER_MAIL
    assert "Merci, je ne pourrai pas." in shown
    assert "[link]" in shown
    found = {piece for piece in _pieces(token) | _pieces("A" * 10 + "x9_" * 9) if piece in shown}
    assert found == set()
    assert {piece for piece in _pieces(token) if piece in reply.excerpt + reply.subject} == set()


def test_replies_kept_before_are_shown_without_their_links(staff_client, invitation):
    token = answer_token_make(user_id=invitation.user_id, meeting_id=invitation.meeting_id)
    link = invitation_links(invitation=invitation, language="en")["accept"]
    reply = CalendarReply.objects.create(
        message_id="<kept-before@calgary.ca>",
        outcome=ReplyOutcome.OTHER_MAIL,
        subject=f"Re: {link}",
        detail=f"no calendar part {token}",
        excerpt=f"Thanks.\n> {link[:-30]}\n> {link[-30:]}\n",
    )

    shown = _shown(staff_client, reply)
    listed = html.unescape(
        staff_client.get(reverse("admin:meetings_calendarreply_changelist")).content.decode()
    )

    assert "Thanks." in shown
    assert {piece for piece in _pieces(token) if piece in shown or piece in listed} == set()


def test_what_reads_as_words_dates_and_addresses_is_kept(invitation):
    reply = calendar_reply_receive(raw=outlook_reply(invitation.meeting)).reply

    assert f"DTSTART;TZID=Eastern Standard Time:{local(invitation.meeting.starts_at)}" in (
        reply.excerpt
    )
    assert "mailto:jordan@calgary.ca" in reply.excerpt
    assert "X-MICROSOFT-CDO-OWNERAPPTID:-1187383927" in reply.excerpt

"""The answer links of invitation and reminder e-mails: only a confirmed POST records.

Mail scanners open every link of a message, with GET or HEAD and sometimes in order; the
links must survive that untouched, stop working once the meeting is over, and answer every
hostile request with a translated 4xx page.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meetings import answer_links, services
from meetings.choices import MeetingStatus, Response
from meetings.models import Invitation
from meetings.tokens import (
    MAX_TOKEN_LENGTH,
    SALT,
    InvalidAnswerToken,
    answer_token_make,
    answer_token_read,
)
from tests.meetings.conftest import parsed
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.unit

PROTECTION_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


# signing.dumps stamps the time to the second: one token per member and meeting, so that the
# address a test opens and the one it looks for in the page are the same.
_TOKENS: dict[tuple[int, int], str] = {}


def answer_url(user, meeting, answer="accept", language="en", token=None):
    token = token or _TOKENS.setdefault(
        (user.pk, meeting.pk), answer_token_make(user_id=user.pk, meeting_id=meeting.pk)
    )
    with translation.override(language):
        return reverse("meetings:answer", kwargs={"token": token, "answer": answer})


def assert_protected(response):
    for name, value in PROTECTION_HEADERS.items():
        assert response[name] == value
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def invitation_state(meeting, user):
    invitation = Invitation.objects.filter(meeting=meeting, user=user).first()
    return (invitation.response, invitation.responded_at) if invitation else None


@pytest.fixture
def meeting(db):
    return MeetingFactory(title_en="Heat and health", title_fr="Chaleur et santé")


@pytest.fixture
def invited(member, meeting):
    return InvitationFactory(meeting=meeting, user=member)


def _ended_meeting():
    now = timezone.now()
    return MeetingFactory(
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        title_en="Misinformation at the Local Level",
        title_fr="La mésinformation à l’échelle locale",
    )


# --- Scanners --------------------------------------------------------------------------------


def test_a_scanner_opening_every_link_answers_nothing(client, member, meeting, invited):
    accept, decline = answer_url(member, meeting), answer_url(member, meeting, "decline")
    for method, link in (
        (client.get, accept),
        (client.get, decline),
        (client.head, accept),
        (client.head, decline),
    ):
        assert method(link).status_code == 200
    assert invitation_state(meeting, member) == (Response.NEEDS_ACTION, None)

    assert client.post(accept).status_code == 200
    assert invitation_state(meeting, member)[0] == Response.ACCEPTED
    assert client.post(decline).status_code == 200
    assert invitation_state(meeting, member)[0] == Response.DECLINED


def test_a_scanner_creates_no_invitation_row_either(client, member, meeting):
    client.get(answer_url(member, meeting))
    client.head(answer_url(member, meeting, "decline"))
    assert not Invitation.objects.exists()


def test_head_has_the_status_and_headers_of_get_and_no_body(client, member, meeting):
    link = answer_url(member, meeting)
    got, head = client.get(link), client.head(link)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert_protected(head)
    assert head["Content-Type"] == got["Content-Type"]
    assert head["Content-Language"] == got["Content-Language"] == "en"


def test_the_page_names_the_meeting_the_current_answer_and_one_button(client, member, meeting):
    InvitationFactory(meeting=meeting, user=member, response=Response.DECLINED)
    response = client.get(answer_url(member, meeting))
    body = response.content.decode()
    assert_protected(response)
    assert "Heat and health" in body
    assert "1:00 p.m. – 2:00 p.m. (Eastern time)" in body
    # The member is in Alberta: their own zone is given too.
    assert "In your time zone: 11:00 a.m. – 12:00 p.m. (Mountain time)" in body
    assert '<strong class="current-answer">Not attending</strong>' in body
    assert body.count('<form method="post"') == 1
    assert body.count("<button") == 1
    assert f'action="{answer_url(member, meeting)}"' in body
    assert "Confirm: I will attend" in body


def test_the_page_of_an_eastern_member_gives_eastern_time_only(client, meeting):
    user = MemberFactory(province="ON").user
    body = client.get(answer_url(user, meeting)).content.decode()
    assert "(Eastern time)" in body
    assert "In your time zone" not in body
    assert "No answer yet" in body


def test_after_the_post_the_member_can_change_their_mind_with_one_button(client, member, meeting):
    response = client.post(answer_url(member, meeting))
    body = response.content.decode()
    assert "Thank you: you are attending “Heat and health”." in body
    # One button for each other answer.
    assert body.count('<form method="post"') == 2
    decline = answer_url(member, meeting, "decline")
    assert f'action="{decline}"' in body
    assert f'action="{answer_url(member, meeting, "maybe")}"' in body
    assert "Changed your mind? I will not attend" in body
    assert "Changed your mind? I may attend" in body
    assert_protected(response)

    body = client.post(decline).content.decode()
    assert "Noted: you are not attending “Heat and health”." in body
    assert f'action="{answer_url(member, meeting)}"' in body
    assert "Changed your mind? I will attend" in body
    assert invitation_state(meeting, member)[0] == Response.DECLINED


def test_posting_the_same_answer_twice_keeps_it(client, member, meeting):
    client.post(answer_url(member, meeting))
    client.post(answer_url(member, meeting))
    assert list(Invitation.objects.values_list("response", flat=True)) == [Response.ACCEPTED]


def test_the_post_ignores_whatever_body_it_carries(client, member, meeting):
    response = client.post(
        answer_url(member, meeting, "decline"),
        {"response": "accepted", "answer": "accept", "user": "1", "x": "\x00" * 10_000},
    )
    assert response.status_code == 200
    assert invitation_state(meeting, member)[0] == Response.DECLINED


def test_the_post_records_with_csrf_checks_enforced(db, member, meeting):
    client = Client(enforce_csrf_checks=True)
    response = client.post(answer_url(member, meeting))
    assert response.status_code == 200
    assert invitation_state(meeting, member)[0] == Response.ACCEPTED


def test_the_pages_carry_no_inline_script_or_style(client, member, meeting):
    for response in (
        client.get(answer_url(member, meeting)),
        client.post(answer_url(member, meeting)),
        client.get(answer_url(member, meeting, token="forged")),
    ):
        body = response.content.decode().lower()
        assert "<script" not in body
        assert "style=" not in body
        assert "onclick" not in body


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_refused_and_record_nothing(client, member, meeting, method):
    response = getattr(client, method)(answer_url(member, meeting))
    assert response.status_code == 405
    assert_protected(response)
    assert not Invitation.objects.exists()


# --- Languages -------------------------------------------------------------------------------


def test_a_french_member_opening_an_english_link_reads_french(client, french_member, meeting):
    response = client.get(answer_url(french_member, meeting, language="en"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert response["Content-Language"] == "fr"
    assert "Confirmez votre réponse" in body
    assert "Chaleur et santé" in body
    assert "13 h 00 – 14 h 00 (heure de l’Est)" in body
    assert "Confirmer : je participerai" in body
    # The button posts to the French address of the same link.
    assert f'action="{answer_url(french_member, meeting, language="fr")}"' in body
    assert not Invitation.objects.exists()

    response = client.post(answer_url(french_member, meeting, language="en"))
    body = response.content.decode()
    assert "Merci : votre participation à « Chaleur et santé » est confirmée." in body
    assert "Vous avez changé d’avis? Je ne participerai pas" in body
    assert invitation_state(meeting, french_member)[0] == Response.ACCEPTED


def test_an_english_member_opening_a_french_link_reads_english(client, member, meeting):
    response = client.get(answer_url(member, meeting, "decline", language="fr"))
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Confirm: I will not attend" in body
    assert "Heat and health" in body
    assert f'action="{answer_url(member, meeting, "decline")}"' in body


# --- Expiry ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_the_link_of_an_ended_meeting_is_gone(client, member, method):
    meeting = _ended_meeting()
    InvitationFactory(meeting=meeting, user=member)
    response = getattr(client, method)(answer_url(member, meeting))
    assert response.status_code == 410
    assert_protected(response)
    assert invitation_state(meeting, member) == (Response.NEEDS_ACTION, None)
    if method != "head":
        body = response.content.decode()
        assert "This meeting is over: its answer links no longer work." in body
        assert f'href="{reverse("members:home")}"' in body


def test_the_gone_page_is_in_the_members_language(client, french_member):
    meeting = _ended_meeting()
    response = client.post(answer_url(french_member, meeting, "decline", language="en"))
    body = response.content.decode()
    assert response.status_code == 410
    assert "Cette rencontre est terminée : ses liens de réponse ne fonctionnent plus." in body
    assert "Rien n’a été enregistré." in body
    with translation.override("fr"):
        assert f'href="{reverse("members:home")}"' in body
    assert not Invitation.objects.exists()


def test_a_link_stops_working_when_its_meeting_ends_between_get_and_post(client, member, meeting):
    link = answer_url(member, meeting)
    assert client.get(link).status_code == 200
    meeting.starts_at = timezone.now() - timedelta(hours=2)
    meeting.ends_at = timezone.now() - timedelta(minutes=1)
    meeting.save()
    assert client.post(link).status_code == 410
    assert not Invitation.objects.exists()


def test_expiry_follows_the_end_time_in_the_database(client, member):
    """A link mailed for a meeting that is later moved keeps working until the new end."""
    meeting = _ended_meeting()
    link = answer_url(member, meeting)
    assert client.get(link).status_code == 410
    services.meeting_update(
        meeting=meeting,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=1),
    )
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert invitation_state(meeting, member)[0] == Response.ACCEPTED


@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_the_link_of_a_cancelled_meeting_records_nothing(client, member, method):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    response = getattr(client, method)(answer_url(member, meeting))
    assert response.status_code == 409
    assert_protected(response)
    assert not Invitation.objects.exists()


def test_a_meeting_cancelled_between_get_and_post_records_nothing(client, member, meeting):
    link = answer_url(member, meeting)
    assert client.get(link).status_code == 200
    services.meeting_cancel(meeting=meeting)
    response = client.post(link)
    assert response.status_code == 409
    assert "This meeting was cancelled." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_former_member_cannot_post_an_answer_and_reads_their_language(client, meeting):
    user = MemberFactory(status="withdrawn", user__preferred_language="fr").user
    response = client.post(answer_url(user, meeting, language="en"))
    assert response.status_code == 403
    assert "Cette invitation n’est plus valide." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_deleted_meeting_is_a_404_on_post(client, member, meeting):
    link = answer_url(member, meeting)
    meeting.delete()
    response = client.post(link)
    assert response.status_code == 404
    assert_protected(response)
    assert not Invitation.objects.exists()


# --- Hostile input ---------------------------------------------------------------------------


def _forged_tokens(member, meeting):
    from django.core import signing

    real = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    other = answer_token_make(user_id=member.pk + 1000, meeting_id=meeting.pk)
    return {
        "truncated": real[:-5],
        "altered": real[:-3] + ("abc" if not real.endswith("abc") else "xyz"),
        "other signature": real.split(":")[0] + ":" + other.split(":")[1],
        "oversize": real + "A" * (MAX_TOKEN_LENGTH + 1),
        "default salt": signing.dumps({"u": member.pk, "m": meeting.pk}),
        "list payload": signing.dumps([member.pk, meeting.pk], salt=SALT),
        "bool ids": signing.dumps({"u": True, "m": True}, salt=SALT),
        "control characters": "\x01\x1b[31m" + real,
        "markup": "<img src=x onerror=alert(1)>",
        "non-ascii": "é" * 40,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "truncated",
        "altered",
        "other signature",
        "oversize",
        "default salt",
        "list payload",
        "bool ids",
        "control characters",
        "markup",
        "non-ascii",
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_forged_tokens_get_a_translated_400_and_record_nothing(db, member, meeting, kind, language):
    client = Client(raise_request_exception=False)
    link = answer_url(
        member, meeting, language=language, token=_forged_tokens(member, meeting)[kind]
    )
    expected = {
        "en": "This answer link is not valid. It may have been cut or changed",
        "fr": "Ce lien de réponse n’est pas valide.",
    }[language]
    for method in ("get", "post", "head"):
        response = getattr(client, method)(link)
        assert response.status_code == 400, (kind, method)
        assert_protected(response)
        if method != "head":
            assert expected in response.content.decode()
            assert "<img src=x" not in response.content.decode()
    client.post(link, {"answer": "accept", "response": ["accepted", "accepted"]})
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("word", ["perhaps", "ACCEPT", "accepted", "accept-", "x" * 300])
def test_an_unknown_answer_word_is_a_400_in_the_members_language(
    client, french_member, meeting, word
):
    for method in (client.get, client.post):
        response = method(answer_url(french_member, meeting, word, language="en"))
        assert response.status_code == 400
        assert "Ce lien de réponse n’est pas valide." in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_members_link_replayed_while_signed_in_records_nothing(client, member, meeting):
    other = MemberFactory(user__preferred_language="fr").user
    client.force_login(other)
    link = answer_url(member, meeting)
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == 403
        assert "Ce lien de réponse a été envoyé à un autre membre." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_member_signed_in_may_use_their_own_link(client, member, meeting):
    client.force_login(member)
    assert client.post(answer_url(member, meeting)).status_code == 200
    assert invitation_state(meeting, member)[0] == Response.ACCEPTED


def test_a_token_for_another_meeting_answers_that_meeting_only(client, member, meeting):
    other = MeetingFactory()
    client.post(answer_url(member, other))
    assert list(Invitation.objects.values_list("meeting_id", flat=True)) == [other.pk]


def test_a_token_of_a_user_who_no_longer_exists_is_a_403(client, meeting):
    user = UserFactory()
    link = answer_url(user, meeting)
    user.delete()
    response = client.post(link)
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- Tokens ----------------------------------------------------------------------------------


def test_a_token_reads_back_to_its_member_and_meeting():
    target = answer_token_read(answer_token_make(user_id=7, meeting_id=42))
    assert (target.user_id, target.meeting_id) == (7, 42)


@pytest.mark.parametrize("token", ["", "x" * (MAX_TOKEN_LENGTH + 1)])
def test_an_empty_or_oversize_token_is_refused_before_decoding(token):
    with pytest.raises(InvalidAnswerToken):
        answer_token_read(token)


# --- Mails -----------------------------------------------------------------------------------


def _html(message):
    return next(
        part.get_content()
        for part in parsed(message).walk()
        if part.get_content_type() == "text/html"
    )


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Each link opens a page where you confirm your answer"),
        ("fr", "Chaque lien ouvre une page où vous confirmez votre réponse"),
    ],
)
def test_invitation_and_reminder_mails_say_the_link_opens_a_page_to_confirm(
    db, mailoutbox, django_capture_on_commit_callbacks, language, sentence
):
    user = MemberFactory(user__preferred_language=language).user
    now = timezone.now()
    meeting = MeetingFactory(
        starts_at=now + timedelta(days=6, hours=20), ends_at=now + timedelta(days=6, hours=21)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    Invitation.objects.filter(user=user).update(created_at=now - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now) == 1
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert sentence in message.body
        assert sentence in _html(message)
        assert "One click" not in message.body and "Un clic" not in message.body


@pytest.mark.parametrize(
    ("who", "confirm", "done", "changed"),
    [
        ("member", "Confirm: I may attend", "Noted: you may attend", "Changed your mind? I will attend"),
        ("french_member", "Confirmer : je participerai peut-être",
         "C’est noté : vous participerez peut-être", "Vous avez changé d’avis? Je participerai"),
    ],
)  # fmt: skip
def test_the_maybe_link_asks_then_records_a_tentative_answer_in_the_members_language(
    client, request, meeting, who, confirm, done, changed
):
    user = request.getfixturevalue(who)
    link = answer_url(user, meeting, "maybe")
    page = client.get(link).content.decode()
    assert confirm in page
    assert not Invitation.objects.exists()
    answered = client.post(link).content.decode().replace("&#x27;", "’")
    assert done in answered
    assert changed in answered
    invitation = Invitation.objects.get(meeting=meeting, user=user)
    assert (invitation.response, invitation.response_channel) == (Response.TENTATIVE, "link")


def test_the_invitation_mail_offers_the_three_answers(
    member, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    [mail] = [message for message in mailoutbox if message.to == [member.email]]
    assert "/answer/" in mail.body
    for word in ("accept", "decline", "maybe"):
        assert re.search(rf"https?://\S+/answer/\S+/{word}/", mail.body), word
    html = mail.alternatives[0][0]
    assert ">Maybe</a>" in html


@pytest.mark.django_db
def test_a_link_read_names_the_meeting_the_member_and_the_answer():
    member = MemberFactory().user
    meeting = MeetingFactory()
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    link = answer_links.answer_link_read(token=token, answer="maybe", visitor=AnonymousUser())
    assert (link.refusal, link.meeting, link.member, link.response, link.reader) == (
        "",
        meeting,
        member,
        Response.TENTATIVE,
        member,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "refusal"),
    [
        ("cut token", answer_links.INVALID_TOKEN),
        ("unknown answer", answer_links.UNKNOWN_ANSWER),
        ("meeting deleted", answer_links.MEETING_GONE),
        ("no longer a member", answer_links.NOT_MEMBER),
        ("another member signed in", answer_links.OTHER_MEMBER),
        ("cancelled", "cancelled"),
        ("ended", "ended"),
    ],
)
def test_a_link_read_says_why_it_cannot_be_used(case, refusal):
    member = MemberFactory().user
    meeting = MeetingFactory()
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    answer, visitor = "accept", AnonymousUser()
    if case == "cut token":
        token = token[:-5]
    elif case == "unknown answer":
        answer = "perhaps"
    elif case == "meeting deleted":
        meeting.delete()
    elif case == "no longer a member":
        member.is_active = False
        member.save(update_fields=["is_active"])
    elif case == "another member signed in":
        visitor = MemberFactory().user
    elif case == "cancelled":
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
    else:
        meeting.starts_at = timezone.now() - timedelta(hours=2)
        meeting.ends_at = timezone.now() - timedelta(hours=1)
        meeting.save(update_fields=["starts_at", "ends_at"])
    link = answer_links.answer_link_read(token=token, answer=answer, visitor=visitor)
    assert (link.refusal, link.member) == (refusal, None)

"""Meeting pages, answer links, downloads, feeds and themes, and who may see what."""

import pytest
from django.urls import reverse
from django.utils import translation

from meetings import services
from meetings.choices import MeetingStatus, Response
from meetings.models import CalendarFeed, Invitation, ThemeVote
from meetings.tokens import answer_token_make
from tests.meetings.factories import InvitationFactory, MeetingFactory, ThemeFactory, eastern
from tests.members.factories import MemberFactory, RegistrationFactory

pytestmark = pytest.mark.unit

JOIN_URL = "https://zoom.us/j/81234567890?pwd=secret"
PASSCODE = "482913"


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"meetings:{name}", **kwargs)


def assert_no_secrets(response):
    body = response.content.decode()
    assert "81234567890" not in body
    assert PASSCODE not in body


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def pending_client(client, db):
    client.force_login(RegistrationFactory().user)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- Addresses ---------------------------------------------------------------------------------


def test_paths_are_translated(meeting):
    assert url("list", "en") == "/en/meetings/"
    assert url("list", "fr") == "/fr/rencontres/"
    assert url("detail", "fr", args=[meeting.pk]) == f"/fr/rencontres/{meeting.pk}/"
    assert url("ics", "fr", args=[meeting.pk]) == f"/fr/rencontres/{meeting.pk}/rencontre.ics"
    assert url("feed", "fr", kwargs={"token": "abc"}) == "/fr/rencontres/flux/abc.ics"


# --- Public pages ------------------------------------------------------------------------------


def test_the_list_shows_upcoming_and_past_meetings_without_links(client, meeting):
    past = MeetingFactory(
        title_en="Misinformation at the Local Level",
        starts_at=eastern(2025, 4, 30),
        ends_at=eastern(2025, 4, 30, 14),
    )
    response = client.get(url("list"))
    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [meeting]
    assert list(response.context["past"]) == [past]
    body = response.content.decode()
    assert meeting.title_en in body
    assert "Wednesday, April 30, 2025" in body
    assert "This meeting is not recorded." in body
    assert_no_secrets(response)


def test_the_french_list_is_in_french(client, meeting):
    response = client.get(url("list", "fr"))
    body = response.content.decode()
    assert meeting.title_fr in body
    assert "Cette rencontre n’est pas enregistrée." in body
    # After a time, in the middle of a sentence, the zone is written in lower case.
    assert "(heure de l’Est)" in body
    assert "(Heure de l’Est)" not in body


def test_french_pages_write_the_zone_in_lower_case_after_a_time(member_client, meeting):
    detail = member_client.get(url("detail", "fr", args=[meeting.pk])).content.decode()
    assert "(heure de l’Est)" in detail
    assert "(Heure de l’Est)" not in detail
    assert ">Heure de l’Est<" in detail  # the row of the time zone table, a label
    with translation.override("fr"):
        home = member_client.get(reverse("members:home"))
    assert "(heure de l’Est)" in home.content.decode()
    assert "(Heure de l’Est)" not in home.content.decode()


def test_the_detail_shows_every_canadian_time_zone(client, db):
    meeting = MeetingFactory(starts_at=eastern(2026, 1, 14, 13), ends_at=eastern(2026, 1, 14, 14))
    response = client.get(url("detail", args=[meeting.pk]))
    assert response.status_code == 200
    rows = {row.zone.key: row for row in response.context["zone_times"]}
    assert rows["America/St_Johns"].starts_at.strftime("%H:%M") == "14:30"
    assert rows["America/Halifax"].starts_at.strftime("%H:%M") == "14:00"
    assert rows["America/Regina"].starts_at.strftime("%H:%M") == "12:00"
    assert rows["America/Vancouver"].starts_at.strftime("%H:%M") == "10:00"
    assert rows["America/Whitehorse"].starts_at.strftime("%H:%M") == "11:00"
    body = response.content.decode()
    assert "Newfoundland time" in body
    assert "2:30 p.m. – 3:30 p.m." in body
    assert "This meeting is not recorded." in body
    assert "Held in English, with simultaneous French interpretation." in body
    assert_no_secrets(response)


def test_the_members_own_zone_is_pointed_out(client, member):
    client.force_login(member)  # Alberta
    meeting = MeetingFactory(starts_at=eastern(2026, 7, 8, 13), ends_at=eastern(2026, 7, 8, 14))
    response = client.get(url("detail", args=[meeting.pk]))
    own = [row.zone.key for row in response.context["zone_times"] if row.is_own]
    assert own == ["America/Edmonton"]


def test_an_unknown_meeting_is_a_404(client, db):
    assert client.get(url("detail", args=[999])).status_code == 404


# --- Join link: members only -------------------------------------------------------------------


def test_anonymous_visitors_see_no_join_link(client, meeting):
    response = client.get(url("detail", args=[meeting.pk]))
    assert_no_secrets(response)
    assert "The link to join is sent to members with their invitation." in response.content.decode()


def test_pending_registrants_see_no_join_link(pending_client, meeting):
    response = pending_client.get(url("detail", args=[meeting.pk]))
    assert_no_secrets(response)
    assert "once your membership is approved" in response.content.decode()


def test_members_see_the_join_link_and_passcode(member_client, meeting):
    response = member_client.get(url("detail", args=[meeting.pk]))
    body = response.content.decode()
    assert JOIN_URL.replace("&", "&amp;") in body
    assert PASSCODE in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "The link to join will be sent to you before the meeting."),
        ("fr", "Le lien pour participer vous sera envoyé avant la rencontre."),
    ],
)
def test_a_meeting_without_a_link_yet_has_no_empty_link(member_client, language, sentence):
    meeting = MeetingFactory(join_url="", passcode="")
    body = member_client.get(url("detail", language, args=[meeting.pk])).content.decode()
    assert 'href=""' not in body
    assert sentence in body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": MeetingStatus.CANCELLED},
        {"starts_at": eastern(2025, 4, 30), "ends_at": eastern(2025, 4, 30, 14)},
    ],
)
def test_members_see_no_link_for_a_cancelled_or_past_meeting(member_client, kwargs):
    meeting = MeetingFactory(**kwargs)
    assert_no_secrets(member_client.get(url("detail", args=[meeting.pk])))


def test_a_withdrawn_member_sees_no_join_link(client, meeting):
    user = MemberFactory(status="withdrawn").user
    client.force_login(user)
    assert_no_secrets(client.get(url("detail", args=[meeting.pk])))


# --- .ics download -----------------------------------------------------------------------------


def test_anonymous_download_goes_to_sign_in(client, meeting):
    response = client.get(url("ics", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert_no_secrets(response)


def test_pending_download_is_forbidden(pending_client, meeting):
    response = pending_client.get(url("ics", args=[meeting.pk]))
    assert response.status_code == 403
    assert_no_secrets(response)
    assert "For members only" in response.content.decode()


def test_members_download_a_publish_file(member_client, meeting):
    response = member_client.get(url("ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="peernet-meeting-{meeting.pk}.ics"'
    )
    data = response.content
    assert b"METHOD:PUBLISH\r\n" in data
    assert b"ATTENDEE" not in data
    assert f"UID:{meeting.calendar_uid}\r\n".encode() in data
    assert b"LOCATION:https://zoom.us/j/81234567890?pwd=secret\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_french_download_is_in_french(member_client, meeting):
    data = member_client.get(url("ics", "fr", args=[meeting.pk])).content.decode()
    assert f"SUMMARY:{meeting.title_fr}\r\n" in data


# --- Personal feed -----------------------------------------------------------------------------


def test_the_feed_lists_upcoming_and_cancelled_meetings(client, member, meeting):
    cancelled = MeetingFactory(status=MeetingStatus.CANCELLED, sequence=2)
    token = services.feed_regenerate(user=member).token
    response = client.get(url("feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    data = response.content.decode()
    assert data.count("BEGIN:VEVENT") == 2
    assert f"UID:{meeting.calendar_uid}\r\n" in data
    cancelled_event = data[data.index(f"UID:{cancelled.calendar_uid}") :]
    assert "STATUS:CANCELLED" in cancelled_event.split("END:VEVENT")[0]
    assert "SEQUENCE:2" in cancelled_event.split("END:VEVENT")[0]
    assert "METHOD:PUBLISH\r\n" in data
    assert "ATTENDEE" not in data  # nobody's answers are in a feed


def test_a_revoked_feed_is_a_404_at_once(client, member, meeting):
    token = services.feed_regenerate(user=member).token
    assert client.get(url("feed", kwargs={"token": token})).status_code == 200
    services.feed_revoke(user=member)
    response = client.get(url("feed", kwargs={"token": token}))
    assert response.status_code == 404
    assert_no_secrets(response)


def test_a_regenerated_feed_retires_the_old_address(client, member, meeting):
    old = services.feed_regenerate(user=member).token
    new = services.feed_regenerate(user=member).token
    assert client.get(url("feed", kwargs={"token": old})).status_code == 404
    assert client.get(url("feed", kwargs={"token": new})).status_code == 200


def test_the_feed_of_someone_no_longer_a_member_is_a_404(client, member, meeting):
    token = services.feed_regenerate(user=member).token
    member.registration.status = "withdrawn"
    member.registration.save()
    response = client.get(url("feed", kwargs={"token": token}))
    assert response.status_code == 404
    assert_no_secrets(response)


def test_an_unknown_feed_token_is_a_404(client, meeting):
    response = client.get(url("feed", kwargs={"token": "made-up"}))
    assert response.status_code == 404
    assert_no_secrets(response)


@pytest.mark.parametrize("token", ["\x00", "a\x00b", "a b", "é" * 40, "x" * 101])
def test_a_feed_token_of_impossible_characters_is_a_404(client, member, meeting, token):
    services.feed_regenerate(user=member)
    response = client.get(url("feed", kwargs={"token": token}))
    assert response.status_code == 404
    assert_no_secrets(response)


# --- One-click answers -------------------------------------------------------------------------


def _answer_url(user, meeting, answer="accept", language="en"):
    token = answer_token_make(user_id=user.pk, meeting_id=meeting.pk)
    return url("answer", language, kwargs={"token": token, "answer": answer})


def test_the_accept_link_shows_a_page_and_only_its_button_records(client, member, meeting):
    link = _answer_url(member, meeting)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Confirm: I will attend" in response.content.decode()
    assert not Invitation.objects.exists()

    response = client.post(link)
    assert response.status_code == 200
    assert Invitation.objects.get(meeting=meeting, user=member).response == Response.ACCEPTED
    assert response["Referrer-Policy"] == "no-referrer"
    assert "you are attending" in response.content.decode()
    assert_no_secrets(response)


def test_the_decline_link_records_the_answer_on_post(client, member, meeting):
    client.get(_answer_url(member, meeting, "decline"))
    assert not Invitation.objects.exists()
    client.post(_answer_url(member, meeting, "decline"))
    assert Invitation.objects.get(meeting=meeting, user=member).response == Response.DECLINED


def test_a_head_request_records_nothing(client, member, meeting):
    assert client.head(_answer_url(member, meeting)).status_code == 200
    assert not Invitation.objects.exists()


def test_a_head_request_gets_the_status_a_get_would_get(client, member, meeting):
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    altered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    cancelled = MeetingFactory(status=MeetingStatus.CANCELLED)
    former = MemberFactory(status="withdrawn").user
    assert (
        client.head(url("answer", kwargs={"token": altered, "answer": "accept"})).status_code == 400
    )
    assert (
        client.head(url("answer", kwargs={"token": token, "answer": "perhaps"})).status_code == 400
    )
    assert client.head(_answer_url(member, cancelled)).status_code == 409
    assert client.head(_answer_url(former, meeting)).status_code == 403
    assert client.head(_answer_url(member, meeting, "decline")).status_code == 200
    assert not Invitation.objects.exists()


def test_an_altered_token_gets_a_clear_400_in_french(client, member, meeting):
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    altered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = client.get(url("answer", "fr", kwargs={"token": altered, "answer": "accept"}))
    assert response.status_code == 400
    assert "Ce lien de réponse n’est pas valide." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_token_is_good_for_its_meeting_only(client, member, meeting):
    other = MeetingFactory()
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    # Swapping the meeting id inside the signed value breaks the signature.
    forged = token.replace(
        answer_token_make(user_id=member.pk, meeting_id=meeting.pk).split(":")[0],
        answer_token_make(user_id=member.pk, meeting_id=other.pk).split(":")[0],
    )
    response = client.get(url("answer", kwargs={"token": forged, "answer": "accept"}))
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_token_of_another_kind_of_signed_value_is_refused(client, member, meeting):
    from django.core import signing

    token = signing.dumps({"u": member.pk, "m": meeting.pk})  # default salt
    response = client.get(url("answer", kwargs={"token": token, "answer": "accept"}))
    assert response.status_code == 400


def test_an_unknown_answer_word_is_a_400(client, member, meeting):
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    response = client.get(url("answer", kwargs={"token": token, "answer": "perhaps"}))
    assert response.status_code == 400


def test_a_former_member_cannot_answer(client, meeting):
    user = MemberFactory(status="withdrawn").user
    response = client.get(_answer_url(user, meeting))
    assert response.status_code == 403
    assert "This invitation is no longer valid." in response.content.decode()


def test_answering_a_cancelled_meeting_is_a_409(client, member):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    response = client.get(_answer_url(member, meeting))
    assert response.status_code == 409
    assert "This meeting was cancelled." in response.content.decode()


def test_a_deleted_meeting_is_a_404(client, member, meeting):
    link = _answer_url(member, meeting)
    meeting.delete()
    assert client.get(link).status_code == 404


# --- Buttons on the member's pages -------------------------------------------------------------


def test_members_answer_from_their_page(member_client, member, meeting):
    response = member_client.post(
        url("respond", args=[meeting.pk]), {"response": "declined", "next": "/en/me/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/me/"
    assert Invitation.objects.get(user=member).response == Response.DECLINED


@pytest.mark.parametrize(
    ("response", "shown", "pressed"),
    [
        (Response.ACCEPTED, "Attending", "I will attend"),
        (Response.DECLINED, "Not attending", "I will not attend"),
        (Response.NEEDS_ACTION, "No answer yet", None),
    ],
)
def test_the_members_answer_is_shown_on_the_meeting_and_their_page(
    member_client, member, meeting, response, shown, pressed
):
    InvitationFactory(meeting=meeting, user=member, response=response)
    for page in (url("detail", args=[meeting.pk]), reverse("members:home")):
        body = member_client.get(page).content.decode()
        assert f"Your answer: <strong>{shown}</strong>" in body
    detail = member_client.get(url("detail", args=[meeting.pk])).content.decode()
    assert detail.count('aria-pressed="true"') == (1 if pressed else 0)
    if pressed:
        assert f'aria-pressed="true">{pressed}</button>' in detail


def test_an_outside_next_address_is_ignored(member_client, meeting):
    response = member_client.post(
        url("respond", args=[meeting.pk]), {"response": "accepted", "next": "https://evil.example/"}
    )
    assert response["Location"] == url("detail", args=[meeting.pk])


def test_a_bad_answer_is_a_400(member_client, meeting):
    response = member_client.post(url("respond", args=[meeting.pk]), {"response": "maybe"})
    assert response.status_code == 400


def test_answer_buttons_are_for_members_only(pending_client, meeting):
    response = pending_client.post(url("respond", args=[meeting.pk]), {"response": "accepted"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_interpretation_wish(member_client, member, meeting):
    member_client.post(url("interpretation", args=[meeting.pk]), {"wants_interpretation": "on"})
    assert Invitation.objects.get(user=member).wants_interpretation is True
    member_client.post(url("interpretation", args=[meeting.pk]), {})
    assert Invitation.objects.get(user=member).wants_interpretation is False


def test_feed_buttons(member_client, member):
    member_client.post(url("feed_regenerate"))
    first = CalendarFeed.objects.get(user=member).token
    member_client.post(url("feed_regenerate"))
    assert CalendarFeed.objects.get(user=member).token != first
    member_client.post(url("feed_revoke"))
    assert not CalendarFeed.objects.filter(user=member).exists()


def test_feed_buttons_only_post(member_client):
    assert member_client.get(url("feed_regenerate")).status_code == 405


# --- Member page panel -------------------------------------------------------------------------


def test_the_member_page_shows_answers_feed_and_themes(member_client, member, meeting):
    InvitationFactory(meeting=meeting, user=member, response=Response.ACCEPTED)
    token = services.feed_regenerate(user=member).token
    ThemeFactory(title="Fleet electrification")
    response = member_client.get(reverse("members:home"))
    body = response.content.decode()
    assert "Your meetings" in body
    assert meeting.title_en in body
    assert "Attending" in body
    assert token in body
    assert "Fleet electrification" in body
    assert url("respond", args=[meeting.pk]) in body


def test_other_members_see_nothing_of_a_members_feed_or_answers(client, member, meeting):
    InvitationFactory(meeting=meeting, user=member, response=Response.DECLINED)
    token = services.feed_regenerate(user=member).token
    other = MemberFactory().user
    client.force_login(other)
    for page in (reverse("members:home"), url("detail", args=[meeting.pk])):
        body = client.get(page).content.decode()
        assert token not in body
        assert "Not attending</strong>" not in body
    # Their buttons act on their own rows only.
    client.post(url("feed_revoke"))
    client.post(url("respond", args=[meeting.pk]), {"response": "accepted"})
    assert CalendarFeed.objects.get(user=member).token == token
    assert Invitation.objects.get(user=member).response == Response.DECLINED


def test_pending_registrants_have_no_meetings_panel(pending_client, meeting):
    body = pending_client.get(reverse("members:home")).content.decode()
    assert "Your meetings" not in body
    assert_no_secrets(pending_client.get(reverse("members:home")))


# --- Themes ------------------------------------------------------------------------------------


def test_themes_are_ranked_by_votes(member_client, member):
    low, high = ThemeFactory(title="Low"), ThemeFactory(title="High")
    for user in (MemberFactory().user, MemberFactory().user):
        ThemeVote.objects.create(theme=high, user=user)
    ThemeVote.objects.create(theme=low, user=member)
    response = member_client.get(url("themes"))
    assert [theme.title for theme in response.context["themes"]] == ["High", "Low"]
    assert [theme.has_voted for theme in response.context["themes"]] == [False, True]


def test_suggesting_a_theme(member_client, member):
    response = member_client.post(url("themes", "fr"), {"title": "Flottes électriques"})
    assert response.status_code == 302
    vote = ThemeVote.objects.get(user=member)
    assert vote.theme.title == "Flottes électriques"
    assert vote.theme.language == "fr"


def test_an_empty_suggestion_is_a_400(member_client):
    response = member_client.post(url("themes"), {"title": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_voting_and_withdrawing(member_client, member):
    theme = ThemeFactory()
    member_client.post(url("theme_vote", args=[theme.pk]), {"vote": "for"})
    assert theme.votes.filter(user=member).exists()
    member_client.post(url("theme_vote", args=[theme.pk]), {"vote": "withdraw"})
    assert not theme.votes.filter(user=member).exists()


def test_themes_are_for_members_only(client, db):
    assert client.get(url("themes")).status_code == 302
    client.force_login(RegistrationFactory().user)
    assert client.get(url("themes")).status_code == 403


def test_hidden_themes_are_not_shown(member_client):
    ThemeFactory(title="Spam", is_hidden=True)
    assert "Spam" not in member_client.get(url("themes")).content.decode()

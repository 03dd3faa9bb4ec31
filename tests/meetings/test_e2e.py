"""Meeting pages in a real browser (Debian's chromium), in both languages, checked by axe-core."""

import pytest
from django.test import Client

from meetings import services
from meetings.tokens import answer_token_make
from tests.meetings.factories import MeetingFactory, ThemeFactory
from tests.members.factories import MemberFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PATHS = {
    "en": {
        "list": "/en/meetings/",
        "detail": "/en/meetings/{pk}/",
        "themes": "/en/meetings/themes/",
        "home": "/en/me/",
        "answer": "/en/meetings/answer/{token}/accept/",
    },
    "fr": {
        "list": "/fr/rencontres/",
        "detail": "/fr/rencontres/{pk}/",
        "themes": "/fr/rencontres/themes/",
        "home": "/fr/mon-espace/",
        "answer": "/fr/rencontres/reponse/{token}/accept/",
    },
}


def _sign_in(page, live_server, user):
    """Give the browser the session of a signed-in user."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_are_accessible(browser_page, live_server, axe_violations, language):
    meeting = MeetingFactory()
    page = browser_page
    paths = PATHS[language]
    for path in (paths["list"], paths["detail"].format(pk=meeting.pk)):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert (path, axe_violations(page)) == (path, [])
        assert "81234567890" not in page.content()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_member_pages_are_accessible(browser_page, live_server, axe_violations, language):
    meeting = MeetingFactory()
    member = MemberFactory(user__preferred_language=language).user
    services.feed_regenerate(user=member)
    ThemeFactory(title="Fleet electrification")
    page = browser_page
    _sign_in(page, live_server, member)
    paths = PATHS[language]
    for path in (paths["home"], paths["detail"].format(pk=meeting.pk), paths["themes"]):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert (path, axe_violations(page)) == (path, [])

    # The member's own time zone is pointed out in the table.
    page.goto(live_server.url + paths["detail"].format(pk=meeting.pk))
    assert page.locator(".meeting-zones tr.own-zone").count() == 1
    assert page.locator("a.join-link").count() == 1

    # Answering from the member's page.
    page.goto(live_server.url + paths["home"])
    page.locator(
        f"form[action$='/{meeting.pk}/{'answer' if language == 'en' else 'reponse'}/'] button"
    ).first.click()
    page.wait_for_load_state()
    assert (page.url, axe_violations(page)) == (page.url, [])
    assert meeting.invitations.get(user=member).response == "accepted"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_answer_pages_are_accessible(browser_page, live_server, axe_violations, language):
    meeting = MeetingFactory()
    member = MemberFactory(user__preferred_language=language).user
    token = answer_token_make(user_id=member.pk, meeting_id=meeting.pk)
    page = browser_page
    answer = PATHS[language]["answer"]
    page.goto(live_server.url + answer.format(token=token))
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    # Opening the link records nothing: the button does.
    assert not meeting.invitations.exists()
    page.locator("main form button").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    assert meeting.invitations.get(user=member).response == "accepted"
    # One more button changes the answer, still without signing in.
    page.locator("main form button").first.click()
    page.wait_for_load_state()
    assert meeting.invitations.get(user=member).response == "declined"

    response = page.goto(live_server.url + answer.format(token=token + "x"))
    assert response.status == 400
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_members_only_page_is_accessible(browser_page, live_server, axe_violations, language):
    page = browser_page
    _sign_in(page, live_server, RegistrationFactory().user)
    response = page.goto(live_server.url + PATHS[language]["themes"])
    assert response.status == 403
    assert axe_violations(page) == []

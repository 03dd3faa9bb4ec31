"""Public pages kept for anonymous visitors: served again without the database, never across
languages, never for a signed-in member or a page with a form, and made anew at once after a
change by staff."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.models import Community
from meetings import services as meeting_services
from members.models import Registration
from peernet.pagecache import KEY_PREFIX
from tests.cohorts.factories import CohortFactory, CommunityFactory
from tests.deployed.people import REGISTRATION
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _pages_kept(settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 60


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def kept_pages() -> int:
    return sum(1 for key in cache._cache if KEY_PREFIX in key)


@pytest.mark.parametrize(
    "name", ["home", "meetings:list", "cohorts:list", "cohorts:map", "cohorts:programme",
             "members:privacy"],
)  # fmt: skip
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_second_anonymous_visit_needs_no_database(
    db, client, django_assert_num_queries, name, language
):
    MeetingFactory()
    first = client.get(url(name, language))
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url(name, language))
    assert again.status_code == 200
    assert again.content == first.content
    assert f'lang="{language}"'.encode() in again.content
    assert again["Content-Language"] == language


def test_one_language_is_never_served_for_the_other(db, client):
    meeting = MeetingFactory(title_en="Heat pumps", title_fr="Thermopompes")
    english = client.get(url("meetings:detail", "en", pk=meeting.pk))
    french = client.get(url("meetings:detail", "fr", pk=meeting.pk))
    french_again = client.get(url("meetings:detail", "fr", pk=meeting.pk))
    assert b"Heat pumps" in english.content and b"Thermopompes" not in english.content
    for page in (french, french_again):
        assert b"Thermopompes" in page.content and b'lang="fr"' in page.content
        assert page["Content-Language"] == "fr"


def test_a_change_shows_at_the_next_visit_in_both_languages(db, client):
    meeting = MeetingFactory(title_en="Heat pumps", title_fr="Thermopompes")
    for language in ("en", "fr"):
        client.get(url("meetings:list", language))
        client.get(url("meetings:detail", language, pk=meeting.pk))
    meeting_services.meeting_update(
        meeting=meeting, title_en="District heating", title_fr="Réseaux de chaleur"
    )
    for language, title in (("en", "District heating"), ("fr", "Réseaux de chaleur")):
        for page in (
            url("meetings:list", language),
            url("meetings:detail", language, pk=meeting.pk),
        ):
            assert title in client.get(page).content.decode()


def test_links_and_deletions_show_at_the_next_visit(db, client):
    cohort = CohortFactory()
    community = CommunityFactory(name_en="Town of Bonavista", cohorts=[cohort])
    before = client.get(url("cohorts:list")).content.decode()
    assert "Town of Bonavista" in before
    # Leaving the cohort changes only the many-to-many links.
    community.cohorts.remove(cohort)
    assert client.get(url("cohorts:list")).content.decode() != before
    Community.objects.filter(pk=community.pk).delete()
    assert "Town of Bonavista" not in client.get(url("cohorts:list")).content.decode()


def test_a_signed_in_member_gets_their_own_page_and_it_is_not_kept(
    db, client, django_assert_max_num_queries
):
    member = MemberFactory(user__first_name="Nadia")
    meeting = MeetingFactory()
    client.get(url("meetings:detail", pk=meeting.pk))  # kept for anonymous visitors
    signed_in = Client()
    signed_in.force_login(member.user)
    page = signed_in.get(url("meetings:detail", pk=meeting.pk))
    assert page.status_code == 200
    assert meeting.join_url in page.content.decode()
    anonymous = client.get(url("meetings:detail", pk=meeting.pk)).content.decode()
    assert meeting.join_url not in anonymous
    assert "private" in page["Cache-Control"]
    # The member's next visit is made for them again.
    assert meeting.join_url in signed_in.get(url("meetings:detail", pk=meeting.pk)).content.decode()


def test_a_visitor_back_from_a_form_sees_their_message(db, client):
    client.get(url("home"))  # kept for anonymous visitors
    leaving = Client()
    leaving.force_login(MemberFactory().user)
    page = leaving.post(url("members:leave"), {"confirm": "yes"}, follow=True)
    assert page.redirect_chain[-1][0] == url("home")
    assert "Your account and your data were deleted. Goodbye!" in page.content.decode()
    # Shown once: the next visit is the page everyone gets.
    assert "Goodbye!" not in leaving.get(url("home")).content.decode()


def test_pages_with_a_query_are_never_kept(db, client):
    CommunityFactory(cohorts=[CohortFactory()])
    client.get(url("cohorts:list") + "?q=town")
    client.get(url("cohorts:list") + "?province=zz")  # an error answer
    client.get(url("members:register") + "?email=jo%40gatineau.ca")
    assert kept_pages() == 0


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_kept_form_gives_each_visitor_their_own_working_csrf_token(
    db, django_assert_num_queries, language
):
    first_visitor = Client(enforce_csrf_checks=True)
    first = first_visitor.get(url("members:register", language))
    assert kept_pages() == 1
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        page = visitor.get(url("members:register", language))
    token = csrf_token_of(page)
    assert token != csrf_token_of(first)
    assert csrf_token_of(first) not in page.content.decode()
    assert (
        page.cookies[settings.CSRF_COOKIE_NAME].value
        != first.cookies[settings.CSRF_COOKIE_NAME].value
    )
    assert f'lang="{language}"' in page.content.decode()
    # The token works with the visitor's cookie: the registration goes through.
    sent = visitor.post(
        url("members:register", language), {**REGISTRATION, "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert Registration.objects.filter(user__email=REGISTRATION["email"]).exists()
    # Another visitor's token does not.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(url("members:register", language))
    refused = stranger.post(
        url("members:register", language),
        {**REGISTRATION, "email": "other@gatineau.ca", "csrfmiddlewaretoken": token},
    )
    assert refused.status_code == 403


def test_a_visitor_with_a_csrf_cookie_keeps_it_on_a_kept_form(db):
    Client().get(url("members:register"))  # kept
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(url("cohorts:interest"))
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    page = visitor.get(url("members:register"))
    assert page.cookies[settings.CSRF_COOKIE_NAME].value == secret
    sent = visitor.post(
        url("members:register"), {**REGISTRATION, "csrfmiddlewaretoken": csrf_token_of(page)}
    )
    assert sent.status_code == 302


def test_a_form_with_errors_is_never_kept(db, client):
    refused = client.post(url("members:register"), {**REGISTRATION, "email": "not an address"})
    assert refused.status_code == 400
    assert kept_pages() == 0
    blank = Client().get(url("members:register")).content.decode()
    assert "not an address" not in blank


def test_errors_are_never_kept(db, client):
    client.get(url("meetings:detail", pk=999999))
    client.get(url("cohorts:community", slug="nowhere"))
    assert kept_pages() == 0


def test_a_page_is_not_kept_past_the_next_meeting_start(db, client, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 3600
    starts = timezone.now() + timedelta(seconds=30)
    MeetingFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    client.get(url("meetings:list"))
    [key] = [key for key in cache._cache if KEY_PREFIX in key]
    lasts = cache._expire_info[key] - timezone.now().timestamp()
    assert 0 < lasts <= 30


def test_nothing_is_kept_when_turned_off(db, client, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    client.get(url("home"))
    assert kept_pages() == 0

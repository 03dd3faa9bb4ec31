"""The language switch leads to the same page in the other language, `next` address included.

Only a `next` that is a path on this site is translated; an address elsewhere, or one that
would break a header, is left exactly as it came, and every other parameter is kept byte for
byte.
"""

import html
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from peernet.templatetags.peernet_tags import url_in_language
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0


def switch_link(client, address: str, language: str) -> str:
    """The href of the page's link to ``language``."""
    response = client.get(address)
    assert response.status_code in (200, 404)
    page = response.content.decode()
    match = re.search(rf'<a [^>]*href="([^"]*)"[^>]*hreflang="{language}"', page)
    assert match, f"no link to {language} on {address}"
    return html.unescape(match.group(1))


def switched(address: str, language: str) -> str:
    """What the switch gives for ``address``, read off a request for it."""
    return url_in_language({"request": RequestFactory().get(address)}, language)


@pytest.mark.parametrize(
    ("address", "language", "expected"),
    [
        (
            "/en/accounts/login/?next=/en/meetings/4/",
            "fr",
            "/fr/accounts/login/?next=/fr/rencontres/4/",
        ),
        (
            "/fr/accounts/login/?next=/fr/rencontres/4/",
            "en",
            "/en/accounts/login/?next=/en/meetings/4/",
        ),
        (
            "/en/accounts/login/?next=%2Fen%2Fmeetings%2F4%2F",
            "fr",
            "/fr/accounts/login/?next=/fr/rencontres/4/",
        ),
        # A next with its own query keeps it, inside the parameter.
        (
            "/en/accounts/login/?next=/en/meetings/4/%3Fshow%3Dall",
            "fr",
            "/fr/accounts/login/?next=/fr/rencontres/4/%3Fshow%3Dall",
        ),
    ],
)
def test_the_login_page_returns_to_the_translated_next(client, db, address, language, expected):
    assert switch_link(client, address, language) == expected


@pytest.mark.parametrize(("source", "target"), [("en", "fr"), ("fr", "en")])
def test_the_registration_and_meeting_pages_switch_to_their_translation(client, db, source, target):
    meeting = MeetingFactory()
    for name, kwargs in (("members:register", {}), ("meetings:detail", {"args": [meeting.pk]})):
        with translation.override(source):
            here = reverse(name, **kwargs)
        with translation.override(target):
            there = reverse(name, **kwargs)
        assert here != there
        assert switch_link(client, here, target) == there


@pytest.mark.parametrize(
    ("address", "language", "expected"),
    [
        (
            "/en/accounts/login/?utm_source=mail%20list&next=/en/meetings/4/&x=1+2&flag",
            "fr",
            "/fr/accounts/login/?utm_source=mail%20list&next=/fr/rencontres/4/&x=1+2&flag",
        ),
        (
            "/fr/rencontres/?page=2&q=%C3%A9t%C3%A9",
            "en",
            "/en/meetings/?page=2&q=%C3%A9t%C3%A9",
        ),
    ],
)
def test_other_parameters_are_kept_as_they_are(client, db, address, language, expected):
    assert switch_link(client, address, language) == expected


HOSTILE = [
    "//evil.example",
    "https://evil.example/",
    "/en/%0d%0a",
    "/fr/%0d%0aSet-Cookie:%20a=b",
    "/%2Fevil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
    "http:/evil.example",
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(("source", "target"), [("en", "fr"), ("fr", "en")])
def test_a_next_that_is_not_a_local_path_is_left_alone(client, db, hostile, source, target):
    link = switch_link(client, f"/{source}/accounts/login/?next={hostile}", target)
    assert link == f"/{target}/accounts/login/?next={hostile}"


@pytest.mark.parametrize(
    "address",
    ["//evil.example/en/", "/\\evil.example/en/", "/en/%0d%0a", "/en/no-such-page/"],
)
def test_a_page_address_that_is_not_a_page_leads_home(address):
    assert switched(address, "fr") == "/fr/"


def test_without_a_request_the_switch_leads_home():
    assert url_in_language({}, "fr") == "/fr/"


def test_the_link_to_the_current_language_is_the_page_itself():
    address = "/en/accounts/login/?next=/en/meetings/4/&x=1"
    assert switched(address, "en") == address

"""The registration form: its blank markup, made once per language and content version and
reused, and never for a form that belongs to one request."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members import forms
from members.forms import RegistrationForm
from peernet.pagecache import middleware, pages_changed

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# "A few": the most blank markups kept at once while the form's definition keeps changing.
BLANK_MARKUPS_KEPT = 8


@pytest.fixture(autouse=True)
def _no_page_kept(settings, monkeypatch):
    # The form's markup is kept with the page cache's content; the whole page, which would
    # otherwise answer first, is made for every request here.
    settings.PEERNET_PAGE_CACHE_SECONDS = 60
    monkeypatch.setattr(middleware, "page_key", lambda request: None)


def kept_markups() -> dict:
    """The kept blank markups by language, address prefix and the form's content version."""
    kept = {}
    for key in list(cache._cache):
        name = key.partition("pages:content:registration-form:")[2]
        entry = cache.get(key.partition(":1:")[2]) if name else None
        if entry is not None:
            language, _colon, prefix = name.partition(":")
            kept[language, prefix, entry["made_from"]] = entry["value"]
    return kept


def register_url(language="en"):
    with translation.override(language):
        return reverse("members:register")


def page(client, language="en", query=""):
    response = client.get(register_url(language) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_blank_form_is_made_once_per_language_and_reused(client, monkeypatch):
    made = []
    render = forms.render_crispy_form
    monkeypatch.setattr(forms, "render_crispy_form", lambda form: made.append(1) or render(form))
    first = page(client)
    second = page(Client())
    assert len(made) == 1
    assert TOKEN.sub("", first) == TOKEN.sub("", second)


def test_each_visitor_gets_their_own_csrf_token_once_in_the_form(client):
    pages = [page(Client(enforce_csrf_checks=True)) for _ in range(2)]
    tokens = [TOKEN.findall(html) for html in pages]
    assert [len(found) for found in tokens] == [1, 1]
    assert tokens[0] != tokens[1]
    for html in pages:
        form = html[html.index('<form method="post" action="/en/register/"') :]
        assert form.index("csrfmiddlewaretoken") < form.index('name="first_name"')
    # The kept markup holds no token: it is written by the page, outside it.
    assert all("csrfmiddlewaretoken" not in markup for markup in kept_markups().values())


def test_a_kept_form_lets_the_visitor_register(client):
    client = Client(enforce_csrf_checks=True)
    page(Client())  # someone else's visit made the markup
    html = page(client)
    data = {
        "csrfmiddlewaretoken": TOKEN.search(html).group(1),
        "first_name": "Jordan",
        "last_name": "Whitehead",
        "email": "jordan@calgary.ca",
        "job_title": "Climate coordinator",
        "organisation_name": "City of Calgary",
        "organisation_kind": "city",
        "province": "AB",
        "preferred_language": "en",
        "password1": "a-Long-passphrase-2026",
        "password2": "a-Long-passphrase-2026",
        "privacy_consent": "on",
    }
    response = client.post(register_url(), data)
    assert response.status_code == 302


def test_the_kept_markup_never_crosses_languages(client):
    english = page(client, "en")
    french = page(client, "fr")
    english_again = page(client, "en")
    assert 'name="preferred_language" value="en"' in english
    assert "Work e-mail address" in english and "Work e-mail address" not in french
    assert "Envoyer ma demande" in french and "Envoyer ma demande" not in english
    # French is chosen at first on the French page, English on the English one.
    assert re.search(r'value="fr"[^>]*checked', french)
    assert re.search(r'value="en"[^>]*checked', english)
    assert not re.search(r'value="fr"[^>]*checked', english)
    assert TOKEN.sub("", english) == TOKEN.sub("", english_again)
    assert sorted(language for language, _prefix, _version in kept_markups()) == ["en", "fr"]


@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "Jordan"},
        {"first_name": "<script>alert(1)</script>", "province": "ZZ"},
        {},
    ],
)
def test_a_bound_form_is_rendered_for_its_request_never_from_the_kept_markup(client, data):
    page(client)  # the blank markup is kept
    response = client.post(register_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some answers need your attention" in html
    assert 'class="invalid-feedback"' in html
    if "first_name" in data:
        assert 'value="Jordan"' in html or "&lt;script&gt;" in html
    assert "<script>alert" not in html
    assert len(TOKEN.findall(html)) == 1
    # The error page left nothing behind: the next visitor gets the blank form.
    blank = page(Client())
    assert "Some answers need your attention" not in blank
    assert 'value="Jordan"' not in blank and "invalid-feedback" not in blank
    with translation.override("en"):
        assert RegistrationForm(data=data).blank_markup() is None


def test_an_address_filled_in_from_the_request_is_not_kept_for_others(client):
    page(client)
    filled = page(client, query="?email=jordan%40calgary.ca")
    assert 'value="jordan@calgary.ca"' in filled
    assert 'value="jordan@calgary.ca"' not in page(Client())


def test_an_address_verified_earlier_in_the_session_is_not_kept_for_others(client):
    page(client)
    session = client.session
    session["account_verified_email"] = "jordan@calgary.ca"
    session.save()
    assert 'value="jordan@calgary.ca"' in page(client)
    assert 'value="jordan@calgary.ca"' not in page(Client())


def test_the_kept_markup_follows_a_change_of_what_the_form_lists(client, monkeypatch):
    before = page(client)
    assert "Nunavut" in before
    province = RegistrationForm.base_fields["province"]
    monkeypatch.setattr(
        province, "choices", [choice for choice in province.choices if choice[0] != "NU"]
    )
    after = page(Client())
    assert "Nunavut" not in after
    assert "Yukon" in after
    monkeypatch.undo()
    assert "Nunavut" in page(Client())


def test_the_kept_markup_follows_a_change_of_a_fields_first_value(client, monkeypatch):
    page(client)
    monkeypatch.setattr(RegistrationForm.base_fields["wants_interpretation"], "initial", True)
    html = page(Client())
    assert re.search(r'<input[^>]*name="wants_interpretation"[^>]*checked', html)


def test_only_a_few_markups_are_kept(client, monkeypatch):
    province = RegistrationForm.base_fields["province"]
    for number in range(BLANK_MARKUPS_KEPT * 2):
        monkeypatch.setattr(province, "choices", [("", "—"), (f"X{number}", f"Region {number}")])
        assert f"Region {number}" in page(Client())
        assert len(kept_markups()) <= BLANK_MARKUPS_KEPT


def test_one_markup_is_kept_per_language_whatever_the_definitions_it_went_through(
    client, monkeypatch
):
    province = RegistrationForm.base_fields["province"]
    for number in range(3):
        monkeypatch.setattr(province, "choices", [("", "—"), (f"X{number}", f"Region {number}")])
        page(Client())
        page(Client(), "fr")
    assert sorted((language, prefix) for language, prefix, _version in kept_markups()) == [
        ("en", "/"),
        ("fr", "/"),
    ]


def test_the_markup_is_made_again_with_the_public_pages(client, monkeypatch):
    made = []
    render = forms.render_crispy_form
    monkeypatch.setattr(forms, "render_crispy_form", lambda form: made.append(1) or render(form))
    page(client)
    pages_changed()
    page(Client())
    assert len(made) == 2


def test_nothing_is_kept_while_the_page_cache_is_off(client, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    assert 'name="first_name"' in page(client)
    assert kept_markups() == {}

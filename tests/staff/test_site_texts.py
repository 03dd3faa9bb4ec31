"""The texts of the public pages that staff edit: the defaults in both languages, an edit that
shows at once through the page cache, the fallback to English and its mark in the admin, the
cleaning of hostile input, and who may edit."""

import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings.selectors import meeting_next
from peernet.richtext import page_text_clean
from staff.models import SiteText, SiteTextKey
from staff.seams import upcoming_meetings
from staff.site_text_defaults import site_texts_create
from tests.meetings.factories import MeetingFactory
from tests.members.factories import StaffFactory

pytestmark = pytest.mark.unit

MAILTO = (
    '<a href="mailto:network@peernet.example" rel="noopener noreferrer nofollow">'
    "network@peernet.example</a>"
)


@pytest.fixture(autouse=True)
def site_texts(db):
    """The rows the data migration creates (a transactional test elsewhere may have flushed
    them)."""
    site_texts_create(django_apps)
    return {text.key: text for text in SiteText.objects.all()}


@pytest.fixture
def only_the_next_meeting():
    """The home page's list from a source that knows the next meeting alone."""
    with upcoming_meetings.replaced(lambda: [meeting for meeting in [meeting_next()] if meeting]):
        yield


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def change_url(text, language="en"):
    with translation.override(language):
        return reverse("admin:staff_sitetext_change", args=[text.pk])


def change_form(text, **values):
    """What the admin's change form posts for ``text``, with ``values`` changed."""
    data = {
        "title_en": text.title_en or "",
        "title_fr": text.title_fr or "",
        "body_en": text.body_en or "",
        "body_fr": text.body_fr or "",
        "order": str(text.order),
    }
    if not text.has_title:
        del data["title_en"], data["title_fr"], data["order"]
    return {**data, **values}


def page(path) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


# --- Defaults --------------------------------------------------------------------------------


def test_every_key_has_one_row_written_in_both_languages(site_texts):
    assert sorted(site_texts) == sorted(SiteTextKey.values)
    for text in site_texts.values():
        assert page_text_clean(text.body_en) == text.body_en
        assert page_text_clean(text.body_fr) == text.body_fr
        assert text.body_en.startswith(("<p>", "<ul>")) and text.body_fr.startswith(("<p>", "<ul>"))
        assert text.body_en != text.body_fr
        assert bool(text.title_en) == bool(text.title_fr) == text.has_title


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Why the network exists",
                "What members can expect",
                "What you need to know",
                "Upcoming meetings",
                "How to join",
                "Contact us",
                "Land acknowledgement",
            ],
        ),
        (
            "fr",
            [
                "Pourquoi ce réseau",
                "Ce que le réseau offre à ses membres",
                "À savoir",
                "Prochaines rencontres",
                "Comment adhérer",
                "Nous joindre",
                "Reconnaissance territoriale",
            ],
        ),
    ],
)
def test_the_home_page_shows_the_default_sections_in_order(language, expected):
    html = page(url("home", language))
    headings = re.findall(r"<h2 id=\"[a-z-]+-heading\">([^<]+)</h2>", html)
    assert headings == expected
    assert f'<html lang="{language}"' in html


@pytest.mark.parametrize(
    ("language", "facts"),
    [
        (
            "en",
            [
                "Membership is free",
                "three or four times a year",
                "never recorded",
                "simultaneous French interpretation on request",
                "Québec MRCs",
                "First Nations band offices",
                "Consultants, non-profit organisations",
                MAILTO,
                "unceded territories",
            ],
        ),
        (
            "fr",
            [
                "L’adhésion est gratuite",
                "trois ou quatre fois par année",
                "jamais enregistrées",
                "interprétation simultanée en français sur demande",
                "MRC du Québec",
                "bureaux de bande des Premières Nations",
                "ne sont pas admissibles",
                MAILTO,
                "non cédés",
            ],
        ),
    ],
)
def test_the_home_page_says_what_members_need_to_know(language, facts):
    html = page(url("home", language))
    for fact in facts:
        assert fact in html


@pytest.mark.parametrize(
    ("name", "language", "words"),
    [
        ("meetings:list", "en", "Facilitated one-hour online meetings"),
        ("meetings:list", "fr", "Des rencontres animées d’une heure"),
        ("cohorts:list", "en", "Every year, a cohort of local governments"),
        ("cohorts:list", "fr", "Chaque année, une cohorte d’administrations locales"),
    ],
)
def test_the_meetings_and_cohorts_pages_open_with_their_introduction(name, language, words):
    html = page(url(name, language))
    assert f'<div class="lead site-text"><p>{words}' in html


def test_the_home_page_lists_the_upcoming_meetings_with_their_times():
    first = MeetingFactory(title_en="Heat pumps", title_fr="Thermopompes")
    MeetingFactory(
        title_en="Later", title_fr="Plus tard", starts_at=first.starts_at.replace(year=2099)
    )
    english = page(url("home", "en"))
    assert "Heat pumps</a> — " in english and "1:00 p.m. – 2:00 p.m. (Eastern time)" in english
    assert english.index("Heat pumps") < english.index("Later")
    french = page(url("home", "fr"))
    assert "Thermopompes</a> — " in french and "13 h 00 – 14 h 00 (heure de l’Est)" in french


def test_without_the_list_the_home_page_names_the_next_meeting(only_the_next_meeting):
    MeetingFactory(title_en="Heat pumps")
    assert "Heat pumps</a>" in page(url("home"))


def test_with_no_meeting_the_home_page_says_so():
    assert "The next meeting has not been scheduled yet." in page(url("home"))
    assert "La prochaine rencontre n’est pas encore planifiée." in page(url("home", "fr"))


def test_the_home_page_reads_the_same_number_of_queries_for_any_number_of_meetings(settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    counts = []
    for _ in range(2):
        MeetingFactory()
        with CaptureQueriesContext(connection) as queries:
            page(url("home"))
        counts.append(len(queries))
    MeetingFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        page(url("home"))
    counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]
    texts = [query["sql"] for query in queries.captured_queries if "staff_sitetext" in query["sql"]]
    assert len(texts) == 1


# --- Edits through the admin ----------------------------------------------------------------


def test_an_edit_shows_at_once_in_its_language_through_the_page_cache(
    settings, staff_client, site_texts, django_assert_num_queries
):
    settings.PEERNET_PAGE_CACHE_SECONDS = 60
    for language in ("en", "fr"):
        page(url("home", language))
        with django_assert_num_queries(0):  # kept: served without the database
            page(url("home", language))
    purpose = site_texts["home.purpose"]
    response = staff_client.post(
        change_url(purpose),
        change_form(
            purpose, title_en="What the network is for", body_en="<p>Peers help peers.</p>"
        ),
    )
    assert response.status_code == 302
    english = page(url("home", "en"))
    assert "What the network is for" in english and "<p>Peers help peers.</p>" in english
    assert "Why the network exists" not in english
    french = page(url("home", "fr"))
    assert "Pourquoi ce réseau" in french and purpose.body_fr in french
    assert "Peers help peers" not in french


def test_an_introduction_edit_shows_at_once_on_its_page(settings, staff_client, site_texts):
    settings.PEERNET_PAGE_CACHE_SECONDS = 60
    intro = site_texts["meetings.intro"]
    page(url("meetings:list", "fr"))
    response = staff_client.post(
        change_url(intro), change_form(intro, body_fr="<p>Une heure, entre pairs.</p>")
    )
    assert response.status_code == 302
    assert '<div class="lead site-text"><p>Une heure, entre pairs.</p></div>' in page(
        url("meetings:list", "fr")
    )
    assert intro.body_en in page(url("meetings:list", "en"))


def test_an_introduction_has_no_heading_to_fill_in(staff_client, site_texts):
    html = staff_client.get(change_url(site_texts["cohorts.intro"])).content.decode()
    assert 'name="body_en"' in html and 'name="body_fr"' in html
    assert 'name="title_en"' not in html
    assert "Shown under the heading of the cohorts page." in html


def test_a_home_section_needs_an_english_heading(staff_client, site_texts):
    purpose = site_texts["home.purpose"]
    response = staff_client.post(change_url(purpose), change_form(purpose, title_en=""))
    assert response.status_code == 400
    assert "A section of the home page needs a heading." in response.content.decode()
    purpose.refresh_from_db()
    assert purpose.title_en == "Why the network exists"


def test_the_land_acknowledgement_invites_staff_to_adapt_it(staff_client, site_texts):
    html = staff_client.get(change_url(site_texts["home.land"], "fr")).content.decode()
    assert "Ajustez-le aux territoires où l’équipe du réseau vit et travaille" in html
    public = page(url("home"))
    assert "Adapt it to the territories" not in public


def test_a_missing_french_text_falls_back_to_english_and_is_marked_in_the_admin(
    staff_client, site_texts
):
    expect = site_texts["home.expect"]
    staff_client.post(
        change_url(expect),
        change_form(expect, title_fr="", body_fr="", body_en="<p>Good company.</p>"),
    )
    french = page(url("home", "fr"))
    assert '<h2 id="home-expect-heading" lang="en">What members can expect</h2>' in french
    assert '<div lang="en"><p>Good company.</p></div>' in french
    changelist = staff_client.get(url("admin:staff_sitetext_changelist")).content.decode()
    assert changelist.count('class="translation-missing"') == 1
    assert "Missing: French (the other language is shown)" in changelist
    form = staff_client.get(change_url(expect, "fr")).content.decode()
    assert "Manquante : Français (l’autre langue est affichée)" in form


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE_BODY = (
    "<p>Hello\x01 <strong>peers</strong>\x07\x1b\x7f\x85!</p>"
    "<script>alert(1)</script>"
    '<img src="x" onerror="alert(1)">'
    '<p style="color:red" onclick="alert(1)">Styled</p>'
    '<a href="javascript:alert(1)">bad</a> '
    '<a href="https://fcm.ca/" onmouseover="alert(1)">FCM</a>'
    "<h1>Big</h1>"
    "<iframe src=https://evil.example/></iframe>"
)
CLEANED_BODY = (
    "<p>Hello <strong>peers</strong>\n!</p>"
    "<p>Styled</p>"
    '<a rel="noopener noreferrer nofollow">bad</a> '
    '<a href="https://fcm.ca/" rel="noopener noreferrer nofollow">FCM</a>'
    "Big"
)
ACTIVE = re.compile(
    r"<\s*(script|img|iframe|h1)\b|\son\w+\s*=|javascript:|style=|[\x00-\x08\x0b-\x1f\x7f-\x9f]",
    re.IGNORECASE,
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_hostile_html_and_control_characters_are_removed_from_an_edit(
    staff_client, site_texts, language
):
    contact = site_texts["home.contact"]
    response = staff_client.post(
        change_url(contact, language),
        change_form(
            contact,
            **{
                f"body_{language}": HOSTILE_BODY,
                f"title_{language}": "Write\x08 to\x1b us <script>alert(1)</script>",
            },
        ),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert getattr(contact, f"body_{language}") == CLEANED_BODY
    assert getattr(contact, f"title_{language}") == "Write to us <script>alert(1)</script>"
    html = page(url("home", language))
    section = html.split('id="home-contact"')[1].split("</section>")[0]
    assert ACTIVE.search(section) is None
    assert "Write to us &lt;script&gt;alert(1)&lt;/script&gt;" in section


def test_a_null_character_is_refused_by_the_form(staff_client, site_texts):
    # PostgreSQL cannot store it; Django's form says so beside the field.
    contact = site_texts["home.contact"]
    response = staff_client.post(change_url(contact), change_form(contact, body_en="<p>a\x00</p>"))
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    contact.refresh_from_db()
    assert "\x00" not in contact.body_en


def test_a_row_written_around_the_model_is_cleaned_when_shown(site_texts):
    SiteText.objects.filter(key="cohorts.intro").update(body_en=HOSTILE_BODY)
    html = page(url("cohorts:list"))
    intro = html.split('<div class="lead site-text">')[1].split("</div>")[0]
    assert intro == CLEANED_BODY


def test_cohorts_rich_text_is_the_shared_one():
    from cohorts import richtext as cohorts_richtext
    from peernet import richtext

    assert cohorts_richtext.rich_text_clean is richtext.rich_text_clean
    assert cohorts_richtext.rich_text_render is richtext.rich_text_render


# --- Who may edit ------------------------------------------------------------------------------


@pytest.fixture
def staff_without_permission(client):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_without_the_permission_cannot_open_or_change_a_text(
    staff_without_permission, site_texts
):
    purpose = site_texts["home.purpose"]
    assert staff_without_permission.get(change_url(purpose)).status_code == 403
    response = staff_without_permission.post(
        change_url(purpose), change_form(purpose, title_en="Hacked")
    )
    assert response.status_code == 403
    purpose.refresh_from_db()
    assert purpose.title_en == "Why the network exists"


def test_staff_who_may_only_view_cannot_change(staff_without_permission, site_texts):
    staff_without_permission.staff.user_permissions.add(
        Permission.objects.get(codename="view_sitetext")
    )
    purpose = site_texts["home.purpose"]
    assert staff_without_permission.get(change_url(purpose)).status_code == 200
    response = staff_without_permission.post(
        change_url(purpose), change_form(purpose, title_en="Hacked")
    )
    assert response.status_code == 403
    purpose.refresh_from_db()
    assert purpose.title_en == "Why the network exists"


def test_staff_with_the_permission_can_change(staff_without_permission, site_texts):
    staff_without_permission.staff.user_permissions.add(
        Permission.objects.get(codename="change_sitetext")
    )
    purpose = site_texts["home.purpose"]
    response = staff_without_permission.post(
        change_url(purpose), change_form(purpose, title_en="Our purpose")
    )
    assert response.status_code == 302
    purpose.refresh_from_db()
    assert purpose.title_en == "Our purpose"


def test_no_one_adds_or_deletes_a_text(staff_client, site_texts):
    purpose = site_texts["home.purpose"]
    with translation.override("en"):
        add = reverse("admin:staff_sitetext_add")
        delete = reverse("admin:staff_sitetext_delete", args=[purpose.pk])
    assert staff_client.get(add).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert SiteText.objects.count() == len(SiteTextKey.values)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_texts_former_admin_addresses_lead_to_their_new_ones(site_texts, language):
    text = site_texts[SiteTextKey.HOME_PURPOSE]
    new = change_url(text, language)
    old = new.replace("/admin/staff/sitetext/", "/admin/peernet/sitetext/")
    response = Client().get(old, {"_changelist_filters": "q=x"})
    assert response.status_code == 301
    assert response["Location"] == f"{new}?_changelist_filters=q%3Dx"
    listing = url("admin:staff_sitetext_changelist", language)
    response = Client().get(listing.replace("/staff/", "/peernet/"))
    assert (response.status_code, response["Location"]) == (301, listing)

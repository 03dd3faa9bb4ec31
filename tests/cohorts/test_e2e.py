"""The cohorts pages in a real browser (Debian's chromium): the offline map draws Canada and
one marker per community, and axe-core finds no WCAG 2.1 AA violation in either language."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from cohorts.models import Community, ExpressionOfInterest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = Path(__file__).resolve().parents[2] / "cohorts" / "data" / "ccri_communities.csv"


@pytest.fixture
def communities():
    call_command("import_communities", str(CSV), verbosity=0)
    call_command("demo_cohorts", verbosity=0)
    return Community.objects.count()


@pytest.fixture
def offline(browser_page, live_server):
    """Refuse every request that does not go to the live server: the map must not need one."""
    outside = []

    def route(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    browser_page.route("**/*", route)
    return outside


@pytest.mark.parametrize(
    ("language", "path"), [("en", "/en/cohorts/map/"), ("fr", "/fr/cohortes/carte/")]
)
def test_map_draws_canada_and_one_marker_per_community_offline(
    browser_page, live_server, axe_violations, communities, offline, language, path
):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + path)
    page.wait_for_selector("#cohort-map[data-outline='ready']")
    assert page.locator(".cohort-marker-link").count() == communities == 25
    # Canada is drawn as vector paths by Leaflet, with no tile image at all.
    assert page.locator("#cohort-map path.leaflet-interactive, #cohort-map path").count() > 0
    assert page.locator("#cohort-map img.leaflet-tile").count() == 0
    assert offline == []
    assert errors == []
    assert axe_violations(page) == []


def test_a_marker_is_a_link_to_the_profile(browser_page, live_server, communities):
    page = browser_page
    page.goto(live_server.url + "/en/cohorts/map/")
    page.wait_for_selector("#cohort-map[data-outline='ready']")
    marker = page.get_by_role("link", name="Town of Pinawa, Manitoba, cohort 2022/23")
    assert marker.get_attribute("href") == "/en/cohorts/communities/town-of-pinawa/"
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/en/cohorts/communities/town-of-pinawa/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Town of Pinawa"


@pytest.mark.parametrize(
    "path",
    [
        "/en/cohorts/",
        "/fr/cohortes/",
        "/en/cohorts/?province=QC&roadmap=fr&q=ville",
        "/fr/cohortes/?province=ZZ",
        "/en/cohorts/communities/town-of-chapais/",
        "/fr/cohortes/collectivites/regional-district-of-nanaimo-city-of-nanaimo/",
        "/en/cohorts/programme/",
        "/fr/cohortes/programme/",
        "/en/cohorts/join/",
        "/fr/cohortes/participer/",
        "/en/cohorts/join/sent/",
        "/fr/cohortes/participer/envoyee/",
    ],
)
def test_pages_have_no_axe_violations(browser_page, live_server, axe_violations, communities, path):
    page = browser_page
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("language", "path", "consent_error"),
    [
        ("en", "/en/cohorts/join/", "You must agree to the privacy notice"),
        ("fr", "/fr/cohortes/participer/", "Vous devez accepter l’avis de confidentialité"),
    ],
)
def test_interest_form_shows_its_errors_accessibly_then_sends(
    browser_page, live_server, axe_violations, language, path, consent_error
):
    page = browser_page
    page.goto(live_server.url + path)
    page.locator("#id_contact_name").fill("Marie-Ève Gagnon")
    page.locator("#id_email").fill("not an address")
    page.locator("#id_job_title").fill("Conseillère")
    page.locator("#id_government_name").fill("Ville de Rimouski")
    page.locator("#id_government_kind").select_option("city")
    page.locator("#id_province").select_option("QC")
    page.locator("#id_motivation").fill("Réduire les déchets de construction.")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() == 2
    assert consent_error in page.locator(".invalid-feedback").all_inner_texts()[-1]
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    assert ExpressionOfInterest.objects.count() == 0

    page.locator("#id_email").fill("eve@rimouski.ca")
    page.locator("#id_privacy_consent").check()
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile("/sent/$|/envoyee/$"))
    assert ExpressionOfInterest.objects.get().language == language
    assert axe_violations(page) == []


def test_admin_language_tabs_work_offline(browser_page, live_server, offline):
    from tests.members.factories import StaffFactory
    from tests.second_factor import browser_sign_in

    from .factories import CommunityFactory

    staff = StaffFactory()
    community = CommunityFactory(name_en="Town of Canmore", name_fr="Ville de Canmore")
    page = browser_page
    browser_sign_in(page, live_server.url, staff)
    page.goto(f"{live_server.url}/en/admin/cohorts/community/{community.pk}/change/")
    # jQuery UI, served by the portal, turns each pair of fields into tabs.
    page.wait_for_selector(".ui-tabs")
    assert page.locator("#id_name_fr").input_value() == "Ville de Canmore"
    assert offline == []

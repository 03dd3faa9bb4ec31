"""The home page with the texts staff wrote, in a real browser (Debian's chromium): axe-core
finds no WCAG 2.1 AA violation in either language, with the defaults and after an edit that
leaves the French missing (the English shown is marked with its language)."""

import pytest
from django.apps import apps as django_apps

from staff.models import SiteText
from staff.site_text_defaults import site_texts_create
from tests.meetings.factories import MeetingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def site_texts():
    # A transactional test starts from whatever the last flush left: the migration's rows.
    site_texts_create(django_apps)
    MeetingFactory.create_batch(2)


@pytest.mark.parametrize("path", ["/en/", "/fr/"])
def test_the_home_page_has_no_axe_violations(browser_page, live_server, axe_violations, path):
    page = browser_page
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert page.locator("section h2").count() == 7
    assert page.locator("#upcoming-meetings li").count() == 2
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/en/", "/fr/"])
def test_the_edited_home_page_has_no_axe_violations(
    browser_page, live_server, axe_violations, path
):
    text = SiteText.objects.get(key="home.expect")
    text.title_fr = ""
    text.body_fr = ""
    text.body_en = (
        "<p>Peers <strong>first</strong>, with <em>candour</em>:</p>"
        "<ul><li>one hour</li><li><a href='https://fcm.ca/'>FCM</a></li></ul>"
        "<blockquote>Good company.</blockquote>"
    )
    text.save()
    page = browser_page
    page.goto(live_server.url + path)
    section = page.locator("#home-expect")
    assert section.locator("a[href='https://fcm.ca/']").count() == 1
    if path == "/fr/":
        assert section.locator("h2[lang='en']").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("path", "register"), [("/en/", "/en/register/"), ("/fr/", "/fr/inscription/")]
)
def test_the_home_page_works_by_keyboard_alone(browser_page, live_server, path, register):
    """From the top of the page, Tab reaches the skip link first, then every link of the
    sections in order; Enter on "Ask to join" opens the registration form."""
    page = browser_page
    page.goto(live_server.url + path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    for _step in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == register and (
            page.evaluate("document.activeElement.closest('main') !== null")
        ):
            break
    else:
        pytest.fail("The home page's join button cannot be reached by keyboard.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(register)
    assert page.locator("form input[name='first_name']").count() == 1

"""Debian's chromium on the deployed portal: gunicorn, the production settings and their
Content-Security-Policy, secure cookies, the staff's second factor — in both languages.

The browser reaches gunicorn as the TLS proxy would forward it (``X-Forwarded-Proto: https``);
every page it opens must load without a single policy violation.
"""

import pytest

from tests.conftest import csp_watch
from tests.deployed.conftest import totp_code
from tests.deployed.people import PASSWORD, person_member, person_pending, person_staff
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def deployed_page(browser, site):
    context = browser.new_context(
        locale="en-CA",
        timezone_id="America/Toronto",
        base_url=f"http://localhost:{site.port}",
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    context.set_default_timeout(15_000)
    violations = csp_watch(context)
    page = context.new_page()
    try:
        yield page
        page.wait_for_timeout(100)
    finally:
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


def _sign_in(page, email, language="en", secret=None):
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    if secret is not None:
        assert "/accounts/2fa/authenticate/" in page.url, page.url
        page.locator("input[name=code]").fill(totp_code(secret))
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()


PUBLIC = {
    "en": ["/en/", "/en/meetings/", "/en/cohorts/", "/en/cohorts/map/", "/en/register/",
           "/en/accounts/login/", "/en/accounts/password/reset/", "/en/privacy/"],
    "fr": ["/fr/", "/fr/rencontres/", "/fr/cohortes/", "/fr/cohortes/carte/",
           "/fr/inscription/", "/fr/accounts/login/", "/fr/accounts/password/reset/"],
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_load_within_the_policy(deployed_page, language):
    MeetingFactory()
    for path in PUBLIC[language]:
        response = deployed_page.goto(path)
        assert response.status == 200, path
        assert deployed_page.locator("html").get_attribute("lang") == language
        assert "script-src" in response.headers["content-security-policy"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_member_signs_in_answers_and_sees_the_feed_within_the_policy(deployed_page, language):
    member = person_member(user__preferred_language=language)
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=member.user)
    page = deployed_page
    _sign_in(page, member.email, language)
    assert page.url.endswith("/en/me/" if language == "en" else "/fr/mon-espace/"), page.url
    session_cookies = [c for c in page.context.cookies() if c["name"].endswith("sessionid")]
    assert [(c["name"], c["secure"], c["httpOnly"]) for c in session_cookies] == [
        ("__Host-sessionid", True, True)
    ]
    page.locator("form:has(input[name=response][value=accepted]) button").first.click()
    page.wait_for_load_state()
    invitation = meeting.invitations.get(user=member.user)
    assert invitation.response == "accepted"


def test_staff_sign_in_with_their_second_factor_and_review_within_the_policy(deployed_page):
    staff = person_staff(superuser=True, email="lead@peernet.example")
    waiting = person_pending(user__first_name="Noémie", user__email="noemie@gatineau.ca")
    page = deployed_page
    page.goto("/en/admin/")
    assert "/en/accounts/login/" in page.url  # the admin's own form is gone
    _sign_in(page, staff.email, secret=staff.totp_secret)
    page.goto("/en/admin/")
    assert page.locator("#site-name").count() == 1
    page.goto("/en/admin/members/registration/")
    assert "Noémie" in page.content()
    page.goto(f"/fr/admin/members/registration/{waiting.user.registration.pk}/change/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/en/admin/outbox/outboxmessage/")
    page.goto("/en/admin/cohorts/community/add/")  # language tabs (modeltranslation, jQuery UI)
    page.goto("/en/admin/meetings/meeting/add/")  # date and time widgets


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_set_up_their_second_factor_before_the_admin_opens(deployed_page, language):
    """The first visit of a new staff account: password again, the authenticator app's secret,
    a code from it, and only then the admin."""
    staff = person_staff(with_totp=False, superuser=True, email="new@peernet.example")
    page = deployed_page
    _sign_in(page, staff.email, language)
    page.goto(f"/{language}/admin/")
    assert page.locator("#site-name").count() == 0
    assert "/accounts/reauthenticate/" in page.url, page.url
    assert page.locator("html").get_attribute("lang") == language
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url, page.url
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert staff.user.authenticator_set.filter(type="totp").exists()
    page.goto(f"/{language}/admin/")
    assert page.locator("#site-name").count() == 1, page.url

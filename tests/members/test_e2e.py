"""Registration in a real browser (Debian's chromium), in both languages, checked by axe-core."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from members.models import Registration
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_registration(page, *, email, language_value, consent=True):
    page.locator("#id_first_name").fill("Tsiorakwisti")
    page.locator("#id_last_name").fill("Kanien'kehá:ka")
    page.locator("#id_email").fill(email)
    page.locator("#id_job_title").fill("Climate officer")
    page.locator("#id_organisation_name").fill("Mohawk Council of Kahnawake")
    page.locator("#id_organisation_kind").select_option("first_nation")
    page.locator("#id_province").select_option("QC")
    page.locator(f"input[name=preferred_language][value={language_value}]").check()
    page.locator("#id_password1").fill("a-Long-passphrase-2026")
    page.locator("#id_password2").fill("a-Long-passphrase-2026")
    if consent:
        page.locator("#id_privacy_consent").check()


@pytest.mark.parametrize(
    ("language", "path", "heading"),
    [("en", "/en/register/", "Ask to join PeerNet"), ("fr", "/fr/inscription/", "Demander")],
)
def test_register_in_the_browser(
    browser_page, live_server, axe_violations, language, path, heading
):
    page = browser_page
    page.goto(live_server.url + path)
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    assert axe_violations(page) == []

    # Errors first: no consent and a name with markup.
    fill_registration(
        page, email=f"t.{language}@kahnawake.com", language_value=language, consent=False
    )
    page.get_by_label("First name" if language == "en" else "Prénom").fill("<b>bold</b>")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() == 2
    assert page.locator("#id_first_name").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    assert Registration.objects.count() == 0

    fill_registration(page, email=f"t.{language}@kahnawake.com", language_value=language)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile("confirm-email"))
    assert axe_violations(page) == []
    registration = Registration.objects.select_related("user").get()
    assert registration.user.last_name == "Kanien'kehá:ka"
    assert registration.user.preferred_language == language
    assert len(mail.outbox) == 1

    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    assert axe_violations(page) == []
    page.locator("main button[type=submit], main input[type=submit]").first.click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.status == "pending"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_have_no_accessibility_violations(
    browser_page, live_server, axe_violations, language, client
):
    page = browser_page
    public = {
        "en": [
            "/en/",
            "/en/privacy/",
            "/en/accounts/login/",
            "/en/accounts/password/reset/",
            "/en/no-such-page/",
        ],
        "fr": [
            "/fr/",
            "/fr/confidentialite/",
            "/fr/accounts/login/",
            "/fr/accounts/password/reset/",
            "/fr/pas-de-page/",
        ],
    }[language]
    for path in public:
        page.goto(live_server.url + path)
        assert (path, axe_violations(page)) == (path, [])

    member = MemberFactory(user__email=f"member.{language}@gatineau.ca")
    member.user.emailaddress_set.create(email=member.user.email, primary=True, verified=True)
    page.goto(live_server.url + f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(member.user.email)
    page.locator("input[name=password]").fill("correct-horse-battery-9")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    for path in {
        "en": ["/en/me/", "/en/me/profile/", "/en/me/leave/"],
        "fr": ["/fr/mon-espace/", "/fr/mon-espace/profil/", "/fr/mon-espace/quitter/"],
    }[language]:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert (path, axe_violations(page)) == (path, [])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_review_in_the_browser(browser_page, live_server, axe_violations, language):
    from members.choices import FlagCode
    from members.models import RegistrationFlag
    from tests.members.factories import RegistrationFactory, StaffFactory
    from tests.second_factor import browser_sign_in

    staff = StaffFactory(email=f"reviewer.{language}@peernet.example")
    likely = RegistrationFactory(organisation_name="Ville de Gatineau")
    RegistrationFlag.objects.create(
        registration=likely,
        code=FlagCode.KNOWN_GOVERNMENT,
        params={
            "domain": "gatineau.ca",
            "organisation": {"en": "City of Gatineau", "fr": "Ville de Gatineau"},
        },
    )
    doubtful = RegistrationFactory(organisation_name="Green Futures Consulting")
    page = browser_page
    browser_sign_in(page, live_server.url, staff, language=language)

    page.goto(f"{live_server.url}/{language}/admin/members/registration/")
    assert axe_violations(page) == []
    page.locator(f"button[formaction$='/registration/{likely.pk}/approve/']").click()
    page.wait_for_load_state()
    likely.refresh_from_db()
    assert likely.status == "approved"
    assert likely.decided_by == staff

    page.goto(f"{live_server.url}/{language}/admin/members/registration/{doubtful.pk}/change/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/{language}/admin/members/registration/{doubtful.pk}/reject/")
    assert axe_violations(page) == []
    page.locator("#id_reason").fill("Consultants are not eligible.")
    page.locator("input[type=submit].default").click()
    page.wait_for_load_state()
    doubtful.refresh_from_db()
    assert (doubtful.status, doubtful.decision_reason) == (
        "rejected",
        "Consultants are not eligible.",
    )

"""Staff sign in through allauth (rate limits, lock-out, second factor), are signed out when
idle, and changing an address or a second factor asks for the password again."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.test import Client

from members.middleware import LAST_ACTIVITY_KEY
from tests.conftest import ROOT
from tests.members.factories import MemberFactory, StaffFactory, UserFactory
from tests.second_factor import PASSWORD, totp_code, totp_code_of_secret

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

LOGIN = {"en": "/en/accounts/login/", "fr": "/fr/accounts/login/"}
AUTHENTICATE = {"en": "/en/accounts/2fa/authenticate/", "fr": "/fr/accounts/2fa/authenticate/"}
TOTP_ACTIVATE = {"en": "/en/accounts/2fa/totp/activate/", "fr": "/fr/accounts/2fa/totp/activate/"}
TOO_MANY = {
    "en": "Too many failed login attempts. Try again later.",
    "fr": "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement.",
}


@pytest.fixture
def rate_limits(settings):
    """The test settings switch allauth's limits off; these tests need its defaults."""
    settings.ACCOUNT_RATE_LIMITS = {}


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in(client, user, *, language="en", password=PASSWORD, next_path=None):
    """allauth's login with the password; returns the response (the code step, for staff)."""
    url = LOGIN[language] + (f"?next={next_path}" if next_path else "")
    return client.post(url, {"login": user.email, "password": password})


def _reauthenticate(client, *, language="en"):
    """allauth asks for the password again before a second factor is added or removed, even
    right after signing in: only a confirmation counts, not the sign-in itself."""
    response = client.post(f"/{language}/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The admin's own login form is gone: its address leads to allauth's login.


@pytest.mark.parametrize("language", ["en", "fr"])
def test_admin_login_address_leads_to_allauths_login_keeping_next(client, language):
    staff = StaffFactory()
    target = f"/{language}/admin/members/registration/"
    response = client.get(f"/{language}/admin/login/?next={target}")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN[language]}?next={target.replace('/', '%2F')}"
    # The admin's form fields, even with the right password, sign nobody in.
    response = client.post(
        f"/{language}/admin/login/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN[language] + "?next=")
    assert not _signed_in(client)


def test_opening_the_admin_anonymously_goes_to_allauths_login(client):
    response = client.get("/en/admin/", follow=True)
    assert response.redirect_chain[-1] == ("/en/accounts/login/?next=%2Fen%2Fadmin%2F", 302)
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["en", "fr"])
def test_twenty_wrong_passwords_lock_the_admin_login(client, rate_limits, language):
    staff = StaffFactory()
    for _ in range(20):
        response = client.post(
            f"/{language}/admin/login/", {"username": staff.email, "password": "wrong-guess-1"}
        )
        assert response.status_code == 302  # never the admin's form, never signed in
    login_url = client.get(f"/{language}/admin/login/")["Location"]
    for _ in range(20):
        response = client.post(login_url, {"login": staff.email, "password": "wrong-guess-1"})
        assert response.status_code in (400, 429)
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 400  # the form, shown again with allauth's lock-out
    assert TOO_MANY[language] in response.content.decode()
    assert not _signed_in(client)
    assert client.get(f"/{language}/admin/").status_code == 302


# A second factor before the admin opens.


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Staff must protect their account with two-factor authentication"),
        ("fr", "Les membres du personnel doivent protéger leur compte"),
    ],
)
def test_staff_without_second_factor_is_sent_to_set_one_up(client, language, message):
    staff = StaffFactory(without_mfa=True)
    client.force_login(staff)
    for path in (f"/{language}/admin/", f"/{language}/admin/members/registration/"):
        response = client.get(path)
        assert (path, response.status_code, response["Location"]) == (
            path,
            302,
            TOTP_ACTIVATE[language],
        )
    response = client.get(f"/{language}/admin/members/registration/", follow=True)
    assert any(text.startswith(message) for text in _messages(response))
    # A POST to an admin page changes nothing either.
    response = client.post(f"/{language}/admin/members/user/{staff.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert staff.__class__.objects.filter(pk=staff.pk).exists()


def test_recovery_codes_alone_are_not_a_second_factor(client):
    staff = StaffFactory(without_mfa=True)
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    assert client.get("/en/admin/")["Location"] == TOTP_ACTIVATE["en"]


def test_staff_with_a_security_key_opens_the_admin(client):
    staff = StaffFactory(without_mfa=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(staff)
    assert client.get("/en/admin/").status_code == 200


def test_member_without_second_factor_is_never_forced(client):
    member = MemberFactory().user
    client.force_login(member)
    assert client.get("/en/me/").status_code == 200
    assert client.get("/en/meetings/").status_code == 200
    assert not Authenticator.objects.filter(user=member).exists()


@pytest.mark.parametrize(("language", "heading"), [("en", "Access denied"), ("fr", "Accès refusé")])
def test_signed_in_member_opening_the_admin_gets_a_403_page(client, language, heading):
    """allauth's behaviour: the admin sends non-staff to its login address, which refuses."""
    client.force_login(UserFactory())
    response = client.get(f"/{language}/admin/", follow=True)
    assert response.redirect_chain == [(f"/{language}/admin/login/?next=/{language}/admin/", 302)]
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert _signed_in(client)  # still signed in as the member they are


@pytest.mark.parametrize("language", ["en", "fr"])
def test_login_asks_for_the_code_and_a_right_code_opens_the_admin(client, language):
    staff = StaffFactory()
    response = _sign_in(client, staff, language=language, next_path=f"/{language}/admin/")
    assert (response.status_code, response["Location"]) == (302, AUTHENTICATE[language])
    assert not _signed_in(client)
    assert client.get(f"/{language}/admin/").status_code == 302

    right = totp_code(staff)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(AUTHENTICATE[language], {"code": wrong})
    assert response.status_code == 400
    assert {"en": "Incorrect code.", "fr": "Code incorrect."}[language] in response.content.decode()
    assert not _signed_in(client)

    response = client.post(AUTHENTICATE[language], {"code": right})
    assert (response.status_code, response["Location"]) == (302, f"/{language}/admin/")
    assert _signed_in(client)
    assert client.get(f"/{language}/admin/").status_code == 200
    assert client.get(f"/{language}/admin/members/registration/").status_code == 200


def test_a_code_cannot_be_used_twice(client):
    staff = StaffFactory()
    code = totp_code(staff)
    _sign_in(client, staff)
    assert client.post(AUTHENTICATE["en"], {"code": code}).status_code == 302
    client.logout()
    _sign_in(client, staff)
    assert client.post(AUTHENTICATE["en"], {"code": code}).status_code == 400
    assert not _signed_in(client)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12\x0034", "9" * 5000])
def test_hostile_codes_are_refused_with_a_form_error(client, code):
    staff = StaffFactory()
    _sign_in(client, staff)
    response = client.post(AUTHENTICATE["en"], {"code": code})
    assert response.status_code == 400
    assert not _signed_in(client)


def test_a_recovery_code_works_once(client):
    staff = StaffFactory()
    codes = RecoveryCodes.activate(staff).generate_codes()
    _sign_in(client, staff, next_path="/en/admin/")
    response = client.post(AUTHENTICATE["en"], {"code": codes[0]})
    assert (response.status_code, response["Location"]) == (302, "/en/admin/")
    assert client.get("/en/admin/").status_code == 200
    client.logout()

    _sign_in(client, staff)
    response = client.post(AUTHENTICATE["en"], {"code": codes[0]})
    assert response.status_code == 400
    assert not _signed_in(client)
    assert client.post(AUTHENTICATE["en"], {"code": codes[1]}).status_code == 302
    assert _signed_in(client)


def test_wrong_codes_lock_the_code_step(client, rate_limits):
    staff = StaffFactory()
    _sign_in(client, staff)
    right = totp_code(staff)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post(AUTHENTICATE["en"], {"code": wrong})
        assert (response.status_code, "Incorrect code." in response.content.decode()) == (400, True)
    response = client.post(AUTHENTICATE["en"], {"code": right})
    assert response.status_code == 400
    assert TOO_MANY["en"] in response.content.decode()
    assert not _signed_in(client)


# Idle staff are signed out; members stay signed in.


def _age_last_activity(client, minutes):
    session = client.session
    session[LAST_ACTIVITY_KEY] -= minutes * 60
    session.save()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "You were signed out after 120 minutes without activity. Please sign in again."),
        (
            "fr",
            "Votre connexion a pris fin après 120 minutes d’inactivité. Veuillez vous reconnecter.",
        ),
    ],
)
def test_idle_staff_are_signed_out_and_sent_to_sign_in(client, language, message):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(f"/{language}/admin/").status_code == 200
    _age_last_activity(client, 119)
    assert client.get(f"/{language}/admin/").status_code == 200  # still within the limit
    _age_last_activity(client, 121)
    target = f"/{language}/admin/members/registration/?status__exact=pending"
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{LOGIN[language]}?next=/{language}/admin/members/registration/%3Fstatus__exact%3Dpending"
    )
    assert not _signed_in(client)
    response = client.get(response["Location"])
    assert _messages(response) == [message]


def test_the_idle_limit_is_a_setting(client, settings):
    settings.PEERNET_STAFF_IDLE_MINUTES = 15
    client.force_login(StaffFactory())
    client.get("/en/admin/")
    _age_last_activity(client, 16)
    assert client.get("/en/me/").status_code == 302  # any page, not only the admin
    assert not _signed_in(client)


def test_activity_keeps_a_staff_session_alive(client, settings):
    client.force_login(StaffFactory())
    client.get("/en/admin/")
    for _ in range(3):
        _age_last_activity(client, 100)
        assert client.get("/en/admin/").status_code == 200
    assert _signed_in(client)
    assert client.session.get_expiry_age() < 14 * 24 * 3600


def test_idle_members_keep_their_session(client):
    member = MemberFactory().user
    client.force_login(member)
    assert client.get("/en/me/").status_code == 200
    assert LAST_ACTIVITY_KEY not in client.session
    session = client.session
    session[LAST_ACTIVITY_KEY] = 0  # even a forged value does not sign a member out
    session.save()
    assert client.get("/en/me/").status_code == 200
    assert _signed_in(client)


def test_idle_minutes_and_proxy_settings_come_from_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.PEERNET_STAFF_IDLE_MINUTES, s.ACCOUNT_REAUTHENTICATION_REQUIRED, "
        "s.MFA_REAUTHENTICATION_REQUIRED, s.MFA_SUPPORTED_TYPES, "
        "s.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peernet.settings.production"}
    env |= {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "peernet.example.ca"}
    env.pop("PEERNET_STAFF_IDLE_MINUTES", None)
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    ).stdout
    assert json.loads(output) == [120, True, True, ["totp", "webauthn", "recovery_codes"], False]
    env["PEERNET_STAFF_IDLE_MINUTES"] = "30"
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    ).stdout
    assert json.loads(output)[0] == 30


# Reauthentication before changing an address or a second factor.


@pytest.mark.parametrize("language", ["en", "fr"])
def test_adding_an_email_address_asks_for_reauthentication(client, language):
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    client.force_login(member)  # signed in long ago: no recent authentication
    response = client.post(
        f"/{language}/accounts/email/", {"action_add": "", "email": "other@gatineau.ca"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{language}/accounts/reauthenticate/")
    assert list(member.emailaddress_set.values_list("email", flat=True)) == [member.email]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()
    assert 'name="password"' in page.content.decode()

    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    client.post(f"/{language}/accounts/email/", {"action_add": "", "email": "other@gatineau.ca"})
    assert member.emailaddress_set.filter(email="other@gatineau.ca").exists()


def test_turning_off_the_authenticator_app_asks_for_reauthentication(client):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post("/en/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


# allauth's MFA pages in PeerNet's layout, in both languages, with labels and headings.

ENGLISH_WORDS = {
    "the", "your", "you", "and", "with", "this", "app", "activate", "authenticator",
    "security", "keys", "key", "recovery", "add", "sign", "enter",
}  # fmt: skip


class _PageParser(HTMLParser):
    """Collects what the accessibility checks need from <main>: text, headings, controls."""

    def __init__(self):
        super().__init__()
        self.in_main = 0
        self.skip = 0
        self.text: list[str] = []
        self.headings: list[int] = []
        self.controls: list[dict] = []
        self.labels: set[str] = set()
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "main":
            self.in_main += 1
        if not self.in_main:
            return
        if tag in ("script", "style", "noscript"):
            self.skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if self.in_main and tag in ("script", "style", "noscript"):
            self.skip -= 1

    def handle_data(self, data):
        if self.in_main and not self.skip:
            self.text.append(data)


def _check_page(response, language):
    assert response.status_code == 200
    parser = _PageParser()
    parser.feed(response.content.decode())
    assert parser.html_lang == language
    assert parser.headings and parser.headings[0] == 1 and parser.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(parser.headings, parser.headings[1:], strict=False))
    for control in parser.controls:
        assert control.get("id") in parser.labels or control.get("aria-label"), control
    text = " ".join(parser.text)
    if language == "fr":
        words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
        assert words & ENGLISH_WORDS == set(), text
    return text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mfa_pages_render_in_the_sites_layout(client, language):
    staff = StaffFactory(without_mfa=True, preferred_language=language)
    _sign_in(client, staff, language=language)
    assert _signed_in(client)
    _reauthenticate(client, language=language)
    prefix = f"/{language}/accounts/2fa/"
    for path in ("", "totp/activate/", "webauthn/add/"):
        response = client.get(prefix + path)
        text = _check_page(response, language)
        assert 'class="site-header' in response.content.decode(), path
        assert text.strip(), path
    index = client.get(prefix).content.decode()
    assert {"en": "Authenticator App", "fr": "Application d'authentification"}[language] in (
        index.replace("&#x27;", "'")
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_code_step_and_reauthentication_render_in_both_languages(client, language):
    staff = StaffFactory(preferred_language=language)
    _sign_in(client, staff, language=language)
    _check_page(client.get(AUTHENTICATE[language]), language)
    client.post(AUTHENTICATE[language], {"code": totp_code(staff)})
    assert _signed_in(client)
    RecoveryCodes.activate(staff)
    _reauthenticate(client, language=language)
    for path in ("", "recovery-codes/"):
        _check_page(client.get(f"/{language}/accounts/2fa/{path}"), language)
    other_browser = Client()
    other_browser.force_login(staff)  # signed in there without any recent confirmation
    response = other_browser.get(f"/{language}/accounts/2fa/totp/deactivate/", follow=True)
    assert "/reauthenticate/" in response.redirect_chain[-1][0]
    _check_page(response, language)


def test_member_page_links_to_two_factor_authentication(client):
    member = MemberFactory().user
    client.force_login(member)
    html = client.get("/en/me/").content.decode()
    assert 'href="/en/accounts/2fa/"' in html
    html = client.get("/fr/mon-espace/").content.decode()
    assert 'href="/fr/accounts/2fa/"' in html
    assert "Sécurité de la connexion" in html


# The demo staff account of `make run`.


def test_demo_staff_account_is_sent_to_set_up_totp_then_opens_the_admin(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output = StringIO()
    call_command("demo_admin", stdout=output)
    lines = output.getvalue().splitlines()
    email, password = re.search(r"Staff sign-in: (\S+) / (\S+)", lines[0]).groups()
    assert "authenticator app (TOTP)" in lines[1] and "password once more" in lines[1]

    response = client.get("/en/admin/", follow=True)
    login_url = response.redirect_chain[-1][0]
    response = client.post(login_url, {"login": email, "password": password})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1] == (
        "/en/accounts/reauthenticate/?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
        302,
    )
    response = client.post(response.redirect_chain[-1][0], {"password": password}, follow=True)
    assert response.redirect_chain[-1] == (TOTP_ACTIVATE["en"], 302)
    secret = re.search(
        r'id="authenticator_secret"\s+value="([A-Z2-7]+)"', response.content.decode()
    )
    assert secret
    response = client.post(TOTP_ACTIVATE["en"], {"code": totp_code_of_secret(secret.group(1))})
    assert response.status_code == 302
    assert client.get("/en/admin/").status_code == 200

    output = StringIO()
    call_command("demo_admin", stdout=output)
    assert "TOTP" not in output.getvalue()  # set up already


# In a real browser: the whole staff journey, checked by axe-core.


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_set_up_totp_and_sign_in_in_the_browser(
    browser_page, live_server, axe_violations, language
):
    staff = StaffFactory(without_mfa=True, email=f"new.staff.{language}@peernet.example")
    page = browser_page
    page.goto(f"{live_server.url}/{language}/admin/")
    page.wait_for_url(f"**/{language}/accounts/login/**")
    assert axe_violations(page) == []
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/accounts/reauthenticate/**")
    assert axe_violations(page) == []
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{TOTP_ACTIVATE[language]}")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code_of_secret(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/accounts/2fa/recovery-codes/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/{language}/admin/")
    assert page.url.endswith(f"/{language}/admin/")

    # Signing in again asks for the code, on a page that passes axe-core too.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{LOGIN[language]}")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(f"**{AUTHENTICATE[language]}")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    page.locator("input[name=code]").fill(totp_code(staff))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/me/**" if language == "en" else "**/fr/mon-espace/**")

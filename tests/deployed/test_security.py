"""What an attacker, a mail scanner or a careless proxy set-up could do to the deployed portal.

Each test replays, against gunicorn and the production settings, a weakness found in an earlier
version: reading a password-reset link in the outbox admin, answers recorded by mail scanners,
a throttle that counted the proxy instead of the person, the admin's own unthrottled login, and a
500 on an over-long address.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from meetings.choices import Response
from meetings.models import Invitation
from meetings.tokens import answer_token_make
from peernet.outbox.models import OutboxMessage
from tests.deployed.people import PASSWORD, REGISTRATION, person_member, person_staff
from tests.meetings.factories import InvitationFactory

pytestmark = [pytest.mark.integration]


def test_staff_who_may_read_the_outbox_cannot_read_a_password_reset_link(site):
    superuser = person_staff(superuser=True, email="root@peernet.example")
    viewer = person_staff(permissions=["outbox.view_outboxmessage"], email="clerk@peernet.example")

    response = site.client("198.51.100.7").post(
        "/en/accounts/password/reset/", {"email": superuser.email}
    )
    assert response.status == 302, site.log()
    reset = OutboxMessage.objects.get(to_email=superuser.email)
    link = re.search(r"/accounts/password/reset/key/\S+", reset.body_text or "")
    # What a reader of the outbox would need: the key of the link, as the message was queued.
    key = link.group(0).rstrip("/").rsplit("/", 1)[-1] if link else None

    clerk = site.client("198.51.100.8")
    clerk.login(viewer.email, PASSWORD, totp_secret=viewer.totp_secret)
    pages = [
        clerk.get("/en/admin/outbox/outboxmessage/"),
        clerk.get(f"/en/admin/outbox/outboxmessage/{reset.pk}/change/"),
        clerk.get(f"/en/admin/outbox/outboxmessage/?q={superuser.email}"),
    ]
    assert [page.status for page in pages] == [200, 200, 200]
    assert superuser.email in pages[1].text  # the recipient is shown ...
    for page in pages:  # ... never the link
        assert "/password/reset/key/" not in page.text
        if key:
            assert key not in page.text


def _answer_path(invitation, answer, language="en"):
    token = answer_token_make(user_id=invitation.user_id, meeting_id=invitation.meeting_id)
    with translation.override(language):
        return reverse("meetings:answer", kwargs={"token": token, "answer": answer})


def test_a_mail_scanner_opening_every_link_records_no_answer(site):
    invitation = InvitationFactory(user=person_member().user)
    scanner = site.client("40.94.0.1")
    for method, answer in [("GET", "accept"), ("GET", "decline"), ("HEAD", "accept"),
                           ("HEAD", "decline")]:  # fmt: skip
        response = scanner.request(method, _answer_path(invitation, answer))
        assert response.status == 200, (method, answer, site.log())
    invitation.refresh_from_db()
    assert invitation.response == Response.NEEDS_ACTION

    # The member, from the page the link opened: one button, no session, no CSRF cookie.
    member = site.client("203.0.113.50")
    response = member.request("POST", _answer_path(invitation, "decline"), data={})
    assert response.status in (200, 302, 303), site.log()
    invitation.refresh_from_db()
    assert invitation.response == Response.DECLINED


def test_thirty_failed_sign_ins_from_thirty_people_lock_nobody_else_out(site):
    member = person_member(user__email="jordan@calgary.ca")
    for number in range(30):
        response = site.client(f"198.51.100.{number + 1}").post(
            "/en/accounts/login/",
            {"login": f"someone{number}@gatineau.ca", "password": "not-their-password"},
        )
        assert response.status in (200, 400), response.status
    signed_in = site.client("203.0.113.99")
    response = signed_in.login(member.email, PASSWORD)
    assert (response.status, signed_in.last_path) == (200, "/en/me/")


def test_one_client_that_keeps_failing_is_throttled(site):
    member = person_member(user__email="jordan@calgary.ca")
    attacker = site.client("192.0.2.66")
    for number in range(10):
        attacker.post(
            "/en/accounts/login/", {"login": f"target{number}@gatineau.ca", "password": "guess"}
        )
    response = attacker.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status == 400
    assert "Too many failed login attempts" in response.text
    # French, for a French page.
    response = attacker.post("/fr/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status == 400
    assert "Too many failed login attempts" not in response.text


def test_the_admin_login_is_allauths_and_as_throttled(site):
    staff = person_staff(email="lead@peernet.example")
    attacker = site.client("192.0.2.77")
    response = attacker.get("/en/admin/login/?next=/en/admin/")
    assert response.status == 302
    assert response.location.startswith("/en/accounts/login/")
    statuses = [
        attacker.post("/en/admin/login/", {"username": staff.email, "password": f"x{n}"}).status
        for n in range(3)
    ]
    assert 200 not in statuses  # the admin's own form no longer answers
    for number in range(20):
        attacker.post("/en/accounts/login/", {"login": staff.email, "password": f"wrong{number}"})
    response = attacker.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    # allauth refuses the locked-out sign-in with a form error (a 400 here), not a session.
    assert response.status in (400, 429)
    assert attacker.follow(attacker.get("/en/admin/")).status == 200
    assert attacker.last_path.startswith("/en/accounts/login/")


def test_staff_without_a_second_factor_are_sent_to_set_one_up(site):
    staff = person_staff(with_totp=False, email="newcomer@peernet.example", superuser=True)
    client = site.client("203.0.113.21")
    client.login(staff.email, PASSWORD)
    for path in ["/en/admin/", "/en/admin/members/registration/", "/fr/admin/"]:
        response = client.follow(client.get(path))
        assert response.status == 200
        # allauth asks for the password again before a second factor is added.
        assert "/accounts/reauthenticate/?next=" in client.last_path, (path, client.last_path)
        assert "2fa%2Ftotp%2Factivate" in client.last_path
        assert "Site administration" not in response.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_over_long_address_on_the_reset_form_is_refused_with_a_translated_400(site, language):
    address = "a" * 300 + "@example.com"
    assert len(address) == 312
    client = site.client("203.0.113.31")
    response = client.post(f"/{language}/accounts/password/reset/", {"email": address})
    assert response.status == 400, site.log()
    assert f'lang="{language}"' in response.text
    assert "254" in response.text
    assert OutboxMessage.objects.count() == 0


def test_a_member_signed_in_cannot_answer_with_another_members_link(site):
    """A forwarded invitation: the link names its owner; someone else signed in is refused."""
    owner, other = person_member(), person_member()
    invitation = InvitationFactory(user=owner.user)
    client = site.client("203.0.113.40")
    client.login(other.email, PASSWORD)
    response = client.request("POST", _answer_path(invitation, "accept"), data={})
    assert response.status == 403
    assert Invitation.objects.get(pk=invitation.pk).response == Response.NEEDS_ACTION
    assert not Invitation.objects.filter(user=other.user).exists()


def test_passwords_are_stored_with_argon2id_and_older_hashes_are_upgraded_at_sign_in(site):
    # The people of these tests carry a PBKDF2 hash, as accounts made before Argon2id do.
    member = person_member(user__email="ana@whitehorse.ca")
    assert member.user.password.startswith("pbkdf2_sha256$")
    signed_in = site.client("203.0.113.90")
    assert signed_in.login(member.email, PASSWORD).status == 200
    assert signed_in.get("/en/me/").status == 200, site.log()
    member.user.refresh_from_db()
    assert member.user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

    visitor = site.client("203.0.113.91")
    visitor.get("/en/register/")
    sent = visitor.post("/en/register/", {**REGISTRATION, "email": "new.member@yukon.ca"})
    assert sent.status == 302, site.log()
    stored = get_user_model().objects.get(email="new.member@yukon.ca").password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "The answer of your security key could not be read. Please try again."),
        ("fr", "La réponse de votre clé de sécurité n’a pas pu être lue. Veuillez réessayer."),
    ],
)
def test_an_unreadable_security_key_answer_is_a_translated_400(site, language, refusal):
    member = person_member(user__email="jordan@calgary.ca", user__preferred_language=language)
    client = site.client()
    response = client.login(member.email, PASSWORD, language=language)
    assert response.status == 200, site.log()
    # allauth asks for the password again before a second factor is added.
    client.post(f"/{language}/accounts/reauthenticate/", {"password": PASSWORD})
    path = f"/{language}/accounts/2fa/webauthn/add/"
    assert client.get(path).status == 200, site.log()
    response = client.post(path, {"name": "Key", "credential": '{"id":"AAAA"}'})
    assert response.status == 400, site.log()
    assert refusal in response.text


def test_a_sign_up_with_a_known_address_is_answered_as_one_with_a_new_address(site):
    """Nothing a visitor sees tells a known address from a new one: the same redirect, then
    the same page, save for the address they typed."""
    person_member(user__email="jordan@calgary.ca")
    pages = []
    for client_ip, address in [("203.0.113.71", "new.member@yukon.ca"),
                               ("203.0.113.72", "jordan@calgary.ca")]:  # fmt: skip
        visitor = site.client(client_ip)
        visitor.get("/en/register/")
        sent = visitor.post("/en/register/", {**REGISTRATION, "email": address})
        assert (sent.status, sent.location) == (302, "/en/accounts/confirm-email/"), site.log()
        page = visitor.follow(sent)
        assert page.status == 200
        assert f"Confirmation email sent to {address}." in page.text
        pages.append(page.text.replace(address, "<address>"))
    assert pages[0] == pages[1]
    assert list(OutboxMessage.objects.order_by("pk").values_list("to_email", "purpose")) == [
        ("new.member@yukon.ca", "account.email_confirmation_signup"),
        ("jordan@calgary.ca", "account.account_already_exists"),
    ]

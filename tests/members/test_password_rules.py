"""A password has at least 12 characters, not all spaces, is not a common one and is not made
of the person's names or address: at sign-up, when it is changed, and for the demo account."""

import io
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from members.models import User
from tests.members.factories import MemberFactory
from tests.members.test_account_forms import _fresh_sign_in
from tests.members.test_views import field_errors, nothing_saved, post
from tests.second_factor import PASSWORD

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

TOO_SHORT = {
    "en": "This password is too short. It must contain at least 12 characters.",
    "fr": "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
}
ONLY_SPACES = {
    "en": "Your password cannot be made of spaces only.",
    "fr": "Votre mot de passe ne peut pas être fait uniquement d’espaces.",
}
COMMON = {
    "en": "This password is too common.",
    "fr": "Ce mot de passe est trop courant.",
}


def _refusals(response) -> str:
    return field_errors(response, "password1") or ""


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("password", "refusal"),
    [(" " * 12, ONLY_SPACES), ("\u3000\t " * 4, ONLY_SPACES), ("😀" * 8, TOO_SHORT),
     ("eleven-char", TOO_SHORT), ("qwerty123456", COMMON)],
)  # fmt: skip
def test_sign_up_refuses_a_weak_password_in_both_languages(client, language, password, refusal):
    response = post(client, language, password1=password, password2=password)
    assert response.status_code == 400
    assert refusal[language] in _refusals(response)
    assert nothing_saved()


@pytest.mark.parametrize(
    ("names", "password"),
    [
        ({"first_name": "Marie-Ève", "last_name": "Tremblay-Lavoie"}, "TremblayLavoie"),
        ({"first_name": "Marie-Ève", "last_name": "Tremblay-Lavoie"}, "tremblay-lavoie!"),
        ({"email": "amelie.tremblay@gatineau.ca"}, "amelie.tremblay"),
    ],
)
def test_sign_up_refuses_a_password_made_of_the_persons_names_or_address(client, names, password):
    response = post(client, password1=password, password2=password, **names)
    assert response.status_code == 400
    assert "The password is too similar to the" in _refusals(response)
    assert nothing_saved()


def test_sign_up_takes_a_long_password_of_words(client):
    password = "Rivière  et   montagnes 2026"
    response = post(client, password1=password, password2=password)
    assert response.status_code == 302
    assert User.objects.get().check_password(password)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("password", [" " * 12, "short-pass1"])
def test_changing_the_password_applies_the_same_rules(language, password):
    member = MemberFactory().user
    client = Client()
    _fresh_sign_in(client, member)
    response = client.post(
        f"/{language}/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 400
    expected = ONLY_SPACES if password.isspace() else TOO_SHORT
    assert expected[language] in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_demo_admin_password_passes_the_rules(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output = io.StringIO()
    call_command("demo_admin", stdout=output)
    email, password = re.search(r"Staff sign-in: (\S+) / (\S+)", output.getvalue()).groups()
    validate_password(password, User.objects.get(email=email))


def test_the_fixtures_and_demo_passwords_pass_the_rules():
    member = MemberFactory().user
    for password in (PASSWORD, "peernet-demo-2026", "a-long-and-unusual-passphrase-42"):
        validate_password(password, member)
    with pytest.raises(ValidationError):
        validate_password(" " * 40, member)

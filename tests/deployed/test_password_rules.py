"""The password rules as the deployed portal applies them at sign-up: twelve spaces, eight emoji
and a password made of the person's names are refused with the form again and the reason in the
page's language; a long password of words makes the account."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from members.models import Registration, User
from tests.deployed.people import REGISTRATION

pytestmark = [pytest.mark.integration]

REGISTER = {"en": "/en/register/", "fr": "/fr/inscription/"}
# Names whose parts the address does not repeat: the password below is refused for the names.
NAMED = {"first_name": "Marie-Ève", "last_name": "Tremblay-Lavoie", "email": "mtl@longueuil.ca"}
REFUSALS = {
    "spaces": {
        "en": "Your password cannot be made of spaces only.",
        "fr": "Votre mot de passe ne peut pas être fait uniquement d’espaces.",
    },
    "emoji": {
        "en": "This password is too short. It must contain at least 12 characters.",
        "fr": "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
    },
    "names": {
        "en": "The password is too similar to the last name.",
        "fr": "Le mot de passe est trop semblable au champ «\xa0nom\xa0».",
    },
}
PASSWORDS = {"spaces": " " * 12, "emoji": "😀" * 8, "names": "TremblayLavoie"}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("weakness", ["spaces", "emoji", "names"])
def test_sign_up_with_a_weak_password_is_refused_in_the_pages_language(site, language, weakness):
    password = PASSWORDS[weakness]
    visitor = site.client()
    visitor.get(REGISTER[language])
    response = visitor.post(
        REGISTER[language], {**REGISTRATION, **NAMED, "password1": password, "password2": password}
    )
    assert response.status == 400, site.log()
    assert f'lang="{language}"' in response.text
    assert REFUSALS[weakness][language] in response.text
    assert (User.objects.count(), Registration.objects.count()) == (0, 0)


def test_sign_up_with_a_long_password_of_words_makes_the_account(site):
    password = "Rivière  et   montagnes 2026"
    visitor = site.client()
    visitor.get(REGISTER["en"])
    response = visitor.post(
        REGISTER["en"], {**REGISTRATION, **NAMED, "password1": password, "password2": password}
    )
    assert (response.status, response.location) == (302, "/en/accounts/confirm-email/"), site.log()
    # The test settings know only a fast hasher; the portal stored an Argon2id hash.
    stored = User.objects.get(email=NAMED["email"]).password
    assert Argon2PasswordHasher().verify(password, stored)

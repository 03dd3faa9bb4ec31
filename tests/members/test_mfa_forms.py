"""allauth's second-factor forms as PeerNet sets them (MFA_FORMS): a security key's answer that
cannot be read is a translated form error, and a TOTP code is refused, with a translated "try
again in a moment", while the cache that marks it used cannot answer."""

import json

import pytest
from django.test import Client

from tests.members.factories import MemberFactory, StaffFactory
from tests.members.test_account_forms import _fresh_sign_in
from tests.peernet.test_resilience import _dead_redis_url
from tests.second_factor import PASSWORD, totp_code

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

UNREADABLE = {
    "en": "The answer of your security key could not be read. Please try again.",
    "fr": "La réponse de votre clé de sécurité n’a pas pu être lue. Veuillez réessayer.",
}
CANNOT_CHECK = {
    "en": "Your code cannot be checked right now. Try again in a moment.",
    "fr": "Votre code ne peut pas être vérifié pour l’instant. Réessayez dans un instant.",
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "credential",
    [
        {"id": "AAAA"},
        {"id": "AAAA", "rawId": "AAAA"},
        {"id": "AAAA", "rawId": "AAAA", "response": {}},
        {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
         "response": {"clientDataJSON": "AAAA", "attestationObject": "AAAA"}},
        ["AAAA"],
        "AAAA",
    ],
)  # fmt: skip
def test_an_unreadable_security_key_answer_is_a_form_error(language, credential):
    client = Client()
    _fresh_sign_in(client, MemberFactory().user)
    path = f"/{language}/accounts/2fa/webauthn/add/"
    assert client.get(path).status_code == 200
    response = client.post(path, {"name": "Key", "credential": json.dumps(credential)})
    assert response.status_code == 400
    assert UNREADABLE[language] in response.content.decode()


@pytest.fixture
def cache_away(settings):
    """The cache as deployed, on a Redis that cannot be reached."""
    settings.CACHES = {
        "default": {
            "BACKEND": "peernet.cache.ResilientRedisCache",
            "LOCATION": _dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_totp_code_is_refused_while_the_cache_cannot_mark_it_used(cache_away, language):
    staff = StaffFactory()
    client = Client()
    response = client.post(
        f"/{language}/accounts/login/", {"login": staff.email, "password": PASSWORD}
    )
    assert response["Location"] == f"/{language}/accounts/2fa/authenticate/"
    code = totp_code(staff)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    # A wrong code is answered as the right one is, which must not be told apart meanwhile.
    for attempt in (code, code, wrong):
        response = client.post(f"/{language}/accounts/2fa/authenticate/", {"code": attempt})
        assert response.status_code == 400
        assert CANNOT_CHECK[language] in response.content.decode()
        assert "_auth_user_id" not in client.session

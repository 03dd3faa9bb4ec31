"""Second-factor secrets are stored sealed, and still open after a rotation of SECRET_KEY."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import ImproperlyConfigured

from tests.deployed.conftest import totp_code
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_a_totp_secret_is_not_stored_as_it_is():
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert secret not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    code = totp_code(secret)
    assert totp.validate_code(f"{(int(code) + 500_000) % 1_000_000:06d}") is False
    assert totp.validate_code(code) is True


def test_recovery_codes_come_from_a_sealed_seed():
    user = UserFactory()
    codes = RecoveryCodes.activate(user)
    row = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert row.data["seed"].startswith("gAAAA")
    first = codes.get_unused_codes()[0]
    assert first not in str(row.data)
    assert RecoveryCodes(row).validate_code(first) is True


def test_secrets_sealed_with_a_former_key_open_while_it_is_a_fallback(settings):
    user = UserFactory()
    secret = generate_totp_secret()
    settings.SECRET_KEY = "the-key-of-last-year-" + "x" * 40
    TOTP.activate(user, secret)
    row = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)

    settings.SECRET_KEY = "the-key-of-this-year-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["the-key-of-last-year-" + "x" * 40]
    assert TOTP(row).validate_code(totp_code(secret)) is True

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ImproperlyConfigured):
        TOTP(row).validate_code(totp_code(secret))

"""Signing up with a known address does the same hashing work as with a new one, so that the
time of the answer does not tell which addresses have an account."""

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client

from members.models import Registration
from tests.members.test_views import VALID, post

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def hashings(monkeypatch):
    """Every password the default hasher hashes, in order."""
    hasher_class = type(get_hasher())
    original = hasher_class.encode
    hashed = []

    def encode(self, password, salt, *args, **kwargs):
        hashed.append(password)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher_class, "encode", encode)
    return hashed


def test_a_known_address_hashes_the_password_as_a_new_one_does(hashings):
    new = post(Client())
    new_address = list(hashings)
    hashings.clear()
    known = post(Client(), email=VALID["email"].upper(), password1="another-Passphrase-77",
                 password2="another-Passphrase-77")  # fmt: skip
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    assert Registration.objects.count() == 1
    assert new_address == [VALID["password1"]]
    assert hashings == ["another-Passphrase-77"]

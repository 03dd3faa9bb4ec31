"""People of the deployed tests: accounts that can sign in through allauth (verified address),
staff with a TOTP second factor, and the roles of the access matrix."""

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.utils import timezone

from members.choices import RegistrationStatus
from tests.members.factories import MemberFactory, RegistrationFactory, UserFactory

PASSWORD = "correct-horse-battery-9"
# What a person types into the registration form.
REGISTRATION = {
    "first_name": "Amélie",
    "last_name": "Tremblay",
    "email": "amelie.tremblay@gatineau.ca",
    "job_title": "Analyste en environnement",
    "department": "Environnement",
    "organisation_name": "Ville de Gatineau",
    "organisation_kind": "city",
    "province": "QC",
    "preferred_language": "fr",
    "password1": "a-Long-passphrase-2026",
    "password2": "a-Long-passphrase-2026",
    "privacy_consent": "on",
}


@dataclass
class Person:
    user: object
    totp_secret: str | None = None

    @property
    def email(self) -> str:
        return self.user.email


@cache
def _production_hash() -> str:
    # The test settings hash with MD5 for speed; the deployed portal knows only the production
    # hashers, so its accounts carry a real PBKDF2 hash (computed once for the run).
    return PBKDF2PasswordHasher().encode(PASSWORD, "peernetdeployed")


def _verified(user):
    user.password = _production_hash()
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def person_pending(**kwargs) -> Person:
    return Person(_verified(RegistrationFactory(**kwargs).user))


def person_rejected(**kwargs) -> Person:
    registration = RegistrationFactory(
        status=RegistrationStatus.REJECTED, decided_at=timezone.now(), **kwargs
    )
    return Person(_verified(registration.user))


def person_member(**kwargs) -> Person:
    return Person(_verified(MemberFactory(**kwargs).user))


def person_staff(*, permissions=(), with_totp=True, superuser=False, **kwargs) -> Person:
    """A staff account; `permissions` are "app_label.codename" strings."""
    user = _verified(UserFactory(is_staff=True, is_superuser=superuser, **kwargs))
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    secret = None
    if with_totp:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    return Person(user, secret)

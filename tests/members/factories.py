"""factory_boy factories of the members app (accounts, registrations, known governments)."""

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import is_mfa_enabled
from django.utils import timezone

from members.choices import Language, OrganisationKind, Province, RegistrationStatus
from members.eligibility import mailbox_key, name_key
from members.models import KnownDomain, KnownOrganisation, Registration, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@gatineau.ca")
    first_name = "Amélie"
    last_name = factory.Sequence(lambda n: f"Tremblay{n}")
    preferred_language = Language.EN
    password = factory.django.Password("correct-horse-battery-9")


class StaffFactory(UserFactory):
    """Staff as they must be to open the admin: a verified address and an authenticator app.

    `StaffFactory(without_mfa=True)` is staff who has not set up a second factor yet.
    """

    class Meta:
        skip_postgeneration_save = True  # the hooks below save rows of their own

    class Params:
        without_mfa = factory.Trait(totp=False)

    email = factory.Sequence(lambda n: f"staff{n}@peernet.example")
    first_name = "Robin"
    last_name = "Reviewer"
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.emailaddress_set.get_or_create(
                email=obj.email, defaults={"primary": True, "verified": True}
            )

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted is not False and not is_mfa_enabled(obj, ["totp"]):
            TOTP.activate(obj, generate_totp_secret())


class KnownOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownOrganisation
        skip_postgeneration_save = True

    name_en = "City of Gatineau"
    name_fr = "Ville de Gatineau"
    kind = OrganisationKind.CITY
    province = Province.QC
    domain = factory.RelatedFactory(
        "tests.members.factories.KnownDomainFactory", factory_related_name="organisation"
    )


class KnownDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownDomain
        django_get_or_create = ("domain",)

    domain = "gatineau.ca"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A request awaiting review (e-mail already confirmed)."""

    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    job_title = "Climate advisor"
    department = "Environment"
    organisation_name = "City of Gatineau"
    organisation_kind = OrganisationKind.CITY
    province = Province.QC
    wants_interpretation = False
    privacy_consent_at = factory.LazyFunction(timezone.now)
    privacy_notice_version = "2026-11"
    status = RegistrationStatus.PENDING
    submitted_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)
    person_key = factory.LazyAttribute(lambda o: name_key(o.user.first_name, o.user.last_name))
    mailbox_key = factory.LazyAttribute(lambda o: mailbox_key(o.user.email))


class MemberFactory(RegistrationFactory):
    """An approved member."""

    status = RegistrationStatus.APPROVED
    decided_at = factory.LazyFunction(timezone.now)

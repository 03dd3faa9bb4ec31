"""The eligibility assistant: each flag, with its reason, on realistic requests."""

import pytest
from django.utils import translation

from members import eligibility
from members.choices import FlagCode, OrganisationKind, Province, RegistrationStatus
from tests.members.factories import KnownOrganisationFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def _codes(registration):
    return [finding.code for finding in eligibility.assess(registration)]


@pytest.fixture
def gatineau():
    return KnownOrganisationFactory()


def test_known_government_domain_is_a_positive_signal(gatineau):
    registration = RegistrationFactory(user__email="a.b@gatineau.ca")
    findings = eligibility.assess(registration)
    assert [f.code for f in findings] == [FlagCode.KNOWN_GOVERNMENT]
    assert findings[0].is_positive
    with translation.override("en"):
        assert findings[0].reason == (
            "The domain gatineau.ca belongs to City of Gatineau, a known government."
        )
    with translation.override("fr"):
        assert findings[0].reason == (
            "Le domaine gatineau.ca appartient à Ville de Gatineau, une administration connue."
        )


def test_subdomain_of_known_government_is_recognised(gatineau):
    registration = RegistrationFactory(user__email="a.b@mail.gatineau.ca")
    assert _codes(registration) == [FlagCode.KNOWN_GOVERNMENT]


def test_lookalike_domain_is_not_recognised(gatineau):
    registration = RegistrationFactory(user__email="a.b@gatineau.ca.evil.com")
    assert FlagCode.KNOWN_GOVERNMENT not in _codes(registration)


@pytest.mark.parametrize("domain", ["gmail.com", "hotmail.com", "videotron.ca", "outlook.com"])
def test_personal_webmail_is_flagged(domain):
    registration = RegistrationFactory(user__email=f"someone@{domain}")
    assert _codes(registration) == [FlagCode.WEBMAIL]


def test_domain_that_does_not_match_the_organisation_is_flagged():
    registration = RegistrationFactory(
        user__email="j.doe@acme-consulting.com", organisation_name="Town of Canmore"
    )
    findings = eligibility.assess(registration)
    assert [f.code for f in findings] == [FlagCode.DOMAIN_MISMATCH]
    with translation.override("en"):
        assert findings[0].reason == (
            "The domain acme-consulting.com does not match “Town of Canmore”."
        )


def test_unknown_domain_that_spells_the_organisation_is_not_flagged():
    registration = RegistrationFactory(
        user__email="j.doe@canmore.ca", organisation_name="Town of Canmore"
    )
    assert _codes(registration) == []


def test_accents_do_not_hide_a_match():
    registration = RegistrationFactory(
        user__email="x@ville.levis.qc.ca", organisation_name="Ville de Lévis"
    )
    assert _codes(registration) == []


def test_known_domain_with_another_organisation_name_is_flagged(gatineau):
    registration = RegistrationFactory(
        user__email="x@gatineau.ca", organisation_name="Town of Canmore"
    )
    assert _codes(registration) == [FlagCode.KNOWN_GOVERNMENT, FlagCode.DOMAIN_MISMATCH]


@pytest.mark.parametrize("domain", ["ec.gc.ca", "ontario.ca", "mddelcc.gouv.qc.ca", "gov.bc.ca"])
def test_provincial_and_federal_addresses_are_flagged(domain):
    registration = RegistrationFactory(user__email=f"x@{domain}", organisation_name="Something")
    assert _codes(registration) == [FlagCode.SENIOR_GOVERNMENT]


def test_ineligible_kind_and_foreign_country_are_flagged():
    registration = RegistrationFactory(
        user__email="x@greenco.com",
        organisation_name="GreenCo",
        organisation_kind=OrganisationKind.OTHER,
        province=Province.OUTSIDE,
    )
    findings = eligibility.assess(registration)
    assert [f.code for f in findings] == [FlagCode.KIND_INELIGIBLE, FlagCode.OUTSIDE_CANADA]
    with translation.override("fr"):
        assert "Autre organisation" in findings[0].reason


def test_same_person_with_other_spelling_is_a_duplicate():
    first = RegistrationFactory(
        user=UserFactory(email="eric@gatineau.ca", first_name="Éric", last_name="Côté")
    )
    second = RegistrationFactory(
        user=UserFactory(email="eric.cote@canmore.ca", first_name="eric", last_name="COTE"),
        organisation_name="Town of Canmore",
    )
    findings = eligibility.assess(second)
    assert [f.code for f in findings] == [FlagCode.DUPLICATE_PERSON]
    assert findings[0].params == {"others": first.user.email}


def test_withdrawn_requests_are_not_duplicates():
    RegistrationFactory(
        user=UserFactory(email="eric@gatineau.ca", first_name="Éric", last_name="Côté"),
        status=RegistrationStatus.WITHDRAWN,
    )
    second = RegistrationFactory(
        user=UserFactory(email="eric2@gatineau.ca", first_name="Éric", last_name="Côté")
    )
    assert FlagCode.DUPLICATE_PERSON not in _codes(second)


def test_plus_addressing_is_the_same_mailbox():
    RegistrationFactory(user=UserFactory(email="sam@gatineau.ca", last_name="Ng"))
    second = RegistrationFactory(
        user=UserFactory(email="sam+peernet@gatineau.ca", first_name="Samuel", last_name="Ngo")
    )
    assert _codes(second) == [FlagCode.DUPLICATE_ADDRESS]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("Jane.Doe+Tag@Calgary.CA", "jane.doe@calgary.ca"),
        ("plain@x.ca", "plain@x.ca"),
    ],
)
def test_mailbox_key(email, expected):
    assert eligibility.mailbox_key(email) == expected


def test_name_key_folds_case_accents_and_punctuation():
    assert eligibility.name_key("Sḵwx̱wú7mesh", "Kanien'kehá:ka") == "skwxwu7mesh kanien keha ka"
    assert eligibility.name_key("SKWXWU7MESH", "KANIEN’KEHÁ:KA") == "skwxwu7mesh kanien keha ka"


@pytest.mark.parametrize(
    "email", ["a.b@gatineau.ca.evil.com", "a.b@gatineau-ca.com", "a.b@villegatineau.ca"]
)
def test_lookalike_domain_of_the_named_known_government_is_a_mismatch(gatineau, email):
    registration = RegistrationFactory(user__email=email, organisation_name="Ville de Gatineau")
    findings = eligibility.assess(registration)
    assert [f.code for f in findings] == [FlagCode.DOMAIN_MISMATCH]
    domain = email.rpartition("@")[2]
    with translation.override("en"):
        assert findings[0].reason == (
            f"The domain {domain} does not match “Ville de Gatineau”, whose known domains are: "
            "gatineau.ca."
        )
    with translation.override("fr"):
        assert findings[0].reason == (
            f"Le domaine {domain} ne correspond pas à «\u00a0Ville de Gatineau\u00a0», dont les "
            "domaines connus sont\u00a0: gatineau.ca."
        )


@pytest.mark.parametrize("domain", ["notalberta.ca", "myontario.ca", "xgnb.ca"])
def test_town_domain_ending_like_a_province_is_not_senior_government(domain):
    registration = RegistrationFactory(user__email=f"x@{domain}", organisation_name="Something")
    assert FlagCode.SENIOR_GOVERNMENT not in _codes(registration)


@pytest.mark.parametrize("domain", ["quebec.ca", "saskatchewan.ca", "mail.gov.sk.ca", "gc.ca"])
def test_more_provincial_and_federal_domains_are_flagged(domain):
    registration = RegistrationFactory(user__email=f"x@{domain}", organisation_name="Something")
    assert _codes(registration) == [FlagCode.SENIOR_GOVERNMENT]


def test_internationalised_domain_is_recognised_in_either_spelling():
    KnownOrganisationFactory(name_en="Town of Été", name_fr="Ville d’Été", domain__domain="été.ca")
    for email in ("x@été.ca", "y@xn--t-9fab.ca", "z@MAIL.ÉTÉ.CA"):
        registration = RegistrationFactory(user__email=email, organisation_name="Ville d’Été")
        assert _codes(registration) == [FlagCode.KNOWN_GOVERNMENT], email

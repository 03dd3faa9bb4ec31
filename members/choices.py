"""Enumerations of the members app (the bottom layer: imports only the portal's plumbing)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# One enumeration of the two languages for the whole portal; imported here for this app.
from peernet.languages import Language as Language


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting e-mail confirmation")
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrganisationKind(models.TextChoices):
    CITY = "city", pgettext_lazy("kind of government", "City")
    TOWN = "town", pgettext_lazy("kind of government", "Town")
    VILLAGE = "village", pgettext_lazy("kind of government", "Village")
    MUNICIPALITY = "municipality", _("Other municipality (township, rural municipality, parish…)")
    COUNTY = "county", _("County")
    REGIONAL_MUNICIPALITY = "regional_municipality", _("Regional municipality")
    REGIONAL_DISTRICT = "regional_district", _("Regional district")
    DISTRICT = "district", _("District municipality")
    MRC = "mrc", _("Regional county municipality (MRC)")
    BOROUGH = "borough", _("Borough")
    FIRST_NATION = "first_nation", _("First Nation band office")
    METIS_SETTLEMENT = "metis_settlement", _("Métis settlement")
    INUIT_COMMUNITY = "inuit_community", _("Inuit community government")
    SELF_GOVERNING_NATION = "self_governing_nation", _("Self-governing Indigenous nation")
    INDIGENOUS_OTHER = "indigenous_other", _("Other Indigenous community government")
    OTHER = "other", _("Other organisation (not a local or Indigenous government)")


ELIGIBLE_KINDS = frozenset(OrganisationKind.values) - {OrganisationKind.OTHER}


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")
    OUTSIDE = "XX", _("Outside Canada")


class FlagCode(models.TextChoices):
    """What the eligibility assistant can say about a request."""

    KNOWN_GOVERNMENT = "known_government", _("Known government domain")
    WEBMAIL = "webmail", _("Personal webmail address")
    DOMAIN_MISMATCH = "domain_mismatch", _("E-mail domain does not match organisation")
    SENIOR_GOVERNMENT = "senior_government", _("Provincial or federal government address")
    KIND_INELIGIBLE = "kind_ineligible", _("Kind of organisation not eligible")
    OUTSIDE_CANADA = "outside_canada", _("Outside Canada")
    DUPLICATE_PERSON = "duplicate_person", _("Possible duplicate person")
    DUPLICATE_ADDRESS = "duplicate_address", _("Second request from the same mailbox")


POSITIVE_FLAGS = frozenset({FlagCode.KNOWN_GOVERNMENT})

"""Enumerations of the cohorts app (imports only the portal's plumbing and members' choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# One enumeration of the two languages for the whole portal; imported here for this app.
from peernet.languages import Language as Language


class RoadmapStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    COMING_SOON = "coming_soon", _("Coming soon")
    NONE = "none", pgettext_lazy("roadmap status", "Not yet planned")


class RoadmapLanguage(models.TextChoices):
    """The language(s) a roadmap document exists in."""

    EN = "en", _("English only")
    FR = "fr", _("French only")
    BOTH = "both", _("English and French")


class RoadmapFilter(models.TextChoices):
    """What a visitor can filter the list by: a language the roadmap is published in."""

    EN = "en", _("Roadmap available in English")
    FR = "fr", _("Roadmap available in French")
    COMING_SOON = "coming_soon", _("Roadmap coming soon")


class InterestStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("expression of interest", "New")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Offered a place in a cohort")
    CLOSED = "closed", _("Closed")

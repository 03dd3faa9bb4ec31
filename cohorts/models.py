"""Cohorts of the circular-economy programme, their community profiles and the programme itself.

Fields that staff write in both languages are registered in :mod:`cohorts.translation`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from members.choices import OrganisationKind, Province
from peernet.languages import language_codes
from peernet.text import search_fold

from .choices import InterestStatus, Language, RoadmapLanguage, RoadmapStatus
from .richtext import rich_text_clean
from .uploads import (
    logo_upload_to,
    logo_validate,
    partner_logo_upload_to,
    roadmap_upload_to,
    roadmap_validate,
)


def _clean_translated_rich_text(instance, field_name: str) -> None:
    for language in language_codes():
        localized = build_localized_fieldname(field_name, language)
        value = getattr(instance, localized, None)
        # None stays None: modeltranslation falls back to the other language for it.
        if value is not None:
            setattr(instance, localized, rich_text_clean(value))


def search_key(*values: str) -> str:
    """Lower-case text without accents, typographic apostrophes and dashes as typed, so that
    "montreal" finds "Montréal" and "st john's" finds "St. John’s" (peernet.text)."""
    return search_fold(" ".join(value for value in values if value))


class Cohort(models.Model):
    """A yearly group of member communities (2021/22, 2022/23, ...)."""

    label = models.CharField(
        _("label"), max_length=20, unique=True, help_text=_("For example 2021/22.")
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    introduction = models.TextField(_("introduction"), blank=True)
    media_release_url = models.URLField(_("media release"), blank=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["start_year", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="cohort_years_in_order",
                violation_error_message=_("The last year cannot come before the first."),
            ),
        ]

    def __str__(self):
        return self.label


class Community(models.Model):
    """A member community's public profile."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    kind = models.CharField(
        _("kind of government"), max_length=30, choices=OrganisationKind.choices
    )
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_(
            "Paragraphs, bold, italics, lists and links are kept; anything else is removed."
        ),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[logo_validate],
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4000 pixels on each side."),
    )
    website = models.URLField(_("website"), blank=True)
    cohorts = models.ManyToManyField(
        Cohort, related_name="communities", verbose_name=_("cohorts"), blank=True
    )
    organisations = models.ManyToManyField(
        "members.KnownOrganisation",
        related_name="+",
        verbose_name=_("members' organisations"),
        blank=True,
        help_text=_(
            "Governments of the reference list that make up this community; their members see "
            "this profile on their page."
        ),
    )
    roadmap_status = models.CharField(
        _("roadmap"), max_length=12, choices=RoadmapStatus.choices, default=RoadmapStatus.NONE
    )
    roadmap_language = models.CharField(
        _("roadmap language"), max_length=4, choices=RoadmapLanguage.choices, blank=True
    )
    roadmap_document = models.FileField(
        _("roadmap document (PDF)"),
        upload_to=roadmap_upload_to,
        blank=True,
        validators=[roadmap_validate],
        help_text=_("A PDF of at most 20 MB. Leave empty to link to a web page instead."),
    )
    roadmap_url = models.URLField(_("roadmap web page"), blank=True)
    # Accent-free names in both languages and the province, for search: written by
    # cohorts.services.community_save, through which every write of a profile goes.
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(roadmap_status=RoadmapStatus.PUBLISHED) | ~Q(roadmap_language=""),
                name="community_published_roadmap_has_language",
                violation_error_message=_("Say which language a published roadmap is in."),
            ),
            models.CheckConstraint(
                condition=Q(roadmap_status=RoadmapStatus.PUBLISHED)
                | (Q(roadmap_document="") & Q(roadmap_url="")),
                name="community_roadmap_link_only_when_published",
                violation_error_message=_(
                    "A roadmap document or link can only be given when the roadmap is published."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _clean_translated_rich_text(self, "description")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cohorts:community", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.province == Province.OUTSIDE:
            # The programme's communities are Canadian: the public filters and the map
            # know only the provinces and territories.
            raise ValidationError(
                {"province": _("Choose the province or territory of the community.")}
            )

    @property
    def roadmap_link(self) -> str:
        if self.roadmap_document:
            return self.roadmap_document.url
        return self.roadmap_url

    @property
    def roadmap_hreflang(self) -> str:
        """The ``hreflang`` of a roadmap that exists in one language only."""
        if self.roadmap_language in (RoadmapLanguage.EN, RoadmapLanguage.FR):
            return self.roadmap_language
        return ""


class PartnerGovernment(models.Model):
    """One of the governments that joined together as one community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="partners", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind of government"), max_length=30, choices=OrganisationKind.choices, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("partner government")
        verbose_name_plural = _("partner governments")
        ordering = ["community", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "position"], name="partner_government_position_unique"
            ),
        ]

    def __str__(self):
        return self.name


class ProgrammeSession(models.Model):
    """A foundational peer session that every cohort follows."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("foundational session")
        verbose_name_plural = _("foundational sessions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class ActionGroup(models.Model):
    """A thematic action group (circular food systems, built environment, ...)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    communities = models.ManyToManyField(
        Community, related_name="action_groups", verbose_name=_("communities"), blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("thematic action group")
        verbose_name_plural = _("thematic action groups")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _clean_translated_rich_text(self, "description")
        super().save(*args, **kwargs)


class Advisor(models.Model):
    """A circular-economy expert who coaches communities."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    biography = models.TextField(
        _("biography"),
        blank=True,
        help_text=_(
            "Paragraphs, bold, italics, lists and links are kept; anything else is removed."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    action_groups = models.ManyToManyField(
        ActionGroup, related_name="advisors", verbose_name=_("action groups"), blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("advisor")
        verbose_name_plural = _("advisors")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _clean_translated_rich_text(self, "biography")
        super().save(*args, **kwargs)


class ProgrammePartner(models.Model):
    """An organisation that runs or funds the programme."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to=partner_logo_upload_to,
        blank=True,
        validators=[logo_validate],
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4000 pixels on each side."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ExpressionOfInterest(models.Model):
    """A community's request to join a future cohort, worked by staff in the admin."""

    contact_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    job_title = models.CharField(_("job title"), max_length=150)
    government_name = models.CharField(_("government"), max_length=200)
    government_kind = models.CharField(
        _("kind of government"), max_length=30, choices=OrganisationKind.choices
    )
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    motivation = models.TextField(_("why the community wants to join"), max_length=3000)
    language = models.CharField(
        _("language of correspondence"), max_length=2, choices=Language.choices
    )
    privacy_consent_at = models.DateTimeField(_("consented to the privacy notice at"))
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=20, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=InterestStatus.choices, default=InterestStatus.NEW
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.government_name} ({self.contact_name})"

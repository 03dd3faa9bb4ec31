"""What staff write and keep: the texts of the public pages (the home page's sections, the
short introductions of the meetings and cohorts pages, the facts of the privacy notice) and the
register of confidentiality incidents.

Each text has a fixed key that a template asks for; staff change the words, in English and
French (:mod:`staff.translation`), never the set of keys, which the migrations create from
:mod:`staff.site_text_defaults`. What is computed (the upcoming meetings and their times) stays
in the templates.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from peernet.languages import language_codes
from peernet.richtext import page_text_clean
from peernet.text import one_line


class SiteTextKey(models.TextChoices):
    HOME_PURPOSE = "home.purpose", _("Home page: why the network exists")
    HOME_EXPECT = "home.expect", _("Home page: what members can expect")
    HOME_KNOW = "home.know", _("Home page: what to know")
    HOME_JOIN = "home.join", _("Home page: how to join")
    HOME_CONTACT = "home.contact", _("Home page: contact")
    HOME_LAND = "home.land", _("Home page: land acknowledgement")
    MEETINGS_INTRO = "meetings.intro", _("Meetings page: introduction")
    COHORTS_INTRO = "cohorts.intro", _("Cohorts page: introduction")
    PRIVACY_PURPOSES = (
        "privacy.purposes",
        _("Privacy notice: why personal information is collected"),
    )
    PRIVACY_COLLECTED = "privacy.collected", _("Privacy notice: what is collected")
    PRIVACY_ACCESS = "privacy.access", _("Privacy notice: who has access")
    PRIVACY_STORAGE = "privacy.storage", _("Privacy notice: where it is stored")
    PRIVACY_RIGHTS = "privacy.rights", _("Privacy notice: the person's rights")
    PRIVACY_COMPLAINTS = "privacy.complaints", _("Privacy notice: how to complain")
    PRIVACY_OFFICER = (
        "privacy.officer",
        _("Privacy notice: person in charge of the protection of personal information"),
    )


# Introductions sit under their page's own heading: they have no title of their own.
UNTITLED_KEYS = frozenset({SiteTextKey.MEETINGS_INTRO, SiteTextKey.COHORTS_INTRO})


class SiteText(models.Model):
    """One text of a public page, in both languages."""

    key = models.CharField(_("place"), max_length=40, unique=True, choices=SiteTextKey.choices)
    title = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_("Shown above the text on the home page."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs, bold, italics, lists, quotations and links (https or mailto). "
            "Anything else, such as scripts, images, styles or headings, is removed."
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Sections of the home page are shown in this order.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")

    def __str__(self):
        return self.get_key_display()

    def save(self, *args, **kwargs):
        # Cleaned when stored and again when shown (peernet.richtext): a row written around
        # the model still reaches the page without active content.
        for language in language_codes():
            for field, clean in (("title", one_line), ("body", page_text_clean)):
                localized = build_localized_fieldname(field, language)
                value = getattr(self, localized, None)
                # None stays None: modeltranslation falls back to the other language for it.
                if value is not None:
                    setattr(self, localized, clean(value))
        super().save(*args, **kwargs)

    @property
    def has_title(self) -> bool:
        return self.key not in UNTITLED_KEYS


# Québec's Law 25 (Regulation respecting confidentiality incidents, s. 7) asks that the register
# be kept at least five years after the organisation learned of the incident. A legal minimum,
# not a deployment choice: it is not read from the environment.
INCIDENT_KEPT_YEARS = 5


class ConfidentialityIncident(models.Model):
    """One entry of the register of confidentiality incidents (Law 25, s. 3.8; PIPEDA, s. 10.3).

    Only the model's own permissions open it, and no group is given them: a staff member sees
    the register once an administrator grants ``staff.view_confidentialityincident``. An entry
    younger than :data:`INCIDENT_KEPT_YEARS` cannot be deleted (:mod:`staff.receivers`).
    """

    learned_on = models.DateField(_("date the network learned of it"))
    occurred = models.CharField(
        _("when it happened"),
        max_length=200,
        blank=True,
        help_text=_("A date or a period; leave empty when it is not known."),
    )
    description = models.TextField(_("what happened"))
    information_concerned = models.TextField(_("personal information concerned"))
    people_affected = models.PositiveIntegerField(_("number of people concerned"))
    serious_injury_risk = models.BooleanField(_("risk of serious injury"))
    risk_reasoning = models.TextField(
        _("why (assessment of the risk)"),
        help_text=_(
            "The sensitivity of the information, the foreseeable consequences of its use and "
            "the likelihood that it is used for harm."
        ),
    )
    measures = models.TextField(_("measures taken"), blank=True)
    commission_notified_on = models.DateField(
        _("Commission d'accès à l'information notified on"), null=True, blank=True
    )
    people_notified_on = models.DateField(_("people concerned notified on"), null=True, blank=True)
    notices_detail = models.TextField(
        _("notices given"),
        blank=True,
        help_text=_(
            "To whom and how: the Commission, the Privacy Commissioner of Canada, the people "
            "concerned, or why they were not told."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-learned_on", "-pk"]
        verbose_name = _("confidentiality incident")
        verbose_name_plural = _("confidentiality incidents")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(risk_reasoning=""), name="incident_risk_reasoned"
            ),
        ]

    def __str__(self):
        return f"{self.learned_on:%Y-%m-%d}: {one_line(self.description)[:80]}"

    @property
    def kept_until(self) -> date:
        """The first day the entry may be deleted."""
        try:
            return self.learned_on.replace(year=self.learned_on.year + INCIDENT_KEPT_YEARS)
        except ValueError:  # 29 February: the first day after five full years is 1 March.
            return date(self.learned_on.year + INCIDENT_KEPT_YEARS, 3, 1)

    def may_be_deleted(self, *, today: date) -> bool:
        return today >= self.kept_until


class PrivacyNoticeVersion(models.Model):
    """What the privacy notice said under one version, kept when a first consent names it, so
    that the version recorded with a consent always leads to the words the person read."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    facts = models.JSONField(_("texts staff wrote"))
    periods = models.JSONField(_("retention periods"))
    first_consent_at = models.DateTimeField(_("first consent"), auto_now_add=True)

    class Meta:
        ordering = ["-first_consent_at", "-pk"]
        verbose_name = _("privacy notice version")
        verbose_name_plural = _("privacy notice versions")

    def __str__(self):
        return self.version

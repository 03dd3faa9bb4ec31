"""The texts of the public pages that staff write: the home page's sections and the short
introductions of the meetings and cohorts pages.

Each text has a fixed key that a template asks for; staff change the words, in English and
French (:mod:`staff.translation`), never the set of keys, which the migrations create from
:mod:`staff.site_text_defaults`. What is computed (the upcoming meetings and their times) stays
in the templates.
"""

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

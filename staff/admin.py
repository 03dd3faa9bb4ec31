"""The texts of the public pages in the admin: staff reword them in both languages, with what
to know about each beside it, but never add or delete one."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from peernet.admin_mixins import (
    InvalidFormStatusMixin,
    missing_languages,
    text_is_empty,
    translation_status,
)

from .models import SiteText, SiteTextKey

# What staff should know about a text before rewording it, shown on its change form.
SITE_TEXT_GUIDANCE = {
    SiteTextKey.HOME_KNOW: _(
        "The upcoming meetings and their times follow this section on the home page; they "
        "come from the scheduled meetings and are not written here."
    ),
    SiteTextKey.HOME_JOIN: _("The button that opens the registration form follows this text."),
    SiteTextKey.HOME_CONTACT: _("Give an address that the network’s team reads."),
    SiteTextKey.HOME_LAND: _(
        "This default is a general wording to start from. Adapt it to the territories where "
        "the network’s team lives and works, ideally with the Nations concerned."
    ),
    SiteTextKey.MEETINGS_INTRO: _("Shown under the heading of the meetings page."),
    SiteTextKey.COHORTS_INTRO: _("Shown under the heading of the cohorts page."),
}


def site_text_missing_languages(text: SiteText) -> list[str]:
    """Languages in which a field of ``text`` is empty while the other language has it; the
    page then shows the other language's words."""
    return missing_languages(text, ("title", "body") if text.has_title else ("body",))


class SiteTextAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.has_title and text_is_empty(cleaned.get("title_en")):
            self.add_error("title_en", _("A section of the home page needs a heading."))
        return cleaned


class SiteTextAdmin(InvalidFormStatusMixin, TabbedTranslationAdmin):
    """Staff reword the texts; the set of texts is fixed, so none is added or deleted here."""

    form = SiteTextAdminForm
    list_display = ("place", "title", "translation_status", "order", "updated_at")
    list_display_links = ("place",)
    ordering = ("order", "key")
    readonly_fields = ("key", "guidance", "translation_status", "updated_at")
    fields = ("key", "guidance", "translation_status", "title", "body", "order", "updated_at")

    def get_fields(self, request, obj=None):
        if obj is not None and not obj.has_title:
            # An introduction sits under its page's heading, at its one place on the page.
            return [field for field in self.fields if field not in ("title", "order")]
        return list(self.fields)

    @admin.display(description=_("place"), ordering="order")
    def place(self, obj):
        return obj.get_key_display()

    @admin.display(description=_("about this text"))
    def guidance(self, obj):
        return SITE_TEXT_GUIDANCE.get(obj.key, "")

    @admin.display(description=_("translation"))
    def translation_status(self, obj):
        return translation_status(
            site_text_missing_languages(obj),
            missing_text=_("Missing: %s (the other language is shown)"),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(SiteText, SiteTextAdmin)

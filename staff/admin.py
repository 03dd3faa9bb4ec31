"""What staff write in the admin: the texts of the public pages and of the privacy notice,
reworded in both languages with what to know about each beside it (never added or deleted),
and the register of confidentiality incidents."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from peernet.admin_mixins import (
    InvalidFormStatusMixin,
    ReadOnlyAdminMixin,
    missing_languages,
    text_is_empty,
    translation_status,
)

from .models import ConfidentialityIncident, PrivacyNoticeVersion, SiteText, SiteTextKey

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
    SiteTextKey.PRIVACY_PURPOSES: _(
        "Law 25 and PIPEDA: say every purpose for which personal information is collected. A "
        "change gives the notice a new version, recorded with each later consent."
    ),
    SiteTextKey.PRIVACY_COLLECTED: _("Name every kind of personal information the portal keeps."),
    SiteTextKey.PRIVACY_ACCESS: _(
        "Say which people and which kinds of providers can see personal information."
    ),
    SiteTextKey.PRIVACY_STORAGE: _(
        "Say where the portal, its database and its mail are hosted, and name any place "
        "outside Québec or Canada where personal information goes. How long data is kept is "
        "shown before this text, from the purge's settings, and is not written here."
    ),
    SiteTextKey.PRIVACY_RIGHTS: _(
        "Access, correction, withdrawal of consent, deletion and portability, and how to ask."
    ),
    SiteTextKey.PRIVACY_COMPLAINTS: _(
        "Who receives complaints first, and the Commission d'accès à l'information."
    ),
    SiteTextKey.PRIVACY_OFFICER: _(
        "Give the title and the contact of the person in charge of the protection of personal "
        "information; Law 25 asks that they be published. By default it is the person with the "
        "highest authority in the organisation."
    ),
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


@admin.register(ConfidentialityIncident)
class ConfidentialityIncidentAdmin(InvalidFormStatusMixin, admin.ModelAdmin):
    """The register of confidentiality incidents. Its model's own permissions open it, so a
    staff member without ``view_confidentialityincident`` neither sees it in the menu nor
    reaches its pages; an entry is deleted only once its legal period is over."""

    # Short headings: the fields' own names would push the notices out of sight.
    list_display = (
        "learned",
        "summary",
        "people",
        "serious_risk",
        "commission_notified",
        "people_notified",
    )
    list_display_links = ("learned", "summary")
    list_filter = ("serious_injury_risk",)
    date_hierarchy = "learned_on"
    search_fields = ("description", "information_concerned")
    readonly_fields = ("recorded_by", "recorded_at", "updated_at", "kept_until")
    fieldsets = (
        (_("The incident"), {"fields": ("learned_on", "occurred", "description")}),
        (
            _("Who and what it concerns"),
            {"fields": ("information_concerned", "people_affected")},
        ),
        (
            _("Risk of serious injury"),
            {"fields": ("serious_injury_risk", "risk_reasoning", "measures")},
        ),
        (
            _("Notices"),
            {"fields": ("commission_notified_on", "people_notified_on", "notices_detail")},
        ),
        (_("Record"), {"fields": ("recorded_by", "recorded_at", "updated_at", "kept_until")}),
    )

    @admin.display(description=_("learned of it"), ordering="learned_on")
    def learned(self, obj):
        return obj.learned_on

    @admin.display(description=_("people"), ordering="people_affected")
    def people(self, obj):
        return obj.people_affected

    @admin.display(description=_("serious risk"), boolean=True, ordering="serious_injury_risk")
    def serious_risk(self, obj):
        return obj.serious_injury_risk

    @admin.display(description=_("Commission notified"), ordering="commission_notified_on")
    def commission_notified(self, obj):
        return obj.commission_notified_on

    @admin.display(description=_("people notified"), ordering="people_notified_on")
    def people_notified(self, obj):
        return obj.people_notified_on

    @admin.display(description=_("what happened"))
    def summary(self, obj):
        return str(obj).partition(": ")[2]

    @admin.display(description=_("kept at least until"))
    def kept_until(self, obj):
        return obj.kept_until if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        # Deleting a selection would fail on the first entry still within its period.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.may_be_deleted(today=timezone.localdate()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PrivacyNoticeVersion)
class PrivacyNoticeVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The words of each version a consent names, to read only: they are what people agreed
    to."""

    list_display = ("version", "first_consent_at")
    readonly_fields = ("version", "first_consent_at", "facts", "periods")

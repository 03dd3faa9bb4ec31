"""Staff's tools for cohorts: content in both languages (tabs), logo previews, the profiles
that lack a translation, and the queue of expressions of interest.

Changes of an expression of interest's state go through :mod:`cohorts.services`.
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from peernet.admin_mixins import InvalidFormStatusMixin, missing_languages, translation_status
from peernet.languages import other_language

from . import services
from .choices import InterestStatus
from .forms import CommunityAdminForm, ProgrammePartnerAdminForm
from .models import (
    ActionGroup,
    Advisor,
    Cohort,
    Community,
    ExpressionOfInterest,
    PartnerGovernment,
    ProgrammePartner,
    ProgrammeSession,
)


def missing_language_q(code: str, fields) -> Q:
    other = other_language(code)
    condition = Q()
    for field in fields:
        empty = Q(**{f"{field}_{code}__isnull": True}) | Q(**{f"{field}_{code}": ""})
        present = ~Q(**{f"{field}_{other}__isnull": True}) & ~Q(**{f"{field}_{other}": ""})
        condition |= empty & present
    return condition


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("fr", _("French missing")),
            ("en", _("English missing")),
            ("complete", _("Complete in both languages")),
        ]

    def queryset(self, request, queryset):
        fields = self.model_admin_fields
        if self.value() in ("fr", "en"):
            return queryset.filter(missing_language_q(self.value(), fields))
        if self.value() == "complete":
            return queryset.exclude(missing_language_q("fr", fields)).exclude(
                missing_language_q("en", fields)
            )
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model_admin_fields = model_admin.translation_check_fields
        super().__init__(request, params, model, model_admin)


class TranslationStatusMixin:
    """A column that says which language is missing, for the fields listed below."""

    translation_check_fields: tuple[str, ...] = ()

    @admin.display(description=_("translation"))
    def translation_status(self, obj):
        return translation_status(missing_languages(obj, self.translation_check_fields))


class BadRequestOnInvalidMixin(InvalidFormStatusMixin):
    """A change form sent back with errors answers 400, as the public forms do."""

    # Staff paste addresses without a scheme; they are web sites, so https is the right guess.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class LogoPreviewMixin:
    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        if not obj.logo:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-logo-thumb">', obj.logo.url, _("Logo")
        )

    @admin.display(description=_("current logo"))
    def logo_preview(self, obj):
        if not obj or not obj.logo:
            return _("No logo yet.")
        return format_html(
            '<img src="{}" alt="{}" class="admin-logo-preview">',
            obj.logo.url,
            _("Logo of %s") % obj,
        )


class CohortsAdminMedia:
    css = {"all": ["cohorts/cohorts.css"]}


@admin.register(Cohort)
class CohortAdmin(BadRequestOnInvalidMixin, TabbedTranslationAdmin):
    list_display = ["label", "start_year", "end_year", "community_count"]
    search_fields = ["label"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(community_total=Count("communities"))

    @admin.display(description=_("communities"), ordering="community_total")
    def community_count(self, obj):
        return obj.community_total


class PartnerGovernmentInline(TranslationTabularInline):
    model = PartnerGovernment
    extra = 0
    fields = ["position", "name", "kind", "website"]


@admin.register(Community)
class CommunityAdmin(
    BadRequestOnInvalidMixin, TranslationStatusMixin, LogoPreviewMixin, TabbedTranslationAdmin
):
    form = CommunityAdminForm
    translation_check_fields = ("name", "description")
    list_display = [
        "logo_thumbnail",
        "name",
        "province",
        "kind",
        "cohort_labels",
        "roadmap_status",
        "roadmap_language",
        "translation_status",
    ]
    list_display_links = ["logo_thumbnail", "name"]
    list_filter = [
        MissingTranslationFilter,
        "cohorts",
        "province",
        "roadmap_status",
        "roadmap_language",
        "kind",
    ]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ["cohorts", "organisations"]
    readonly_fields = ["logo_preview", "updated_at"]
    inlines = [PartnerGovernmentInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "province", "population", "website"]}),
        (_("Profile"), {"fields": ["description", "logo_preview", "logo"]}),
        (_("Cohorts and members"), {"fields": ["cohorts", "organisations"]}),
        (
            _("Roadmap"),
            {
                "fields": [
                    "roadmap_status",
                    "roadmap_language",
                    "roadmap_document",
                    "roadmap_url",
                ]
            },
        ),
        (_("Position on the map"), {"fields": ["latitude", "longitude"]}),
        (None, {"fields": ["updated_at"]}),
    ]
    Media = CohortsAdminMedia

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cohorts")

    def save_model(self, request, obj, form, change):
        services.community_save(community=obj)

    @admin.display(description=_("cohorts"))
    def cohort_labels(self, obj):
        return ", ".join(cohort.label for cohort in obj.cohorts.all()) or "—"


@admin.register(ProgrammeSession)
class ProgrammeSessionAdmin(
    BadRequestOnInvalidMixin, TranslationStatusMixin, TabbedTranslationAdmin
):
    translation_check_fields = ("title", "summary")
    list_display = ["title", "position", "translation_status"]
    list_editable = ["position"]
    list_filter = [MissingTranslationFilter]


@admin.register(ActionGroup)
class ActionGroupAdmin(BadRequestOnInvalidMixin, TranslationStatusMixin, TabbedTranslationAdmin):
    translation_check_fields = ("name", "description")
    list_display = ["name", "position", "translation_status"]
    list_filter = [MissingTranslationFilter]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ["communities"]
    search_fields = ["name_en", "name_fr"]


@admin.register(Advisor)
class AdvisorAdmin(BadRequestOnInvalidMixin, TranslationStatusMixin, TabbedTranslationAdmin):
    translation_check_fields = ("role", "organisation", "biography")
    list_display = ["name", "organisation", "position", "translation_status"]
    list_filter = [MissingTranslationFilter, "action_groups"]
    filter_horizontal = ["action_groups"]
    search_fields = ["name", "organisation_en", "organisation_fr"]


@admin.register(ProgrammePartner)
class ProgrammePartnerAdmin(
    BadRequestOnInvalidMixin, TranslationStatusMixin, LogoPreviewMixin, TabbedTranslationAdmin
):
    form = ProgrammePartnerAdminForm
    translation_check_fields = ("name", "description")
    list_display = ["logo_thumbnail", "name", "website", "position", "translation_status"]
    list_display_links = ["logo_thumbnail", "name"]
    list_filter = [MissingTranslationFilter]
    readonly_fields = ["logo_preview"]
    fields = ["name", "description", "website", "logo_preview", "logo", "position"]
    Media = CohortsAdminMedia


def _status_action(status, label):
    def action(modeladmin, request, queryset):
        for interest in queryset:
            services.interest_status_set(interest=interest, status=status, actor=request.user)
        count = queryset.count()
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d request marked “%(status)s”.",
                "%(count)d requests marked “%(status)s”.",
                count,
            )
            % {"count": count, "status": InterestStatus(status).label},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    action.short_description = label
    action.allowed_permissions = ("change",)
    return action


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(BadRequestOnInvalidMixin, admin.ModelAdmin):
    list_display = [
        "government_name",
        "province",
        "government_kind",
        "contact_name",
        "language",
        "submitted_at",
        "status",
    ]
    list_filter = ["status", "province", "government_kind", "language"]
    search_fields = ["government_name", "contact_name", "email"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "contact_name",
        "email",
        "job_title",
        "government_name",
        "government_kind",
        "province",
        "population",
        "motivation",
        "language",
        "privacy_consent_at",
        "privacy_notice_version",
        "submitted_at",
        "handled_by",
        "handled_at",
    ]
    fieldsets = [
        (
            _("Who"),
            {"fields": ["contact_name", "email", "job_title", "language"]},
        ),
        (
            _("Which government"),
            {"fields": ["government_name", "government_kind", "province", "population"]},
        ),
        (_("Why"), {"fields": ["motivation"]}),
        (
            _("Follow-up"),
            {"fields": ["status", "staff_notes", "handled_by", "handled_at"]},
        ),
        (
            _("Record"),
            {"fields": ["submitted_at", "privacy_consent_at", "privacy_notice_version"]},
        ),
    ]
    actions = [
        _status_action(InterestStatus.CONTACTED, _("Mark as contacted")),
        _status_action(InterestStatus.ACCEPTED, _("Mark as offered a place in a cohort")),
        _status_action(InterestStatus.CLOSED, _("Close")),
    ]

    def has_add_permission(self, request):
        # Requests come from the public form, never typed in by staff.
        return False

    def save_model(self, request, obj, form, change):
        status_changed = change and "status" in form.changed_data
        super().save_model(request, obj, form, change)
        if status_changed:
            # The service records who moved the request and when, as the actions do.
            services.interest_status_set(interest=obj, status=obj.status, actor=request.user)

"""The review queue in the Django admin: the list of requests, their page and bulk actions.

Decisions are made through :mod:`members.services` and what the search and the filters find
through :mod:`members.review_selectors`; this module only collects input. The queue's own pages
(approve, reject) are in :mod:`members.admin.registration_views`.
"""

from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, re_path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peernet.spreadsheets import changelist_rows

from .. import eligibility, exports, review_selectors, services
from ..choices import FlagCode, OrganisationKind, Province, RegistrationStatus
from ..models import Registration, RegistrationEvent, review_overdue
from . import registration_views


def _choice_label(choices, value):
    """The label of a stored value, or the value itself when it is no longer a choice."""
    try:
        return choices(value).label
    except ValueError:
        return value


class FlagFilter(admin.SimpleListFilter):
    title = _("eligibility flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [
            (review_selectors.FLAG_LIKELY, _("Likely eligible (known government, no warning)")),
            (review_selectors.FLAG_NONE, _("No flag")),
        ] + list(FlagCode.choices)

    def queryset(self, request, queryset):
        return review_selectors.registrations_flagged(queryset=queryset, flag=self.value())


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [
            ("long", _("More than %(days)s days") % {"days": settings.PEERNET_REVIEW_WARNING_DAYS})
        ]

    def queryset(self, request, queryset):
        if self.value() == "long":
            return queryset.filter(review_overdue())
        return queryset


class RegistrationEventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "organisation",
        "status",
        "flag_badges",
        "days_waiting_display",
        "quick_approve",
    ]
    list_filter = ["status", FlagFilter, WaitingFilter, "province", "organisation_kind"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "organisation_name",
        "job_title",
    ]
    list_select_related = ["user"]
    # Counting every request on each page costs a scan of the table; the filtered count
    # (what the page shows) and the pending count of changelist_view say what staff need.
    show_full_result_count = False
    actions = ["approve_selected", "reject_selected", "refresh_flags", "delete_people"]
    inlines = [RegistrationEventInline]
    readonly_fields = [
        "user",
        "preferred_language",
        "flag_list",
        "status",
        "submitted_at",
        "email_confirmed_at",
        "days_waiting_display",
        "privacy_consent_at",
        "privacy_notice_version",
        "known_organisation",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]
    fieldsets = (
        (None, {"fields": ("user", "preferred_language", "status", "days_waiting_display")}),
        (_("Eligibility"), {"fields": ("flag_list", "known_organisation")}),
        (
            _("Request"),
            {
                "fields": (
                    "job_title",
                    "department",
                    "organisation_name",
                    "organisation_kind",
                    "province",
                    "wants_interpretation",
                )
            },
        ),
        (
            _("Consent and decision"),
            {
                "fields": (
                    "privacy_consent_at",
                    "privacy_notice_version",
                    "submitted_at",
                    "email_confirmed_at",
                    "decided_at",
                    "decided_by",
                    "decision_reason",
                )
            },
        ),
    )
    change_form_template = "admin/members/registration/change_form.html"

    def has_add_permission(self, request):
        return False  # requests come from the public form

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("flags")

    def get_search_results(self, request, queryset, search_term):
        found = review_selectors.registrations_search(queryset=queryset, search_term=search_term)
        return found, False

    @admin.display(description=_("name"), ordering="user__last_name")
    def person(self, obj):
        return format_html("{}<br><small>{}</small>", obj.user.get_full_name(), obj.user.email)

    @admin.display(description=_("organisation"), ordering="organisation_name")
    def organisation(self, obj):
        # The labels from the enumerations: get_FOO_display() hashes every lazy label of the
        # choices on each call, which on a page of a hundred requests is most of its time.
        return format_html(
            "{}<br><small>{}, {}</small>",
            obj.organisation_name,
            _choice_label(OrganisationKind, obj.organisation_kind),
            _choice_label(Province, obj.province),
        )

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("language"))
    def preferred_language(self, obj):
        return obj.user.get_preferred_language_display()

    @admin.display(description=_("flags"))
    def flag_badges(self, obj):
        return format_html_join(
            "",
            '<span class="flag {}" title="{}">{}</span>',
            (
                (
                    "flag-positive" if flag.is_positive else "flag-warning",
                    flag.reason,
                    _choice_label(FlagCode, flag.code),
                )
                for flag in obj.flags.all()
            ),
        )

    @admin.display(description=_("eligibility assistant"))
    def flag_list(self, obj):
        flags = list(obj.flags.all())
        if not flags:
            return _("Nothing to point out.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><span class="flag {}">{}</span> {}</li>',
                (
                    (
                        "flag-positive" if flag.is_positive else "flag-warning",
                        flag.get_code_display(),
                        flag.reason,
                    )
                    for flag in flags
                ),
            ),
        )

    @admin.display(description=_("days waiting"), ordering="submitted_at")
    def days_waiting_display(self, obj):
        days = obj.days_waiting
        if obj.is_review_overdue:
            return format_html('<span class="waiting-long">{} ⚠</span>', days)
        return days

    @admin.display(description=_("decide"))
    def quick_approve(self, obj):
        if RegistrationStatus.APPROVED not in services.registration_next_statuses(registration=obj):
            return ""
        likely = eligibility.is_likely_eligible(flag.code for flag in obj.flags.all())
        # The changelist is one form; formaction sends it (with its CSRF token) to our view.
        return format_html(
            '<button type="submit" class="button{}" formaction="{}" name="approve_one">{}</button>',
            " default" if likely else "",
            reverse("admin:members_registration_approve", args=[obj.pk]),
            _("Approve"),
        )

    def get_urls(self):
        def decision_view(view):
            return self.admin_site.admin_view(partial(view, model_admin=self))

        return [
            path(
                "<int:pk>/approve/",
                decision_view(registration_views.registration_approve_view),
                name="members_registration_approve",
            ),
            path(
                "<int:pk>/reject/",
                decision_view(registration_views.registration_reject_view),
                name="members_registration_reject",
            ),
            re_path(
                rf"^export/(?P<kind>{'|'.join(exports.EXPORTS)})\.(?P<file_format>csv|xlsx)$",
                self.admin_site.admin_view(self.export_view),
                name="members_registration_export",
            ),
        ] + super().get_urls()

    def export_view(self, request, kind, file_format):
        """The requests the queue shows (its filters and search, every page) as a file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        registrations = changelist_rows(self, request)
        if registrations is None:
            return HttpResponseRedirect(reverse("admin:members_registration_changelist") + "?e=1")
        return exports.EXPORTS[kind](registrations=registrations, file_format=file_format)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page offers the decisions the services would accept from the current state.
        allowed = services.registration_next_statuses(registration=obj) if obj else frozenset()
        context["can_approve"] = RegistrationStatus.APPROVED in allowed
        context["can_reject"] = RegistrationStatus.REJECTED in allowed
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Approve the selected requests"))
    def approve_selected(self, request, queryset):
        approved, skipped = 0, 0
        for registration in queryset.select_related("user"):
            try:
                services.registration_approve(registration=registration, reviewer=request.user)
                approved += 1
            except ValidationError:
                skipped += 1
        if approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was approved.", "%(count)d requests were approved.", approved
                )
                % {"count": approved},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was skipped: only pending requests can be approved.",
                    "%(count)d requests were skipped: only pending requests can be approved.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Reject the selected requests…"))
    def reject_selected(self, request, queryset):
        return registration_views.registration_reject_page(
            self, request, list(queryset.select_related("user"))
        )

    def get_actions(self, request):
        # Django's own bulk delete would bypass the services (no history, mail left behind).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False  # people are deleted with their account, through the action below

    @admin.action(
        description=_("Delete the selected people (account, request, history and mail)"),
        permissions=["change"],
    )
    def delete_people(self, request, queryset):
        deleted = 0
        for registration in queryset.select_related("user"):
            try:
                services.member_delete(user=registration.user)
            except services.MemberDeleteError:
                continue  # staff accounts are removed by an administrator, not from the queue
            deleted += 1
        self.message_user(
            request,
            ngettext("%(count)d person was deleted.", "%(count)d people were deleted.", deleted)
            % {"count": deleted},
            messages.SUCCESS,
        )

    @admin.action(description=_("Run the eligibility assistant again"))
    def refresh_flags(self, request, queryset):
        for registration in queryset.select_related("user"):
            services.registration_flags_refresh(registration=registration)
        self.message_user(request, _("The eligibility flags were refreshed."), messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["pending_count"] = review_selectors.registrations_pending_count()
        return super().changelist_view(request, extra_context)

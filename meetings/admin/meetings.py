"""Meetings in the Django admin: scheduling, changes, cancellation, answers and exports.

Staff schedule, change and cancel meetings here; every one of those goes through
:mod:`meetings.services`, which raises the SEQUENCE and mails the members.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, re_path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from peernet.admin_mixins import confirmation_page_render, selection_decide
from peernet.spreadsheets import changelist_rows

from .. import exports, selectors, services
from ..choices import MeetingStatus
from ..models import Meeting
from ..timezones import EASTERN

LANGUAGE_CODES = services.LANGUAGE_CODES
# Who was invited (names, addresses, organisations) is the invitations' to show: the attendee
# lists need that permission as well as the meetings'.
ATTENDEE_LISTS_PERMISSION = "meetings.view_invitation"
# The meetings list's exports that are attendee lists.
ATTENDEE_EXPORTS = frozenset({"attendees"})


class MeetingAdminForm(forms.ModelForm):
    # Declared so that a link typed without its scheme is read as https.
    join_url = forms.URLField(
        label=capfirst(Meeting._meta.get_field("join_url").verbose_name),
        help_text=Meeting._meta.get_field("join_url").help_text,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Meeting
        # What the services let staff edit; modeltranslation adds each language's field.
        fields = list(services.STAFF_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in LANGUAGE_CODES:
            field = self.fields.get(f"title_{code}")
            if field is not None:
                field.required = True
        if "suggested_theme" in self.fields:
            field = self.fields["suggested_theme"]
            field.label_from_instance = lambda theme: (
                ngettext(
                    "%(title)s (%(count)d vote)", "%(title)s (%(count)d votes)", theme.vote_count
                )
                % {"title": theme.title, "count": theme.vote_count}
            )
        for name in ("starts_at", "ends_at"):
            field = self.fields.get(name)
            if field is None:
                continue
            field.help_text = _("Eastern time.")
            # The admin's split widget has one label for two inputs: name each for
            # screen readers.
            subwidgets = getattr(field.widget, "widgets", ())
            for subwidget, part in zip(subwidgets, (_("date"), _("time")), strict=False):
                subwidget.attrs["aria-label"] = f"{capfirst(field.label)}: {part}"


@admin.register(Meeting)
class MeetingAdmin(TranslationAdmin):
    form = MeetingAdminForm
    list_display = [
        "title",
        "starts_eastern",
        "status",
        "invited_count",
        "accepted_count",
        "declined_count",
        "tentative_count",
        "no_answer_count",
        "interpretation_count",
        "attendees_link",
    ]
    list_filter = ["status"]
    search_fields = ["title_en", "title_fr", "theme_en", "theme_fr"]
    date_hierarchy = "starts_at"
    actions = ["cancel_selected"]
    # answers_summary carries the attendee lists' links; staff who may not see them get
    # answers_counts in its place (get_fieldsets, get_readonly_fields).
    readonly_fields = ["status", "sequence", "calendar_uid", "answers_summary"]
    fieldsets = (
        (None, {"fields": ("title", "theme", "suggested_theme", "description")}),
        (_("When"), {"fields": ("starts_at", "ends_at")}),
        (
            _("How to join (members only)"),
            {
                "fields": ("platform", "platform_name", "join_url", "passcode"),
                "description": _(
                    "Changing the time, the title, the platform, the link, the passcode or "
                    "the interpretation sends the update to every member who has not declined."
                ),
            },
        ),
        (_("Language"), {"fields": ("has_interpretation",)}),
        (
            _("Status and answers"),
            {"fields": ("status", "answers_summary", "sequence", "calendar_uid")},
        ),
    )

    def get_queryset(self, request):
        return selectors.meetings_with_counts(super().get_queryset(request))

    def may_export_attendees(self, request) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(
            ATTENDEE_LISTS_PERMISSION
        )

    def _answers_field(self, request) -> str:
        return "answers_summary" if self.may_export_attendees(request) else "answers_counts"

    def get_list_display(self, request):
        if self.may_export_attendees(request):
            return self.list_display
        return [name for name in self.list_display if name != "attendees_link"]

    def get_fieldsets(self, request, obj=None):
        answers = self._answers_field(request)
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        answers if field == "answers_summary" else field
                        for field in options["fields"]
                    ),
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_export_attendees": self.may_export_attendees(request),
        }
        return super().changelist_view(request, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "suggested_theme":
            # Most wanted first, with the vote counts the labels show.
            kwargs["queryset"] = selectors.themes_ranked()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_cancelled:
            # A cancelled meeting is kept as it was; nothing more is sent for it.
            fields = [field.name for field in Meeting._meta.fields] + ["answers_summary"]
        else:
            fields = super().get_readonly_fields(request, obj)
        answers = self._answers_field(request)
        return [answers if field == "answers_summary" else field for field in fields]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not selectors.meeting_deletable(meeting=obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.meeting_delete(meeting=obj, actor=request.user)

    @admin.display(description=_("starts (Eastern time)"), ordering="starts_at")
    def starts_eastern(self, obj):
        return obj.starts_at.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited_count(self, obj):
        return obj.invited_count

    @admin.display(description=_("attending"), ordering="accepted_count")
    def accepted_count(self, obj):
        return obj.accepted_count

    @admin.display(description=_("not attending"), ordering="declined_count")
    def declined_count(self, obj):
        return obj.declined_count

    @admin.display(description=_("maybe"), ordering="tentative_count")
    def tentative_count(self, obj):
        return obj.tentative_count

    @admin.display(description=_("no answer"), ordering="no_answer_count")
    def no_answer_count(self, obj):
        return obj.no_answer_count

    @admin.display(description=_("interpretation requested"), ordering="interpretation_count")
    def interpretation_count(self, obj):
        return obj.interpretation_count

    @admin.display(description=_("attendees"))
    def attendees_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:meetings_meeting_attendees", args=[obj.pk]),
            _("CSV"),
            reverse("admin:meetings_meeting_attendees_xlsx", args=[obj.pk]),
            _("XLSX"),
        )

    @admin.display(description=_("answers"))
    def answers_counts(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        counted = selectors.meetings_with_counts(Meeting.objects.filter(pk=obj.pk)).get()
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {} · {}: {} · {}: {}",
            _("invited"),
            counted.invited_count,
            _("attending"),
            counted.accepted_count,
            _("not attending"),
            counted.declined_count,
            _("maybe"),
            counted.tentative_count,
            _("no answer"),
            counted.no_answer_count,
            _("interpretation requested"),
            counted.interpretation_count,
        )

    @admin.display(description=_("answers"))
    def answers_summary(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            self.answers_counts(obj),
            reverse("admin:meetings_meeting_attendees", args=[obj.pk]),
            _("Export the attendee list (CSV)"),
            reverse("admin:meetings_meeting_attendees_xlsx", args=[obj.pk]),
            _("Export the attendee list (XLSX)"),
        )

    def save_model(self, request, obj, form, change):
        editable = services.EDITABLE_FIELDS
        if change:
            fields = {
                name: form.cleaned_data[name] for name in form.changed_data if name in editable
            }
            saved = services.meeting_update(meeting=obj, actor=request.user, **fields)
        else:
            fields = {name: value for name, value in form.cleaned_data.items() if name in editable}
            saved = services.meeting_create(actor=request.user, **fields)
        obj.pk = saved.pk
        obj.sequence = saved.sequence
        obj.calendar_uid = saved.calendar_uid

    def get_urls(self):
        return [
            path(
                "<int:pk>/attendees.csv",
                self.admin_site.admin_view(self.attendees_view),
                name="meetings_meeting_attendees",
            ),
            path(
                "<int:pk>/attendees.xlsx",
                self.admin_site.admin_view(partial(self.attendees_view, file_format="xlsx")),
                name="meetings_meeting_attendees_xlsx",
            ),
            re_path(
                rf"^export/(?P<kind>{'|'.join(exports.EXPORTS)})\.(?P<file_format>csv|xlsx)$",
                self.admin_site.admin_view(self.export_view),
                name="meetings_meeting_export",
            ),
        ] + super().get_urls()

    def attendees_view(self, request, pk, file_format="csv"):
        if not self.may_export_attendees(request):
            raise PermissionDenied
        # One meeting's list is as long as the membership: streamed, as every export is.
        return exports.meeting_attendees_export(
            meeting=get_object_or_404(Meeting, pk=pk), file_format=file_format
        )

    def export_view(self, request, kind, file_format):
        """The meetings the list shows (its filters, search and dates, every page), or
        everyone invited to them, as a file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind in ATTENDEE_EXPORTS and not self.may_export_attendees(request):
            raise PermissionDenied
        meetings = changelist_rows(self, request)
        if meetings is None:
            return HttpResponseRedirect(reverse("admin:meetings_meeting_changelist") + "?e=1")
        return exports.EXPORTS[kind](meetings=meetings, file_format=file_format)

    @admin.action(description=_("Cancel the selected meetings and tell the members"))
    def cancel_selected(self, request, queryset):
        meetings = list(queryset.filter(status=MeetingStatus.SCHEDULED))
        if request.POST.get("confirm") == "yes":
            cancelled = selection_decide(
                self,
                request,
                rows=meetings,
                decide=lambda meeting: services.meeting_cancel(meeting=meeting, actor=request.user),
            )
            if cancelled:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d meeting was cancelled; the members are being told.",
                        "%(count)d meetings were cancelled; the members are being told.",
                        cancelled,
                    )
                    % {"count": cancelled},
                    messages.SUCCESS,
                )
            return None
        if not meetings:
            self.message_user(
                request, _("Only scheduled meetings can be cancelled."), messages.WARNING
            )
            return None
        return confirmation_page_render(
            self,
            request,
            template="admin/meetings/meeting/cancel.html",
            title=_("Cancel meetings"),
            meetings=meetings,
            queryset=queryset,
        )

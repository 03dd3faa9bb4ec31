"""Members' theme suggestions in the Django admin, and the action that chooses one for a
meeting (:func:`meetings.services.theme_attach`)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peernet.admin_mixins import confirmation_page_render, decision_report

from .. import selectors, services
from ..models import Meeting, Theme


class AttachThemeForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        help_text=_("The theme fills the meeting's theme in its language when that is empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.meetings_open()


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "vote_count",
        "suggested_by",
        "created_at",
        "chosen_for",
        "is_hidden",
    ]
    list_filter = ["is_hidden", "language"]
    search_fields = ["title", "details"]
    readonly_fields = ["suggested_by", "created_at"]
    actions = ["attach_to_meeting"]

    def get_queryset(self, request):
        # Annotated before ordering: the ranking sorts on the vote count.
        return (
            self.model._default_manager.annotate(vote_count=Count("votes", distinct=True))
            .select_related("suggested_by")
            .prefetch_related("meetings")
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["-vote_count", "created_at"]

    @admin.display(description=_("votes"), ordering="vote_count")
    def vote_count(self, obj):
        return obj.vote_count

    @admin.display(description=_("chosen for"))
    def chosen_for(self, obj):
        return ", ".join(str(meeting) for meeting in obj.meetings.all()) or "—"

    @admin.action(description=_("Choose the selected theme for a meeting"))
    def attach_to_meeting(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one theme."), messages.WARNING)
            return None
        theme = queryset.get()
        form = AttachThemeForm(request.POST if "meeting" in request.POST else None)
        if form.is_bound and form.is_valid():
            meeting = form.cleaned_data["meeting"]
            decision_report(
                self,
                request,
                decide=lambda: services.theme_attach(
                    theme=theme, meeting=meeting, actor=request.user
                ),
                success=_("“%(theme)s” is the theme of “%(meeting)s”.")
                % {"theme": theme.title, "meeting": meeting},
            )
            return HttpResponseRedirect(reverse("admin:meetings_theme_changelist"))
        return confirmation_page_render(
            self,
            request,
            template="admin/meetings/theme/attach.html",
            title=_("Choose a theme for a meeting"),
            theme=theme,
            form=form,
            queryset=queryset,
        )

"""What members answered, in the Django admin: invitations and the calendar replies that
reached the organiser's mailbox. Both are evidence, so both are read-only.

A reply's subject, detail and excerpt are shown without anything link-like, also for rows kept
before their text was stored that way (``meetings.replies.redaction``). A reply kept because
its mail proved nothing of its sender is recorded by a staff member's one click, through the
replies' own service, which notes who confirmed it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peernet.admin_mixins import ReadOnlyAdminMixin, selection_decide

from ..models import CalendarReply, Invitation
from ..replies.redaction import link_like_removed
from ..replies.services import calendar_reply_confirm


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was invited and what they answered; answers are the members' own, so read-only."""

    list_display = [
        "meeting",
        "user",
        "response",
        "response_channel",
        "responded_at",
        "delegation",
        "wants_interpretation",
    ]
    list_filter = ["response", "response_channel", "wants_interpretation", "meeting"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["meeting", "user"]

    @admin.display(description=_("delegated to"), ordering="delegated_to")
    def delegation(self, obj):
        return obj.delegated_to or "—"


@admin.register(CalendarReply)
class CalendarReplyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What reached the organiser's mailbox: answers recorded, and what staff should look at
    (forwarded invitations, replies not believed, counter-proposals, other mail). Read-only:
    the messages are evidence, not something to edit."""

    list_display = [
        "received_at",
        "outcome",
        "sender",
        "attendee",
        "partstat",
        "meeting",
        "detail_shown",
    ]
    list_filter = ["outcome", "method", "partstat", "meeting"]
    search_fields = ["sender", "attendee", "subject", "message_id"]
    list_select_related = ["meeting"]
    date_hierarchy = "received_at"
    actions = ["confirm_replies"]
    fields = [
        "received_at",
        "outcome",
        "detail_shown",
        "sender",
        "subject_shown",
        "message_id",
        "method",
        "uid",
        "sequence",
        "attendee",
        "partstat",
        "meeting",
        "invitation",
        "confirmed_by",
        "confirmed_at",
        "excerpt_shown",
    ]
    readonly_fields = fields

    def has_confirm_permission(self, request):
        # Confirming records a member's answer: the permission to change answers.
        return request.user.has_perm("meetings.change_invitation")

    @admin.action(
        description=_("Record the answer of the selected unproven replies"),
        permissions=["confirm"],
    )
    def confirm_replies(self, request, queryset):
        confirmed = selection_decide(
            self,
            request,
            queryset,
            lambda reply: calendar_reply_confirm(reply=reply, confirmed_by=request.user),
        )
        if confirmed:
            self.message_user(
                request,
                ngettext("%(count)d answer recorded.", "%(count)d answers recorded.", confirmed)
                % {"count": confirmed},
                messages.SUCCESS,
            )

    @admin.display(description=_("detail"), ordering="detail")
    def detail_shown(self, obj):
        return link_like_removed(obj.detail)

    @admin.display(description=_("subject"), ordering="subject")
    def subject_shown(self, obj):
        return link_like_removed(obj.subject)

    @admin.display(description=_("excerpt"))
    def excerpt_shown(self, obj):
        return link_like_removed(obj.excerpt)

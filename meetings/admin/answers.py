"""What members answered, in the Django admin: invitations and the calendar replies that
reached the organiser's mailbox. Both are evidence, so both are read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peernet.admin_mixins import ReadOnlyAdminMixin

from ..models import CalendarReply, Invitation


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
        "detail",
    ]
    list_filter = ["outcome", "method", "partstat", "meeting"]
    search_fields = ["sender", "attendee", "subject", "message_id"]
    list_select_related = ["meeting"]
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "outcome",
        "detail",
        "sender",
        "subject",
        "message_id",
        "method",
        "uid",
        "sequence",
        "attendee",
        "partstat",
        "meeting",
        "invitation",
        "excerpt",
    ]

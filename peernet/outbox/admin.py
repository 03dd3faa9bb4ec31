"""What was sent to whom, and when: the outbox in the admin (read-only, with a retry action)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import MessageStatus, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to_email",
        "subject",
        "purpose",
        "language",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "purpose", "language"]
    search_fields = ["to_email", "subject", "purpose"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=MessageStatus.FAILED))
        for message in failed:
            services.message_retry(message=message)
        self.message_user(
            request,
            ngettext(
                "%(count)d message was queued again.",
                "%(count)d messages were queued again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )

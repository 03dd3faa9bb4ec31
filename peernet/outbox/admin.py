"""What was sent to whom, and when: the outbox in the admin (read-only, with a retry action).

Staff who may view the outbox see each message's recipient, subject, purpose and state. The
body (text, HTML, calendar) is shown only to those with the ``view_outboxmessage_body``
permission, and never for a message that carries a credential: a password-reset link read in
the admin is a way into its recipient's account.

Superusers hold every permission, so they read ordinary bodies: refusing them would be for
show, since a superuser can grant themselves the permission. Messages that carry a credential
stay hidden from them too, because nobody needs another person's working link.

Each message also shows its delivery record: the Message-ID it is sent with on every attempt,
when it was last handed to the task queue, and when the mail server accepted it.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import MessageStatus, OutboxMessage

BODY_FIELDS = ("body_text", "body_html", "calendar")
BODY_PERMISSION = "outbox.view_outboxmessage_body"


def body_visible(*, user, message: OutboxMessage | None) -> bool:
    return (
        message is not None
        and not message.carries_secret
        and message.body_erased_at is None
        and user.has_perm(BODY_PERMISSION)
    )


def purposes_stored() -> list[str]:
    """The distinct purposes of the stored messages, read off the purpose index.

    SELECT DISTINCT would read every message; this asks the index for the first purpose, then
    for the first one after it, and so on: one short index lookup per purpose (a "loose index
    scan", peernet/outbox/migrations/0004_admin_indexes.py).
    """
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE found (purpose) AS (
                SELECT MIN(purpose) FROM {table}
                UNION ALL
                SELECT (SELECT MIN(purpose) FROM {table} WHERE purpose > found.purpose)
                FROM found WHERE found.purpose IS NOT NULL
            )
            SELECT purpose FROM found WHERE purpose IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


class PurposeFilter(admin.SimpleListFilter):
    title = _("purpose")
    # The address of Django's own filter on the field, so that saved links keep working.
    parameter_name = "purpose__exact"

    def lookups(self, request, model_admin):
        return [(purpose, purpose) for purpose in purposes_stored()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(purpose=self.value())


class LanguageFilter(admin.SimpleListFilter):
    """The portal's languages, rather than the distinct values of a hundred thousand rows."""

    title = _("language")
    parameter_name = "language__exact"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(language=self.value())


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to_email",
        "subject",
        "purpose",
        "language",
        "status",
        "carries_secret",
        "attempts",
        "sent_at",
    ]
    # The date filter offers fixed periods: a date hierarchy lists the years and months that
    # hold messages, which takes a scan of every message on each page.
    list_filter = [
        "status",
        "carries_secret",
        PurposeFilter,
        LanguageFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    # Never the body: a search that matches on it would tell, guess by guess, what it says.
    # The Message-ID, whole, finds the row of a message that a recipient forwards. Every other
    # field has an index of its own (0004_admin_indexes), so the search reads no whole table.
    search_fields = ["to_email", "subject", "purpose", "=message_id"]
    # Counting every message on each page costs a scan; the filtered count is what staff read.
    show_full_result_count = False
    actions = ["retry_failed"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def lookup_allowed(self, lookup, value, request=None):
        # The admin accepts a filter on any field of the model from the address bar
        # (?body_text__contains=...): on a body, that would read it one guess at a time.
        if lookup.split("__", 1)[0] in BODY_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, obj=None):
        fields = [field.name for field in OutboxMessage._meta.fields if field.name != "id"]
        if body_visible(user=request.user, message=obj):
            return fields
        return [name for name in fields if name not in BODY_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=MessageStatus.FAILED))
        queued = sum(services.message_retry(message=message) for message in failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d message was queued again.",
                "%(count)d messages were queued again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        erased = len(failed) - queued
        if erased:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message cannot be sent again: its body was erased after "
                    "delivery. Its recipient can ask for a new one.",
                    "%(count)d messages cannot be sent again: their body was erased after "
                    "delivery. Their recipients can ask for new ones.",
                    erased,
                )
                % {"count": erased},
                messages.WARNING,
            )

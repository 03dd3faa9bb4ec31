"""Stored e-mail messages and their delivery state."""

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def message_id_new() -> str:
    """A Message-ID header (RFC 5322, 3.6.4) in the sender's domain, unique to one stored row."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "peernet.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutboxMessage(models.Model):
    """One e-mail to one recipient, rendered in the recipient's language before it is stored."""

    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    purpose = models.CharField(
        _("purpose"), max_length=80, help_text=_("What the message is for, e.g. members.welcome.")
    )
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Queuing a second message with the same key does nothing."),
    )
    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        unique=True,
        default=message_id_new,
        editable=False,
        help_text=_(
            "Sent as the message's header on every attempt, so that mail programs show a "
            "message that reached them twice only once."
        ),
    )
    to_email = models.EmailField(_("recipient"))
    from_email = models.CharField(_("sender"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(
        _("calendar"), blank=True, help_text=_("An iCalendar object sent with the message.")
    )
    calendar_method = models.CharField(_("calendar method"), max_length=16, blank=True)
    carries_secret = models.BooleanField(
        _("carries a credential"),
        default=False,
        help_text=_(
            "The message holds a link or code that acts for its recipient (password reset, "
            "address confirmation, one-click answers): its body is never shown and is erased "
            "once delivered."
        ),
    )
    # The moments of the delivery record (peernet/outbox/services reads and writes them):
    # - created_at: when the message was queued; retention counts from it.
    # - next_attempt_at: when it may be sent; the back-off moves it after a temporary error,
    #   and a task that arrives before it does nothing.
    # - dispatched_at: when it was last handed to the broker; the sweep leaves it to that task
    #   while this is recent. Cleared when an attempt begins, when the hand-over failed, and
    #   when the sweep takes back a message whose worker died.
    # - sending_since: when the attempt under way began; the grace for a worker that died
    #   counts from it.
    # - sent_at: when the mail server accepted it (its 250); a row found sending with this set
    #   is marked sent, never resent.
    # - body_erased_at: when the body of a message that carried a credential was erased (with
    #   its delivery); such a message is never sent again.
    body_erased_at = models.DateTimeField(_("body erased"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    dispatched_at = models.DateTimeField(
        _("handed to the task queue"),
        null=True,
        blank=True,
        help_text=_("While this is recent, the sweep leaves the message to the task it queued."),
    )
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(
        _("sent"),
        null=True,
        blank=True,
        help_text=_("When the mail server accepted the message (its 250 reply)."),
    )

    class Meta:
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        # Viewing the outbox is not reading the mail: a body can hold personal details, so
        # reading one is its own permission, given to no group by default.
        permissions = [("view_outboxmessage_body", _("Can read the body of e-mail messages"))]

    def __str__(self):
        return f"{self.purpose} → {self.to_email}"

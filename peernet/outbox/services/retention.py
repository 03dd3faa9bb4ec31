"""How long mail stays in the outbox: delivered and failed mail is forgotten after the
retention period (``outbox.purge``, once a day), and everything stored for a person who leaves
goes at once."""

from django.utils import timezone

from ..models import MessageStatus, OutboxMessage
from .tuning import retention


def messages_purge(*, now=None) -> int:
    """Forget delivered and failed mail after its retention period; returns how many went."""
    now = now or timezone.now()
    deleted, _ = OutboxMessage.objects.filter(
        status__in=[MessageStatus.SENT, MessageStatus.FAILED], created_at__lt=now - retention()
    ).delete()
    return deleted


def messages_forget(*, to_email: str) -> int:
    """Delete every message stored for an address, whatever its state; returns how many went.

    Addresses compare without regard to case: one person may have been written to as
    ``Jo@...`` and as ``jo@...``. Queued messages go too: what was still to be sent to a
    person who left is not sent.
    """
    deleted, _ = OutboxMessage.objects.filter(to_email__iexact=to_email).delete()
    return deleted

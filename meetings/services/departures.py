"""What a member leaving means for their meetings."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import CalendarReply, Invitation
from .feeds import feed_revoke
from .invitations import calendar_mail_queue


@transaction.atomic
def member_departure(*, user) -> None:
    """A member left: their feed stops at once, the upcoming meetings they were sent are removed
    from their calendar (an iTIP CANCEL to the departing attendee, RFC 5546, 3.2.5) so that no
    join link stays with a former member, and they are no longer counted as invited. The
    calendar replies their mailbox sent go too: they are the member's data."""
    feed_revoke(user=user)
    CalendarReply.objects.filter(
        Q(sender__iexact=user.email) | Q(attendee__iexact=user.email)
    ).delete()
    upcoming = Invitation.objects.filter(
        user=user, meeting__ends_at__gt=timezone.now()
    ).select_related("user", "meeting")
    for invitation in upcoming:
        if invitation.sequence_sent is not None and not invitation.meeting.is_cancelled:
            calendar_mail_queue(invitation=invitation, meeting=invitation.meeting, kind="departure")
    upcoming.delete()

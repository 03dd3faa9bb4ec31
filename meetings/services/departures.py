"""What a member leaving means for their meetings."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import CalendarReply, Invitation
from .calendar_kinds import DEPARTURE, Revision
from .calendar_mail import calendar_mail_deliver
from .feeds import feed_revoke


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
    upcoming = Invitation.objects.filter(user=user, meeting__ends_at__gt=timezone.now())
    departing = get_user_model().objects.filter(pk=user.pk)
    sent_meetings = upcoming.filter(sequence_sent__isnull=False)
    for meeting_id in sent_meetings.values_list("meeting_id", flat=True):
        calendar_mail_deliver(
            kind=DEPARTURE, meeting_id=meeting_id, revision=Revision(), members=departing
        )
    upcoming.delete()

"""Telling members who declined a meeting that its date or time has changed.

RFC 5546 lets the organiser leave declined attendees out of an update, and PeerNet
does: their calendar keeps the event as they left it. A new time may suit them, though, so
they get an ordinary e-mail in their language, with no calendar part (their calendar is not
touched), saying when the meeting now takes place, with the links to answer again.

The notice goes out once per member and per revision whose time changed: its deduplication
key names the invitation and the meeting's SEQUENCE at that change. A task that finds the
meeting at another time than the one it was queued for sends nothing, since the later change
queued a task of its own, which tells the newer time.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members import selectors as member_selectors
from peernet.outbox.models import OutboxMessage
from peernet.outbox.services import message_send_templated

from ..choices import MeetingStatus, Response
from ..models import Invitation, Meeting
from .invitations import invitation_mail_context

logger = logging.getLogger(__name__)


def reschedule_dedupe_key(*, invitation: Invitation, sequence: int) -> str:
    return f"meetings.rescheduled:{invitation.pk}:{sequence}"


def meeting_reschedule_notices_send(
    *, meeting_id: int, sequence: int, starts_at: datetime, ends_at: datetime
) -> int:
    """Mail every active member who declined the meeting that it moved to ``starts_at``.

    ``sequence``, ``starts_at`` and ``ends_at`` are the meeting's revision and times as the
    change that moved it left them. Nothing is sent for a meeting that is cancelled, that has
    started, or that has moved again since. Returns how many notices were queued.
    """
    with transaction.atomic():
        invitations = list(
            # The invitations are locked, not the meeting (the order every sender of
            # invitations follows): an answer given meanwhile is read as it is now.
            Invitation.objects.select_for_update(of=("self",))
            .filter(
                meeting_id=meeting_id,
                response=Response.DECLINED,
                sequence_sent__isnull=False,
                user__in=member_selectors.members_active(),
            )
            .select_related("user__registration")
            .order_by("pk")
        )
        if not invitations:
            return 0
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if (
            meeting is None
            or meeting.status != MeetingStatus.SCHEDULED
            or meeting.starts_at <= timezone.now()
            or meeting.sequence < sequence
            or (meeting.starts_at, meeting.ends_at) != (starts_at, ends_at)
        ):
            return 0
        keys = {
            invitation.pk: reschedule_dedupe_key(invitation=invitation, sequence=sequence)
            for invitation in invitations
        }
        # A run twice finds its notices stored and renders nothing again.
        sent = set(
            OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        queued = 0
        for invitation in invitations:
            if keys[invitation.pk] in sent:
                continue
            invitation.meeting = meeting
            user = invitation.user
            language = user.preferred_language
            try:
                message_send_templated(
                    to_email=user.email,
                    template_prefix="meetings/email/rescheduled",
                    context=invitation_mail_context(
                        invitation=invitation, meeting=meeting, language=language
                    ),
                    language=language,
                    purpose="meetings.rescheduled",
                    dedupe_key=keys[invitation.pk],
                    # The links to answer again act for the member.
                    carries_secret=True,
                )
            except ValidationError:
                logger.warning(
                    "The new time of invitation %s was not sent: the member's address cannot "
                    "be sent to.",
                    invitation.pk,
                )
                continue
            queued += 1
        return queued

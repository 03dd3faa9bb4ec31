"""Reminders a week and a day before a meeting, never twice."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from members import selectors as member_selectors
from peernet.outbox.services import message_send_templated

from ..choices import MeetingStatus, ReminderKind, Response
from ..models import Invitation, Meeting, Reminder
from .mail_context import invitation_mail_context

REMINDER_LEAD = {ReminderKind.WEEK: timedelta(days=7), ReminderKind.DAY: timedelta(days=1)}


def _reminder_queue(*, invitation: Invitation, kind: str) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    invitation=invitation, kind=kind
                )
        except IntegrityError:  # the same reminder is being queued by a parallel run
            return False
        if not created:
            return False
        user = invitation.user
        language = user.preferred_language
        meeting = invitation.meeting
        context = invitation_mail_context(invitation=invitation, meeting=meeting, language=language)
        context.update(kind=kind, ReminderKind=ReminderKind, Response=Response)
        message_send_templated(
            to_email=user.email,
            template_prefix="meetings/email/reminder",
            context=context,
            language=language,
            purpose="meetings.reminder",
            dedupe_key=f"meetings.reminder:{invitation.pk}:{kind}",
            carries_secret=True,  # the one-click answer links, when not yet accepted
        )
        return True


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due: 7 days and 1 day before each meeting.

    A reminder is due from its moment until the next one's (or the start); it goes to members
    invited before that moment who have not declined, and a unique row per invitation and
    kind makes a second run, or a parallel one, send nothing.
    """
    now = now or timezone.now()
    sent = 0
    week, day = REMINDER_LEAD[ReminderKind.WEEK], REMINDER_LEAD[ReminderKind.DAY]
    windows = {
        ReminderKind.WEEK: (now + day, now + week),
        ReminderKind.DAY: (now, now + day),
    }
    members = member_selectors.members_active()
    for kind, (after, until) in windows.items():
        meetings = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gt=after, starts_at__lte=until
        )
        for meeting in meetings:
            invitations = (
                meeting.invitations.filter(
                    user__in=members,
                    sequence_sent__isnull=False,
                    created_at__lte=meeting.starts_at - REMINDER_LEAD[kind],
                )
                .exclude(response=Response.DECLINED)
                .exclude(reminders__kind=kind)
                .select_related("user", "user__registration", "meeting")
                .order_by("pk")
            )
            for invitation in invitations:
                sent += _reminder_queue(invitation=invitation, kind=kind)
    return sent

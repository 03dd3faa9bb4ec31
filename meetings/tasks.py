"""Celery tasks of the meetings app: each takes ids, calls one service and is safe to run twice.

The task names are part of the deployed contract (the beat schedule, and tasks waiting in the
broker while a new version is deployed): a task keeps its name and its arguments.
"""

from datetime import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .models import Meeting


# A meeting's mail to every member: the first task lists who lacks it and starts the chunk
# tasks that the workers share (services/calendar_mail.py explains why each chunk is safe to
# run twice, or beside another).
@shared_task(name="meetings.invitations_send")
def meeting_invitations_send_task(meeting_id: int) -> int:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return services.meeting_invitations_fan_out(meeting=meeting) if meeting else 0


@shared_task(name="meetings.invitations_chunk_send", acks_late=True)
def meeting_invitations_chunk_send_task(
    meeting_id: int, sequence: int, after: int | None, upto: int | None
) -> int:
    return services.calendar_mail_chunk_send(
        kind=services.INVITATION,
        meeting_id=meeting_id,
        revision=services.Revision(sequence=sequence),
        after=after,
        upto=upto,
    )


@shared_task(name="meetings.cancellations_send")
def meeting_cancellations_send_task(meeting_id: int) -> int:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return services.meeting_cancellations_fan_out(meeting=meeting) if meeting else 0


@shared_task(name="meetings.cancellations_chunk_send", acks_late=True)
def meeting_cancellations_chunk_send_task(
    meeting_id: int, after: int | None, upto: int | None
) -> int:
    return services.calendar_mail_chunk_send(
        kind=services.CANCELLATION,
        meeting_id=meeting_id,
        revision=services.Revision(),
        after=after,
        upto=upto,
    )


@shared_task(name="meetings.reschedule_notices_send")
def meeting_reschedule_notices_send_task(
    meeting_id: int, sequence: int, starts_at: str, ends_at: str
) -> int:
    return services.meeting_reschedule_notices_send(
        meeting_id=meeting_id,
        sequence=sequence,
        starts_at=datetime.fromisoformat(starts_at),
        ends_at=datetime.fromisoformat(ends_at),
    )


@shared_task(name="meetings.reschedule_notices_chunk_send", acks_late=True)
def meeting_reschedule_notices_chunk_send_task(
    meeting_id: int,
    sequence: int,
    starts_at: str,
    ends_at: str,
    after: int | None,
    upto: int | None,
) -> int:
    revision = services.Revision(
        sequence=sequence,
        starts_at=datetime.fromisoformat(starts_at),
        ends_at=datetime.fromisoformat(ends_at),
    )
    return services.calendar_mail_chunk_send(
        kind=services.NEW_TIME, meeting_id=meeting_id, revision=revision, after=after, upto=upto
    )


@shared_task(name="meetings.member_invitations_send")
def member_invitations_send_task(user_id: int) -> int:
    user = get_user_model().objects.filter(pk=user_id).first()
    return services.member_invitations_send(user=user) if user else 0


@shared_task(name="meetings.reminders_send")
def reminders_send_task() -> int:
    return services.reminders_send()


@shared_task(name="meetings.invitations_sweep")
def invitations_sweep_task() -> int:
    return services.invitations_sweep()

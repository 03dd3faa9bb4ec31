"""Celery tasks of the meetings app: each takes ids, calls one service and is safe to run twice."""

from celery import shared_task

from . import services
from .models import Meeting


@shared_task(name="meetings.invitations_send")
def meeting_invitations_send_task(meeting_id: int) -> int:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return services.meeting_invitations_send(meeting=meeting) if meeting else 0


@shared_task(name="meetings.cancellations_send")
def meeting_cancellations_send_task(meeting_id: int) -> int:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return services.meeting_cancellations_send(meeting=meeting) if meeting else 0


@shared_task(name="meetings.member_invitations_send")
def member_invitations_send_task(user_id: int) -> int:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    return services.member_invitations_send(user=user) if user else 0


@shared_task(name="meetings.reminders_send")
def reminders_send_task() -> int:
    return services.reminders_send()


@shared_task(name="meetings.invitations_sweep")
def invitations_sweep_task() -> int:
    return services.invitations_sweep()

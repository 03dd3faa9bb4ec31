"""Read-only queries about meetings."""

from django.utils import timezone

from .models import Meeting, MeetingStatus


def meeting_next():
    """The next scheduled meeting that has not started, or None."""
    return (
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def meetings_upcoming():
    return Meeting.objects.filter(ends_at__gte=timezone.now()).order_by("starts_at")


def meetings_past():
    return Meeting.objects.filter(ends_at__lt=timezone.now()).order_by("-starts_at")

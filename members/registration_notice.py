"""The registration page's notice about the next meeting, and the rule behind it: a person
should ask to join at least a week before a meeting to be sure of their invitation.

The next meeting comes from whichever app registered in :data:`members.seams.next_meeting_sources`
(meetings does), since members/ does not know the programmes.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .seams import next_meeting_sources

# Members should join at least this long before a meeting to be sure of their invitation.
INVITATION_WINDOW = timedelta(days=7)


def next_meeting():
    """The next scheduled meeting, from the first source that knows one, or None."""
    for source in next_meeting_sources:
        meeting = source()
        if meeting is not None:
            return meeting
    return None


def invitation_window_closing(meeting) -> bool:
    """Whether ``meeting`` starts within the invitation window, so that the page tells the
    visitor to hurry."""
    return bool(meeting and meeting.starts_at - timezone.now() < INVITATION_WINDOW)


def register_notice_changes_at() -> datetime | None:
    """When the registration page's notice about the next meeting changes ("register soon to
    be invited"), if that is still to come; the page cache keeps no copy past it."""
    meeting = next_meeting()
    if meeting is None:
        return None
    moment = meeting.starts_at - INVITATION_WINDOW
    return moment if moment > timezone.now() else None

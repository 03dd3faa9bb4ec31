"""Read-only queries about meetings, invitations, feeds and themes."""

import re
from datetime import timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from members.selectors import member_wants_interpretation, user_is_member

from .choices import MeetingStatus, Response
from .models import CalendarFeed, Invitation, Meeting, Theme, ThemeVote

# Feed tokens are made by secrets.token_urlsafe: anything else is not looked up at all (a NUL
# byte, say, is refused by PostgreSQL with an error rather than found missing).
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")

# A subscribed calendar drops events that leave its feed, so recent meetings stay in it.
FEED_HISTORY = timedelta(days=365)


def meeting_next():
    """The next scheduled meeting that has not started, or None."""
    return (
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def meetings_next_change():
    """The next moment a meeting starts or ends, when lists and pages change; or None."""
    now = timezone.now()
    moments = Meeting.objects.aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return min((moment for moment in moments.values() if moment is not None), default=None)


def meetings_upcoming() -> QuerySet[Meeting]:
    """Meetings not over yet, scheduled or cancelled, soonest first."""
    return Meeting.objects.filter(ends_at__gte=timezone.now()).order_by("starts_at")


def meetings_past() -> QuerySet[Meeting]:
    return Meeting.objects.filter(ends_at__lt=timezone.now()).order_by("-starts_at")


def meetings_open() -> QuerySet[Meeting]:
    """Scheduled meetings that have not started: the ones invitations are sent for."""
    return Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).order_by("starts_at")


def meetings_for_feed() -> QuerySet[Meeting]:
    return Meeting.objects.filter(ends_at__gte=timezone.now() - FEED_HISTORY).order_by("starts_at")


def invitation_for(*, meeting: Meeting, user) -> Invitation | None:
    return Invitation.objects.filter(meeting=meeting, user=user).first()


def meetings_with_counts(queryset: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    """Meetings annotated with the answers staff follow."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    return queryset.annotate(
        invited_count=Count("invitations", distinct=True),
        accepted_count=Count(
            "invitations", filter=Q(invitations__response=Response.ACCEPTED), distinct=True
        ),
        declined_count=Count(
            "invitations", filter=Q(invitations__response=Response.DECLINED), distinct=True
        ),
        tentative_count=Count(
            "invitations", filter=Q(invitations__response=Response.TENTATIVE), distinct=True
        ),
        no_answer_count=Count(
            "invitations", filter=Q(invitations__response=Response.NEEDS_ACTION), distinct=True
        ),
        interpretation_count=Count(
            "invitations",
            filter=Q(invitations__wants_interpretation=True)
            & ~Q(invitations__response=Response.DECLINED),
            distinct=True,
        ),
    )


def meeting_attendees(*, meeting: Meeting) -> QuerySet[Invitation]:
    """Everyone invited to a meeting, with what the CSV export shows."""
    return (
        Invitation.objects.filter(meeting=meeting)
        .select_related("user", "user__registration")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def meeting_deletable(*, meeting: Meeting) -> bool:
    """Once members were invited a meeting is cancelled, never deleted: the CANCEL is what
    removes it from their calendars."""
    return not meeting.invitations.exists()


def feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(*, token: str):
    """The member whose feed has this token, or None (revoked, unknown, or no longer a member)."""
    if not isinstance(token, str) or not FEED_TOKEN.fullmatch(token):
        return None
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not user_is_member(feed.user):
        return None
    return feed.user


def themes_ranked(*, user=None) -> QuerySet[Theme]:
    """Visible themes, most votes first; ``has_voted`` tells whether ``user`` voted for each."""
    queryset = Theme.objects.filter(is_hidden=False).annotate(
        vote_count=Count("votes", distinct=True)
    )
    if user is not None:
        queryset = queryset.annotate(
            has_voted=Exists(ThemeVote.objects.filter(theme=OuterRef("pk"), user=user))
        )
    return queryset.order_by("-vote_count", "created_at", "pk")


def themes_open(*, user=None) -> QuerySet[Theme]:
    """Ranked themes not yet chosen for a meeting."""
    return themes_ranked(user=user).filter(meetings__isnull=True)


def interpretation_wanted(*, invitation: Invitation | None, user) -> bool:
    """A member's wish for one meeting: what they said for it, else what their registration says."""
    if invitation is not None:
        return invitation.wants_interpretation
    return member_wants_interpretation(user)

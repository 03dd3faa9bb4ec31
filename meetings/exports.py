"""The meetings section of a member's data export (``settings.PEERNET_MEMBER_DATA_EXPORTERS``)."""

from .models import CalendarFeed, Invitation, Theme, ThemeVote


def member_data(user) -> tuple[str, dict]:
    """What the meetings app keeps about a person: answers, wishes, feed, themes and votes."""
    invitations = Invitation.objects.filter(user=user).select_related("meeting").order_by("pk")
    feed = CalendarFeed.objects.filter(user=user).first()
    return (
        "meetings",
        {
            "invitations": [
                {
                    "meeting": invitation.meeting.title_en,
                    "starts_at": invitation.meeting.starts_at.isoformat(),
                    "answer": invitation.response,
                    "answered_at": (
                        invitation.responded_at.isoformat() if invitation.responded_at else None
                    ),
                    "wants_interpretation": invitation.wants_interpretation,
                    "invited_at": invitation.created_at.isoformat(),
                    "reminders": sorted(invitation.reminders.values_list("kind", flat=True)),
                }
                for invitation in invitations
            ],
            "calendar_feed_created_at": feed.created_at.isoformat() if feed else None,
            "themes_suggested": [
                {"title": theme.title, "details": theme.details, "at": theme.created_at.isoformat()}
                for theme in Theme.objects.filter(suggested_by=user).order_by("pk")
            ],
            "theme_votes": [
                vote.theme.title
                for vote in ThemeVote.objects.filter(user=user).select_related("theme")
            ],
        },
    )

"""The meetings section of a member's page (``settings.PEERNET_MEMBER_PANELS``)."""

from django.utils.translation import get_language

from members import selectors as member_selectors
from peernet.links import absolute_url

from . import selectors
from .choices import Response
from .timezones import EASTERN

UPCOMING_SHOWN = 6
THEMES_SHOWN = 5


def member_panel(request, registration) -> dict | None:
    """Answers, interpretation wishes, the calendar feed and themes; members only."""
    if not member_selectors.user_is_member(request.user):
        return None
    user = request.user
    meetings = list(selectors.meetings_upcoming()[:UPCOMING_SHOWN])
    invitations = selectors.invitations_of_member(user=user, meetings=meetings)
    rows = []
    for meeting in meetings:
        invitation = invitations.get(meeting.pk)
        rows.append(
            {
                "meeting": meeting,
                "starts_eastern": meeting.starts_at.astimezone(EASTERN),
                "ends_eastern": meeting.ends_at.astimezone(EASTERN),
                "response": invitation.response if invitation else Response.NEEDS_ACTION,
                "wants_interpretation": selectors.interpretation_wanted(
                    invitation=invitation, user=user
                ),
            }
        )
    feed = selectors.feed_of(user=user)
    feed_url = (
        absolute_url("meetings:feed", language=get_language(), kwargs={"token": feed.token})
        if feed
        else ""
    )
    return {
        "template": "meetings/_member_panel.html",
        "Response": Response,
        "rows": rows,
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
            "http://", "webcal://", 1
        ),
        "themes": list(selectors.themes_open(user=user)[:THEMES_SHOWN]),
        "next_url": request.get_full_path(),
    }

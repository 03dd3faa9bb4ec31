"""The meetings section of a member's page (``members.seams.member_panels``, registered in
``meetings/apps.py``)."""

from django.db.models import F, FilteredRelation, Q
from django.utils.translation import get_language

from members import selectors as member_selectors
from peernet.links import absolute_url

from . import selectors
from .choices import Response
from .models import Invitation
from .timezones import EASTERN

UPCOMING_SHOWN = 6
THEMES_SHOWN = 5


def _meetings_upcoming_with_invitation(*, user) -> list:
    """The next meetings, each with the member's invitation to it or None, in one query: a
    member has at most one invitation per meeting (``one_invitation_per_member``)."""
    meetings = (
        selectors.meetings_upcoming()
        .alias(own=FilteredRelation("invitations", condition=Q(invitations__user=user)))
        .annotate(
            own_invitation_id=F("own__id"),
            own_response=F("own__response"),
            own_wants_interpretation=F("own__wants_interpretation"),
        )[:UPCOMING_SHOWN]
    )
    return [
        (
            meeting,
            None
            if meeting.own_invitation_id is None
            else Invitation(
                pk=meeting.own_invitation_id,
                meeting=meeting,
                user=user,
                response=meeting.own_response,
                wants_interpretation=meeting.own_wants_interpretation,
            ),
        )
        for meeting in meetings
    ]


def member_panel(request, registration) -> dict | None:
    """Answers, interpretation wishes, the calendar feed and themes; members only."""
    # The registration was read for this page with its user, who is the one signed in.
    if not member_selectors.registration_is_member(registration):
        return None
    user = registration.user
    rows = []
    for meeting, invitation in _meetings_upcoming_with_invitation(user=user):
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
        "rows": rows,
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
            "http://", "webcal://", 1
        ),
        "themes": list(selectors.themes_open(user=user)[:THEMES_SHOWN]),
        "next_url": request.get_full_path(),
    }

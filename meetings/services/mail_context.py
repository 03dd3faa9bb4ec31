"""What every mail about one member's invitation shows: the meeting, its times in Eastern time
and in the member's own zone, and the member's links (the one-click answers among them)."""

from members import selectors as member_selectors

from ..links import invitation_links
from ..models import Invitation, Meeting
from ..timezones import EASTERN, meeting_zone_times, zone_for_province


def invitation_mail_context(*, invitation: Invitation, meeting: Meeting, language: str) -> dict:
    own_zone = zone_for_province(member_selectors.member_province(invitation.user))
    return {
        "meeting": meeting,
        "user": invitation.user,
        "invitation": invitation,
        "links": invitation_links(invitation=invitation, language=language),
        "starts_eastern": meeting.starts_at.astimezone(EASTERN),
        "ends_eastern": meeting.ends_at.astimezone(EASTERN),
        "own_times": next(
            (
                times
                for times in meeting_zone_times(
                    starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=own_zone
                )
                if times.is_own and times.zone.key != EASTERN.key
            ),
            None,
        ),
    }

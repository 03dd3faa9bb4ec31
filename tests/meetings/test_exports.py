"""The meetings section of a member's data export."""

import pytest

from meetings import services
from meetings.choices import Response
from meetings.exports import member_data
from tests.meetings.factories import InvitationFactory, MeetingFactory, eastern

pytestmark = pytest.mark.unit


def test_the_export_holds_answers_feed_themes_and_votes(member):
    meeting = MeetingFactory(
        title_en="Heat", starts_at=eastern(2030, 5, 1), ends_at=eastern(2030, 5, 1, 14)
    )
    InvitationFactory(meeting=meeting, user=member, response=Response.ACCEPTED)
    token = services.feed_regenerate(user=member).token
    services.theme_suggest(user=member, title="Fleets", language="en")
    name, data = member_data(member)
    assert name == "meetings"
    assert data["invitations"][0]["meeting"] == "Heat"
    assert data["invitations"][0]["answer"] == "accepted"
    assert data["invitations"][0]["starts_at"] == "2030-05-01T17:00:00+00:00"
    assert data["calendar_feed_created_at"] is not None
    assert data["themes_suggested"][0]["title"] == "Fleets"
    assert data["theme_votes"] == ["Fleets"]
    # The feed's secret address is not part of an export file that may be shared.
    assert token not in str(data)

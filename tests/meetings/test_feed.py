"""A member's feed with many meetings: the queries do not grow with the meetings, and the
lines are folded exactly as RFC 5545, 3.1 says, whatever the characters."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings import ical, services
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.unit]


def _folded_one_character_at_a_time(line):
    """The rule itself: add characters while the line's octets stay within 75."""
    parts, current, size = [], "", 0
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > ical.MAX_LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += character
        size += width
    return "\r\n".join([*parts, current])


@pytest.mark.parametrize("character", ["a", "é", "€", "😀", "ḵ"])
@pytest.mark.parametrize("length", [0, 1, 74, 75, 76, 149, 150, 151, 300])
def test_lines_of_one_kind_of_character_fold_on_character_boundaries(character, length):
    line = character * length
    folded = ical.fold_line(line)
    assert folded == _folded_one_character_at_a_time(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_mixed_lines_fold_as_the_rule_says():
    chosen = random.Random(5545)
    alphabet = "ab ;,\\:é€😀ḵ\u0301"
    for _number in range(2000):
        line = "".join(chosen.choice(alphabet) for _ in range(chosen.randrange(0, 400)))
        assert ical.fold_line(line) == _folded_one_character_at_a_time(line)


def _feed(client, token):
    with translation.override("en"):
        path = reverse("meetings:feed", kwargs={"token": token})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_the_feed_runs_the_same_queries_for_2_or_20_meetings(client, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0  # the text made each time
    member = MemberFactory(user=UserFactory(email="kateri@levis.ca")).user
    for _number in range(2):
        InvitationFactory(meeting=MeetingFactory(), user=member)
    token = services.feed_regenerate(user=member).token
    _feed(client, token)
    few, data = _feed(client, token)
    assert data.count("BEGIN:VEVENT") == 2
    for _number in range(18):
        InvitationFactory(meeting=MeetingFactory(), user=member, response="accepted")
    many, data = _feed(client, token)
    assert data.count("BEGIN:VEVENT") == 20
    assert many == few
    assert all(len(line.encode("utf-8")) <= 75 for line in data.split("\r\n"))


@pytest.mark.django_db
def test_the_feed_text_is_made_once_for_every_member_and_follows_a_change(client, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 60
    first, second = (MemberFactory().user for _number in range(2))
    meeting = MeetingFactory(title_en="Heat pumps")
    tokens = [services.feed_regenerate(user=user).token for user in (first, second)]
    made, data = _feed(client, tokens[0])
    kept, again = _feed(client, tokens[1])
    assert kept < made  # only the token is looked up
    assert again == data and "Heat pumps" in again
    services.meeting_update(meeting=meeting, title_en="District heating")
    _queries, changed = _feed(client, tokens[1])
    assert "District heating" in changed and "Heat pumps" not in changed
    # A revoked token still reads nothing, kept text or not.
    services.feed_revoke(user=first)
    assert client.get(reverse("meetings:feed", kwargs={"token": tokens[0]})).status_code == 404

"""The Canadian time zones a meeting is shown in, and the visitor's own row."""

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.timezones import CANADIAN_ZONES, meeting_zone_times
from tests.meetings.factories import MeetingFactory, eastern

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("browser_zone", "winter", "summer"),
    [
        # Atikokan (and Southampton Island) keep Eastern standard time all year: Eastern's
        # clock in winter, Central's in summer, so neither row is theirs.
        ("America/Atikokan", "13:00", "12:00"),
        ("America/Coral_Harbour", "13:00", "12:00"),
        # Blanc-Sablon keeps Atlantic standard time all year: Atlantic's clock in winter,
        # Eastern's in summer.
        ("America/Blanc-Sablon", "14:00", "13:00"),
    ],
)
def test_zones_without_daylight_saving_have_a_row_of_their_own(browser_zone, winter, summer):
    for month, expected in ((1, winter), (7, summer)):
        starts_at = eastern(2026, month, 14, 13)
        rows = [
            row
            for row in meeting_zone_times(starts_at=starts_at, ends_at=eastern(2026, month, 14, 14))
            if browser_zone in (row.zone.key, *row.zone.aliases)
        ]
        assert [row.starts_at.strftime("%H:%M") for row in rows] == [expected]


def test_every_browser_zone_points_to_one_row_only():
    names = [name for zone in CANADIAN_ZONES for name in (zone.key, *zone.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("language", "atikokan", "blanc_sablon"),
    [
        ("en", "Atikokan time", "Blanc-Sablon time"),
        ("fr", "Heure d’Atikokan", "Heure de Blanc-Sablon"),
    ],
)
def test_the_detail_page_names_the_new_rows_in_its_language(
    client, db, language, atikokan, blanc_sablon
):
    meeting = MeetingFactory(starts_at=eastern(2026, 7, 8, 13), ends_at=eastern(2026, 7, 8, 14))
    with translation.override(language):
        body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert '<tr data-zones="America/Atikokan America/Coral_Harbour">' in body
    assert f">{atikokan}<" in body
    assert '<tr data-zones="America/Blanc-Sablon">' in body
    assert f">{blanc_sablon}<" in body

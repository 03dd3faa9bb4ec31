"""The bytes of every kind of .ics the portal makes: REQUEST, CANCEL, PUBLISH and the feed."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar, Timezone

from meetings import ical
from meetings.choices import MeetingStatus
from meetings.models import Meeting
from tests.meetings.factories import eastern

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 23, 15, 4, 5, tzinfo=UTC)
LINKS = {
    "detail": "https://peernet.example/en/meetings/7/",
    "accept": "https://peernet.example/en/meetings/answer/abc:def/accept/",
    "decline": "https://peernet.example/en/meetings/answer/abc:def/decline/",
}


def _meeting(**overrides) -> Meeting:
    fields = {
        "pk": 7,
        "title_en": "Misinformation at the Local Level",
        "title_fr": "La désinformation à l'échelle locale",
        "theme_en": "Rumours, facts; and trust",
        "theme_fr": "Rumeurs, faits; et confiance",
        "description_en": "Line one\nLine two, with a comma\\backslash",
        "description_fr": "Ligne un\nLigne deux",
        "starts_at": eastern(2025, 4, 30, 13),
        "ends_at": eastern(2025, 4, 30, 14),
        "join_url": "https://zoom.us/j/81234567890?pwd=abc,def;ghi",
        "passcode": "482913",
        "calendar_uid": "0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet",
        "sequence": 3,
        "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC),
    }
    fields.update(overrides)
    return Meeting(**fields)


ATTENDEE = ical.Person(name='Amélie "Mimi" Tremblay-Côté', email="amelie@gatineau.ca")


def _request(language="en", **overrides) -> str:
    return ical.calendar_request(
        meeting=_meeting(**overrides), attendee=ATTENDEE, language=language, links=LINKS, now=NOW
    )


def _cancel(language="en") -> str:
    return ical.calendar_cancel(
        meeting=_meeting(status=MeetingStatus.CANCELLED, sequence=4),
        attendee=ATTENDEE,
        language=language,
        links={"detail": LINKS["detail"]},
        now=NOW,
    )


def _publish(meetings, **kwargs) -> str:
    return ical.calendar_publish(
        meetings=meetings,
        language="en",
        with_join=True,
        links_for=lambda meeting: {"detail": LINKS["detail"]},
        now=NOW,
        **kwargs,
    )


def unfold(text: str) -> list[str]:
    """Content lines after undoing the folding (RFC 5545, 3.1)."""
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def event_property(text: str, name: str) -> str:
    """The one ``name`` property of the (first) VEVENT, unfolded."""
    lines = unfold(text)
    event = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT")]
    matches = [line for line in event if re.match(rf"{name}[;:]", line)]
    assert len(matches) == 1, matches
    return matches[0]


def assert_wire_format(text: str) -> None:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a UTF-8 character


# --- formatting helpers ------------------------------------------------------------------------


def test_escape_text_escapes_backslash_semicolon_comma_and_line_breaks():
    assert ical.escape_text("a\\b;c,d\r\ne\rf\ng") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"


def test_parameter_text_removes_double_quotes_and_control_characters():
    assert ical.parameter_text('Amélie "Mimi"\r\nTremblay\x00') == "Amélie Mimi Tremblay"


def test_escape_text_turns_every_line_break_into_n_and_drops_control_characters():
    value = "a\x0bb\x0cc\x85d\u2028e\u2029f\x1cg\x1b[31mh\x00i\x7fj\x9bk\tl"
    assert ical.escape_text(value) == "a\\nb\\nc\\nd\\ne\\nf\\ng[31mhijk\tl"


def test_parameter_text_removes_every_control_character_and_line_break():
    assert ical.parameter_text("Ana\x1b\x7f\x9b\u2028Sḵwx̱wú7mesh\tTremblay") == (
        "Ana Sḵwx̱wú7mesh Tremblay"
    )


def test_a_name_of_nothing_but_quotes_falls_back_to_the_address():
    assert ical.common_name('""', "amelie@gatineau.ca") == "amelie@gatineau.ca"
    assert ical.common_name("", "amelie@gatineau.ca") == "amelie@gatineau.ca"
    assert ical.common_name('Jo "J"', "jo@gatineau.ca") == "Jo J"


def test_control_characters_typed_by_staff_never_reach_the_calendar():
    text = ical.calendar_request(
        meeting=_meeting(
            title_en="Heat\x0bwaves\x1b[1m \u2028plans",
            theme_en="Theme\x01",
            description_en="One\x0ctwo\x85three\x00",
            passcode="48\x0b29",
        ),
        attendee=ical.Person(name='Sḵwx̱wú7mesh\x1b "Nation"', email="a@squamish.net"),
        language="en",
        links=LINKS,
        now=NOW,
    )
    assert_wire_format(text)
    data = text.encode("utf-8")
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data.replace(b"\r\n", b""))
    assert "\u2028".encode() not in data and "\x85".encode() not in data
    assert event_property(text, "SUMMARY") == "SUMMARY:Heat\\nwaves[1m \\nplans"
    parsed = vobject.readOne(text)
    parsed.validate()
    assert parsed.vevent.attendee.params["CN"] == ["Sḵwx̱wú7mesh Nation"]
    assert "One\ntwo\nthree" in parsed.vevent.description.value
    assert "Passcode: 48\n29" in Calendar.from_ical(text).events[0]["DESCRIPTION"]


def test_fold_line_keeps_multibyte_characters_whole():
    line = "SUMMARY:" + "é" * 100
    folded = ical.fold_line(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert [len(part) for part in parts] == [74, 75, 61]
    assert all(part.startswith(b" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_fold_line_leaves_short_lines_alone():
    assert ical.fold_line("VERSION:2.0") == "VERSION:2.0"


def test_a_time_in_the_repeated_hour_is_written_in_utc():
    # 2026-11-01 01:30 EST (second occurrence) is 06:30 UTC; 01:30 EDT would be 05:30 UTC.
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert ical.datetime_line("DTSTART", second) == "DTSTART:20261101T063000Z"
    assert ical.datetime_line("DTSTART", eastern(2026, 7, 1, 13)) == (
        "DTSTART;TZID=America/Toronto:20260701T130000"
    )


# --- REQUEST -----------------------------------------------------------------------------------


def test_request_bytes():
    text = _request()
    assert_wire_format(text)
    lines = unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "PRODID:-//PeerNet//Meetings 1.0//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
    ]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    assert event_property(text, "UID") == "UID:0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet"
    assert event_property(text, "SEQUENCE") == "SEQUENCE:3"
    assert event_property(text, "DTSTAMP") == "DTSTAMP:20261123T150405Z"
    assert event_property(text, "DTSTART") == "DTSTART;TZID=America/Toronto:20250430T130000"
    assert event_property(text, "DTEND") == "DTEND;TZID=America/Toronto:20250430T140000"
    assert event_property(text, "SUMMARY") == "SUMMARY:Misinformation at the Local Level"
    assert event_property(text, "ORGANIZER") == (
        'ORGANIZER;CN="PeerNet":mailto:network@peernet.example'
    )
    assert event_property(text, "ATTENDEE") == (
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;"
        'CN="Amélie Mimi Tremblay-Côté":mailto:amelie@gatineau.ca'
    )
    assert event_property(text, "LOCATION") == (
        "LOCATION:https://zoom.us/j/81234567890?pwd=abc\\,def\\;ghi"
    )
    assert event_property(text, "STATUS") == "STATUS:CONFIRMED"
    assert event_property(text, "URL") == "URL:https://peernet.example/en/meetings/7/"


def test_request_description_has_link_interpretation_and_not_recorded():
    description = event_property(_request(), "DESCRIPTION")
    assert "Join on Zoom: https://zoom.us/j/81234567890?pwd=abc\\,def\\;ghi" in description
    assert "Passcode: 482913" in description
    assert "Held in English\\, with simultaneous French interpretation." in description
    assert "This meeting is not recorded." in description
    assert "Line one\\nLine two\\, with a comma\\\\backslash" in description
    assert "Theme: Rumours\\, facts\\; and trust" in description
    assert f"Attending: {LINKS['accept']}".replace(",", "\\,") in description


def test_a_request_sent_before_the_link_exists_says_it_will_follow():
    text = _request(join_url="", passcode="")
    description = event_property(text, "DESCRIPTION")
    assert "The link to join will be sent to you before the meeting." in description
    assert "Join on" not in description and "Passcode" not in description
    assert event_property(text, "LOCATION") == "LOCATION:Zoom"
    french = event_property(_request(language="fr", join_url=""), "DESCRIPTION")
    assert "Le lien pour participer vous sera envoyé avant la rencontre." in french


def test_request_is_written_in_the_members_language():
    text = _request(language="fr")
    assert event_property(text, "SUMMARY") == "SUMMARY:La désinformation à l'échelle locale"
    description = event_property(text, "DESCRIPTION")
    assert "Cette rencontre n’est pas enregistrée." in description
    assert "mercredi 30 avril 2025\\, 13 h 00 – 14 h 00" in description


def test_request_without_interpretation_says_english_only():
    description = event_property(_request(has_interpretation=False), "DESCRIPTION")
    assert "Held in English. This meeting is not recorded." in description


def test_request_vtimezone_is_the_hand_written_one():
    lines = unfold(_request())
    start = lines.index("BEGIN:VTIMEZONE")
    assert lines[start : start + 17] == list(ical.VTIMEZONE_LINES)
    assert not any(line.startswith("RDATE") for line in lines)


def test_vobject_parses_and_validates_the_request():
    parsed = vobject.readOne(_request())
    parsed.validate()
    event = parsed.vevent
    assert event.uid.value == "0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet"
    assert event.sequence.value == "3"
    assert event.dtstart.value.astimezone(UTC) == datetime(2025, 4, 30, 17, 0, tzinfo=UTC)
    assert event.attendee.params["RSVP"] == ["TRUE"]
    assert event.attendee.params["CN"] == ["Amélie Mimi Tremblay-Côté"]
    assert event.location.value == "https://zoom.us/j/81234567890?pwd=abc,def;ghi"


def test_icalendar_reads_the_request_back():
    calendar = Calendar.from_ical(_request())
    event = calendar.events[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2025, 4, 30, 17, tzinfo=UTC)
    assert str(event["ATTENDEE"]) == "mailto:amelie@gatineau.ca"


# --- CANCEL ------------------------------------------------------------------------------------


def test_cancel_bytes():
    text = _cancel()
    assert_wire_format(text)
    lines = unfold(text)
    assert "METHOD:CANCEL" in lines
    assert event_property(text, "STATUS") == "STATUS:CANCELLED"
    assert event_property(text, "SEQUENCE") == "SEQUENCE:4"
    assert event_property(text, "UID") == "UID:0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet"
    assert event_property(text, "ATTENDEE") == (
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
        'CN="Amélie Mimi Tremblay-Côté":mailto:amelie@gatineau.ca'
    )
    # Nothing to join any more: the link and passcode are not repeated.
    assert "zoom.us" not in text
    assert "482913" not in text
    vobject.readOne(text).validate()


# --- PUBLISH (download) and feed ---------------------------------------------------------------


def test_publish_bytes_have_no_attendee_and_keep_the_uid():
    text = _publish([_meeting()])
    assert_wire_format(text)
    lines = unfold(text)
    assert "METHOD:PUBLISH" in lines
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert event_property(text, "UID") == "UID:0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet"
    assert event_property(text, "ORGANIZER").startswith("ORGANIZER;")
    assert "Attending:" not in text
    vobject.readOne(text).validate()


def test_feed_lists_every_meeting_and_marks_cancelled_ones():
    scheduled = _meeting()
    cancelled = _meeting(
        pk=8,
        calendar_uid="second@peernet",
        status=MeetingStatus.CANCELLED,
        starts_at=eastern(2025, 6, 25, 13),
        ends_at=eastern(2025, 6, 25, 14),
    )
    text = _publish([scheduled, cancelled], name="PeerNet meetings")
    assert_wire_format(text)
    lines = unfold(text)
    assert "X-WR-CALNAME:PeerNet meetings" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in lines
    assert lines.count("BEGIN:VEVENT") == 2
    assert lines.count("STATUS:CANCELLED") == 1
    assert lines.count("STATUS:CONFIRMED") == 1
    # The cancelled meeting's event shows no join link.
    cancelled_event = text.split("BEGIN:VEVENT")[2]
    assert "zoom.us" not in cancelled_event
    parsed = vobject.readOne(text)
    parsed.validate()
    assert [event.uid.value for event in parsed.vevent_list] == [
        "0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet",
        "second@peernet",
    ]


def test_publish_without_join_rights_shows_no_link():
    text = ical.calendar_publish(
        meetings=[_meeting()], language="en", with_join=False, links_for=lambda m: {}, now=NOW
    )
    assert "zoom.us" not in text
    assert "482913" not in text
    assert event_property(text, "LOCATION") == "LOCATION:Zoom"


# --- The VTIMEZONE against zoneinfo ------------------------------------------------------------


def test_vtimezone_offsets_match_zoneinfo_every_hour_2025_to_2036():
    """Compare the VTIMEZONE's own rules (not its TZID) with zoneinfo, hour by hour."""
    block = "\r\n".join(ical.VTIMEZONE_LINES) + "\r\n"
    own = Timezone.from_ical(block).to_tz(lookup_tzid=False)
    reference = ZoneInfo("America/Toronto")
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    end = datetime(2037, 1, 1, tzinfo=UTC)
    checked = 0
    while moment < end:
        assert moment.astimezone(own).utcoffset() == moment.astimezone(reference).utcoffset(), (
            moment
        )
        checked += 1
        moment += timedelta(hours=1)
    assert checked == 105_192  # 12 years, 3 of them leap years


def test_vtimezone_puts_local_times_at_the_right_instant_around_each_switch():
    block = "\r\n".join(ical.VTIMEZONE_LINES) + "\r\n"
    own = Timezone.from_ical(block).to_tz(lookup_tzid=False)
    # 2026-03-08 03:00 EDT is 07:00 UTC; 2026-11-01 03:00 EST is 08:00 UTC.
    assert datetime(2026, 3, 8, 3, 0, tzinfo=own).astimezone(UTC) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )
    assert datetime(2026, 11, 1, 3, 0, tzinfo=own).astimezone(UTC) == datetime(
        2026, 11, 1, 8, 0, tzinfo=UTC
    )

"""The calendars read back with icalendar give the values they were built from, whatever staff
or members typed, and the pieces written here rather than by the library say what they should."""

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from icalendar import Calendar
from icalendar.parser import Contentline

from meetings import ical
from meetings.choices import MeetingStatus
from tests.meetings.factories import eastern
from tests.meetings.test_ical import (
    ATTENDEE,
    LINKS,
    NOW,
    _cancel,
    _meeting,
    _publish,
    _request,
    assert_wire_format,
    unfold,
)

pytestmark = pytest.mark.unit

UID = "0d9c7a1e-5b0a-4a43-9d1e-3f2f1c1d2e3f@peernet"
INJECTION = "\r\nATTENDEE:mailto:x@evil.example\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil"


def _only_event(text: str):
    calendar = Calendar.from_ical(text)
    assert len(calendar.events) == 1
    return calendar, calendar.events[0]


def _hostile_request(*, attendee=ATTENDEE, **overrides):
    return ical.calendar_request(
        meeting=_meeting(**overrides),
        attendee=attendee,
        language="en",
        links=LINKS,
        now=NOW,
    )


# --- Read back: the values the calendar was built from ----------------------------------------


def test_the_request_reads_back_with_its_values():
    calendar, event = _only_event(_request())
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["PRODID"]) == "-//PeerNet//Meetings 1.0//EN"
    assert str(event["UID"]) == UID
    assert event["SEQUENCE"] == 3
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("CREATED") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for name, hour in (("DTSTART", 13), ("DTEND", 14)):
        assert event[name].params["TZID"] == "America/Toronto"
        moment = event.decoded(name)
        assert moment.replace(tzinfo=None) == datetime(2025, 4, 30, hour)
        assert moment.astimezone(UTC) == datetime(2025, 4, 30, hour + 4, tzinfo=UTC)
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:amelie@gatineau.ca"
    assert dict(attendee.params) == {
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
        "CN": "Amélie Mimi Tremblay-Côté",
    }
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:network@peernet.example"
    assert dict(organizer.params) == {"CN": "PeerNet"}
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["TRANSP"]) == "OPAQUE"
    assert str(event["URL"]) == LINKS["detail"]
    assert str(event["LOCATION"]) == "https://zoom.us/j/81234567890?pwd=abc,def;ghi"
    assert "Line two, with a comma\\backslash" in str(event["DESCRIPTION"])


def test_the_cancel_reads_back_as_a_cancellation_of_the_same_event():
    calendar, event = _only_event(_cancel())
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == UID
    assert event["SEQUENCE"] == 4
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ATTENDEE"]) == "mailto:amelie@gatineau.ca"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert "RSVP" not in event["ATTENDEE"].params
    assert str(event["ORGANIZER"]) == "mailto:network@peernet.example"


def test_the_feed_reads_back_with_its_name_refresh_hint_and_events():
    cancelled = _meeting(
        pk=8,
        calendar_uid="second@peernet",
        status=MeetingStatus.CANCELLED,
        starts_at=eastern(2025, 6, 25, 13),
        ends_at=eastern(2025, 6, 25, 14),
    )
    text = _publish([_meeting(), cancelled], name="PeerNet; meetings, all")
    calendar = Calendar.from_ical(text)
    assert str(calendar["METHOD"]) == "PUBLISH"
    # icalendar keeps properties it has no type for as written (RFC 7265's UNKNOWN); they are
    # TEXT (RFC 7986, 5.1), escaped.
    assert "NAME:PeerNet\\; meetings\\, all" in unfold(text)
    assert "X-WR-CALNAME:PeerNet\\; meetings\\, all" in unfold(text)
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert [str(event["UID"]) for event in calendar.events] == [UID, "second@peernet"]
    assert [str(event["STATUS"]) for event in calendar.events] == ["CONFIRMED", "CANCELLED"]
    assert all("ATTENDEE" not in event for event in calendar.events)
    assert [len(calendar.walk("VTIMEZONE")), len(calendar.walk("DAYLIGHT"))] == [1, 1]


def test_a_time_in_the_repeated_hour_reads_back_as_the_same_instant():
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30 that night
    _calendar, event = _only_event(_request(starts_at=second, ends_at=second + timedelta(hours=1)))
    assert "TZID" not in event["DTSTART"].params
    assert event.decoded("DTSTART") == second
    assert event.decoded("DTEND").astimezone(UTC) == second + timedelta(hours=1)


def test_the_organizer_is_the_mailbox_replies_are_read_from(settings):
    settings.PEERNET_ORGANIZER_EMAIL = "Réseau PeerNet <replies@peernet.example>"
    text = _request()
    _calendar, event = _only_event(text)
    assert str(event["ORGANIZER"]) == "mailto:replies@peernet.example"
    assert event["ORGANIZER"].params["CN"] == "Réseau PeerNet"
    assert 'ORGANIZER;CN="Réseau PeerNet":mailto:replies@peernet.example' in unfold(text)


# --- Hostile text ------------------------------------------------------------------------------


def test_line_breaks_in_staff_text_cannot_add_properties_or_events():
    text = _hostile_request(
        title_en=f"Heat{INJECTION}",
        theme_en=f"Theme{INJECTION}",
        description_en=f"Text{INJECTION}",
        passcode=f"48{INJECTION}",
        platform="other",
        platform_name=f"Jitsi{INJECTION}",
        join_url=f"https://meet.example/x{INJECTION}",
    )
    assert_wire_format(text)
    lines = unfold(text)
    assert lines.count("BEGIN:VEVENT") == 1
    assert [line.split(";")[0] for line in lines if re.match(r"ATTENDEE[;:]", line)] == ["ATTENDEE"]
    assert not any(line.startswith("UID:evil") for line in lines)
    _calendar, event = _only_event(text)
    assert str(event["UID"]) == UID
    assert str(event["ATTENDEE"]) == "mailto:amelie@gatineau.ca"
    expected = "Heat\nATTENDEE:mailto:x@evil.example\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
    assert str(event["SUMMARY"]) == expected
    assert "Passcode: 48\nATTENDEE:mailto:x@evil.example\n" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]).startswith("https://meet.example/x\nATTENDEE:")
    parsed = vobject.readOne(text)
    parsed.validate()
    assert len(parsed.vevent_list) == 1
    assert len(parsed.vevent.attendee_list) == 1


def test_commas_semicolons_and_backslashes_come_back_as_typed():
    typed = r'Paths: \\files\Notes\new; "a,b"; C:\N\n\; \, end' + "\\"
    text = _hostile_request(title_en=typed, description_en=typed)
    summary = [line for line in unfold(text) if line.startswith("SUMMARY:")]
    assert summary == [
        r'SUMMARY:Paths: \\\\files\\Notes\\new\; "a\,b"\; C:\\N\\n\\\; \\\, end' + "\\\\"
    ]
    _calendar, event = _only_event(text)
    assert str(event["SUMMARY"]) == typed
    assert typed in str(event["DESCRIPTION"])
    assert vobject.readOne(text).vevent.summary.value == typed


def test_control_characters_are_removed_from_every_value():
    controls = "".join(chr(code) for code in (*range(0, 9), *range(14, 28), 0x7F, 0x9B))
    text = _hostile_request(
        title_en=f"Heat{controls}waves",
        description_en=f"One{controls}two",
        attendee=ical.Person(name=f"Ana{controls}Tremblay", email="ana@levis.ca"),
    )
    data = text.encode("utf-8").replace(b"\r\n", b"")
    assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", data)
    assert "\x9b".encode() not in data
    _calendar, event = _only_event(text)
    assert str(event["SUMMARY"]) == "Heatwaves"
    assert event["ATTENDEE"].params["CN"] == "Ana Tremblay"


@pytest.mark.parametrize("piece", ["é", "€", "😀", "ḵ\u0301", "a\\,;", "^é\\"])
def test_very_long_multibyte_text_is_folded_between_characters_and_reads_back(piece):
    title = "Début " + piece * 400 + " fin"
    text = _hostile_request(title_en=title, description_en=title)
    assert_wire_format(text)  # CRLF only, every line within 75 octets and valid UTF-8 alone
    _calendar, event = _only_event(text)
    assert str(event["SUMMARY"]) == title
    assert f"\n\n{title}\n\n" in str(event["DESCRIPTION"])
    assert vobject.readOne(text).vevent.summary.value == title


@pytest.mark.parametrize(
    ("name", "written", "read"),
    [
        ('Tremblay, "Mimi": Amélie', '"Tremblay, Mimi: Amélie"', "Tremblay, Mimi: Amélie"),
        ("O'Neil; Ana", '"O\'Neil; Ana"', "O'Neil; Ana"),
        ("mailto:a@b.ca", '"mailto:a@b.ca"', "mailto:a@b.ca"),
        ("Kateri", '"Kateri"', "Kateri"),
        ("Jo ^ Lee", '"Jo ^^ Lee"', "Jo ^ Lee"),  # RFC 6868 escapes its own ^
        ('"""', '"ana@levis.ca"', "ana@levis.ca"),
    ],
)
def test_a_common_name_is_always_one_valid_quoted_parameter(name, written, read):
    text = _hostile_request(attendee=ical.Person(name=name, email="ana@levis.ca"))
    attendee = [line for line in unfold(text) if line.startswith("ATTENDEE;")]
    assert attendee == [
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;"
        f"CN={written}:mailto:ana@levis.ca"
    ]
    _calendar, event = _only_event(text)
    assert str(event["ATTENDEE"]) == "mailto:ana@levis.ca"
    assert event["ATTENDEE"].params["CN"] == read
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(vobject.readOne(text).vevent.attendee.value) == "mailto:ana@levis.ca"


# --- What is written here rather than by the library ------------------------------------------


def test_the_vtimezone_is_the_fixed_one_in_every_kind_of_calendar():
    assert ical.VTIMEZONE_LINES == (
        "BEGIN:VTIMEZONE",
        "TZID:America/Toronto",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "TZNAME:EDT",
        "DTSTART:19700308T020000",
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "TZNAME:EST",
        "DTSTART:19701101T020000",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
        "END:STANDARD",
        "END:VTIMEZONE",
    )
    for text in (_request(), _cancel(), _publish([_meeting()], name="PeerNet meetings")):
        lines = unfold(text)
        start = lines.index("BEGIN:VTIMEZONE")
        assert lines.count("BEGIN:VTIMEZONE") == 1
        assert tuple(lines[start : start + 17]) == ical.VTIMEZONE_LINES
        assert not any(line.startswith("RDATE") for line in lines)


def test_text_escaping_keeps_a_typed_backslash_n():
    # vText would read the backslash and N of "\Notes" as a line break.
    assert ical.Text("\\\\files\\Notes").to_ical() == b"\\\\\\\\files\\\\Notes"
    assert ical.Text("a\r\nb\x00,c").to_ical() == b"a\\nb\\,c"


def _library_fold(line: str) -> str:
    return Contentline(line).to_ical().decode("utf-8")


@pytest.mark.parametrize("character", ["a", "é", "€", "😀", "\\", "^"])
@pytest.mark.parametrize("length", [0, 1, 73, 74, 75, 76, 147, 148, 149, 150, 300])
def test_lines_of_one_character_fold_as_the_library_folds_them(character, length):
    line = character * length
    assert ical.fold_content_line(line) == _library_fold(line)


def test_mixed_lines_fold_as_the_library_folds_them():
    chosen = random.Random(6868)
    alphabet = "ab ;,\\^:é€😀ḵ\u0301\t"
    for _number in range(3000):
        line = "".join(chosen.choice(alphabet) for _ in range(chosen.randrange(0, 500)))
        folded = ical.fold_content_line(line)
        assert folded == _library_fold(line)
        assert folded.replace("\r\n ", "") == line
        assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


CALENDARS = {
    "request": lambda: _request(title_en="é" * 300, description_en="a\\,b;^" * 200),
    "cancel": _cancel,
    "feed": lambda: _publish([_meeting(), _meeting(pk=8, calendar_uid="b@peernet")], name="P"),
}


@pytest.mark.parametrize("kind", CALENDARS)
def test_calendar_text_is_the_librarys_own_serialisation(kind):
    calendar = Calendar.from_ical(CALENDARS[kind]())
    assert ical.calendar_text(calendar) == calendar.to_ical(sorted=False).decode("utf-8")

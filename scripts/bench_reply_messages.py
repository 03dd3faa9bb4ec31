"""The calendar replies of the "replies" section of `make bench`, in the shapes three real
clients mail them (as tests/meetings/test_replies.py writes them): Outlook/Exchange (a base64
text/calendar; method=REPLY in multipart/alternative, a Windows time zone name), Gmail (an
invite.ics attachment, UTC times) and Apple Mail (a quoted-printable attachment, MAILTO: in upper
case). Each is addressed to the member's own reply address, where their calendar sends it."""

import base64
import quopri
from datetime import UTC

from django.utils import timezone

from meetings.replies.proof import reply_address
from meetings.timezones import EASTERN

PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")


def _local(moment) -> str:
    return moment.astimezone(EASTERN).strftime("%Y%m%dT%H%M%S")


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _lines(lines) -> str:
    return "".join(f"{line}\r\n" for line in lines)


def _message(headers: dict, body: str) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (head + "MIME-Version: 1.0\r\n\r\n" + body).encode("utf-8")


def _outlook(meeting, *, email, partstat, to, number) -> bytes:
    calendar = _lines([
        "BEGIN:VCALENDAR", "METHOD:REPLY", "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0", "BEGIN:VTIMEZONE", "TZID:Eastern Standard Time", "BEGIN:STANDARD",
        "DTSTART:16010101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11", "END:STANDARD", "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"ATTENDEE;PARTSTAT={partstat};CN=Alex Member:mailto:{email}",
        f"SUMMARY;LANGUAGE=en-US:Accepted: {meeting.title_en}",
        f"DTSTART;TZID=Eastern Standard Time:{_local(meeting.starts_at)}",
        f"DTEND;TZID=Eastern Standard Time:{_local(meeting.ends_at)}",
        f"UID:{meeting.calendar_uid}", "CLASS:PUBLIC", "PRIORITY:5",
        f"DTSTAMP:{_utc(timezone.now())}", "TRANSP:OPAQUE", "STATUS:CONFIRMED",
        f"SEQUENCE:{meeting.sequence}", f"X-MICROSOFT-CDO-APPT-SEQUENCE:{meeting.sequence}",
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY", "END:VEVENT", "END:VCALENDAR",
    ])  # fmt: skip
    encoded = base64.encodebytes(calendar.encode("utf-8")).decode("ascii")
    body = _lines([
        "--_000_outlook_", 'Content-Type: text/plain; charset="us-ascii"', "", "See you there.",
        "", "--_000_outlook_", 'Content-Type: text/calendar; charset="utf-8"; method=REPLY',
        "Content-Transfer-Encoding: base64", "", encoded, "--_000_outlook_--",
    ])  # fmt: skip
    return _message(
        {
            "From": f"Alex Member <{email}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Accepted: {meeting.title_en}",
            "Message-ID": f"<outlook-{number}@bench.peernet.test>",
            "Content-Type": 'multipart/alternative; boundary="_000_outlook_"',
        },
        body,
    )


def _gmail(meeting, *, email, partstat, to, number) -> bytes:
    calendar = _lines([
        "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
        "CALSCALE:GREGORIAN", "METHOD:REPLY", "BEGIN:VEVENT",
        f"DTSTART:{_utc(meeting.starts_at)}", f"DTEND:{_utc(meeting.ends_at)}",
        f"DTSTAMP:{_utc(timezone.now())}", f"ORGANIZER;CN=PeerNet:mailto:{to}",
        f"UID:{meeting.calendar_uid}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
        f"{partstat};CN=Alex Member;X-NUM-GUESTS=0:mailto:{email}",
        f"SEQUENCE:{meeting.sequence}", "STATUS:CONFIRMED", f"SUMMARY:{meeting.title_en}",
        "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR",
    ])  # fmt: skip
    encoded = base64.encodebytes(calendar.encode("utf-8")).decode("ascii")
    body = _lines([
        "--000000000000mixed", 'Content-Type: multipart/alternative; boundary="000000000000alt"',
        "", "--000000000000alt", 'Content-Type: text/plain; charset="UTF-8"', "",
        "Alex Member has answered this invitation.", "--000000000000alt--",
        "--000000000000mixed", 'Content-Type: application/ics; name="invite.ics"',
        'Content-Disposition: attachment; filename="invite.ics"',
        "Content-Transfer-Encoding: base64", "", encoded, "--000000000000mixed--",
    ])  # fmt: skip
    return _message(
        {
            "From": f"Alex Member <{email}>",
            "To": to,
            "Subject": f"Accepted: {meeting.title_en}",
            "Message-ID": f"<gmail-{number}@mail.gmail.com>",
            "Content-Type": 'multipart/mixed; boundary="000000000000mixed"',
        },
        body,
    )


def _apple(meeting, *, email, partstat, to, number) -> bytes:
    calendar = _lines([
        "BEGIN:VCALENDAR", "METHOD:REPLY", "VERSION:2.0", "PRODID:-//Apple Inc.//macOS 15.1//EN",
        "BEGIN:VEVENT",
        f'ATTENDEE;CN="Alex Member";CUTYPE=INDIVIDUAL;EMAIL="{email}";'
        f"PARTSTAT={partstat}:MAILTO:{email.upper()}",
        f"DTEND;TZID=America/Toronto:{_local(meeting.ends_at)}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART;TZID=America/Toronto:{_local(meeting.starts_at)}",
        f'ORGANIZER;CN="PeerNet":MAILTO:{to.upper()}', "REQUEST-STATUS:2.0;Success",
        f"SEQUENCE:{meeting.sequence}", f"SUMMARY:{meeting.title_en}",
        f"UID:{meeting.calendar_uid}", "END:VEVENT", "END:VCALENDAR",
    ])  # fmt: skip
    encoded = quopri.encodestring(calendar.encode("utf-8")).decode("ascii")
    body = _lines([
        "--Apple-Mail=_1", "Content-Type: text/plain; charset=us-ascii", "",
        "Alex Member has answered.", "--Apple-Mail=_1",
        "Content-Disposition: attachment; filename=iCal-20261201-101010.ics",
        "Content-Type: text/calendar; charset=utf-8; method=REPLY; name=iCal-20261201-101010.ics",
        "Content-Transfer-Encoding: quoted-printable", "", encoded, "--Apple-Mail=_1--",
    ])  # fmt: skip
    return _message(
        {
            "From": f"Alex Member <{email}>",
            "To": to,
            "Subject": f"Invitation: {meeting.title_en}",
            "Message-ID": f"<apple-{number}@icloud.com>",
            "Content-Type": 'multipart/mixed; boundary="Apple-Mail=_1"',
        },
        body,
    )


CLIENTS = (_outlook, _gmail, _apple)


def replies_build(meeting, users):
    """One reply per member, the clients and answers taken in turn."""
    for number, user in enumerate(users):
        client = CLIENTS[number % len(CLIENTS)]
        to = reply_address(user_id=user.pk, meeting_id=meeting.pk)
        partstat = PARTSTATS[(number // len(CLIENTS)) % len(PARTSTATS)]
        yield client(meeting, email=user.email, partstat=partstat, to=to, number=number)

"""Calendar replies written by hand in the shapes Thunderbird, Evolution and Nextcloud's
server send them (the Outlook, Gmail, Apple and sabre shapes are in ``test_replies.py``), and
the small helpers the reply-proof tests share."""

import base64

from django.utils import timezone

from meetings.choices import Response
from meetings.models import Invitation
from meetings.replies.proof import reply_address
from tests.meetings.test_replies import (
    MEMBER,
    apple_reply,
    crlf,
    gmail_reply,
    local,
    message,
    outlook_reply,
    sabre_calendar,
    utc,
)


def answer_of(invitation) -> str:
    return Invitation.objects.get(pk=invitation.pk).response


def reply_address_of(invitation) -> str:
    return reply_address(user_id=invitation.user_id, meeting_id=invitation.meeting_id)


def with_headers(raw: bytes, *lines: str) -> bytes:
    """The message with header lines put on top, as the servers it crossed add them."""
    return "".join(f"{line}\r\n" for line in lines).encode() + raw


def thunderbird_reply(meeting, *, to, partstat="ACCEPTED"):
    """Thunderbird: multipart/mixed, the REPLY inline (8bit) in an alternative and again as
    invite.ics; DTSTART in the event's own TZID with a Mozilla VTIMEZONE."""
    calendar = crlf(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "BEGIN:VTIMEZONE",
            "TZID:America/Toronto",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "DTSTART:19700308T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "DTSTART:19701101T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"CREATED:{utc(meeting.created_at)}",
            f"LAST-MODIFIED:{utc(timezone.now())}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"UID:{meeting.calendar_uid}",
            f"SUMMARY:{meeting.title}",
            f"ORGANIZER;CN=PeerNet:mailto:{to}",
            "ATTENDEE;RSVP=TRUE;CN=Jordan Whitehead;PARTSTAT="
            f"{partstat};ROLE=REQ-PARTICIPANT;CUTYPE=INDIVIDUAL:mailto:{MEMBER}",
            f"DTSTART;TZID=America/Toronto:{local(meeting.starts_at)}",
            f"DTEND;TZID=America/Toronto:{local(meeting.ends_at)}",
            f"SEQUENCE:{meeting.sequence}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    body = crlf(
        [
            "--------------mixed",
            'Content-Type: multipart/alternative; boundary="------------alt"',
            "",
            "--------------alt",
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "Jordan Whitehead has accepted your event invitation.",
            "--------------alt",
            "Content-Type: text/calendar; charset=UTF-8; method=REPLY",
            "Content-Transfer-Encoding: 8bit",
            "",
            calendar,
            "--------------alt--",
            "--------------mixed",
            'Content-Type: application/ics; name="invite.ics"',
            'Content-Disposition: attachment; filename="invite.ics"',
            "Content-Transfer-Encoding: base64",
            "",
            base64.encodebytes(calendar.encode()).decode("ascii"),
            "--------------mixed--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Accepted: {meeting.title}",
            "Message-ID": "<thunderbird-1@calgary.ca>",
            "User-Agent": "Mozilla Thunderbird",
            "Content-Type": 'multipart/mixed; boundary="------------mixed"',
        },
        body,
    )


def evolution_reply(meeting, *, to, partstat="DECLINED"):
    """Evolution: a text/calendar part in multipart/mixed, times in its libical TZID with the
    VTIMEZONE it names, LANGUAGE on the attendee."""
    tzid = "/freeassociation.sourceforge.net/America/Toronto"
    calendar = crlf(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Ximian//NONSGML Evolution Calendar//EN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "BEGIN:VTIMEZONE",
            f"TZID:{tzid}",
            "X-LIC-LOCATION:America/Toronto",
            "BEGIN:STANDARD",
            "TZNAME:EST",
            "DTSTART:19701101T020000",
            "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "TZNAME:EDT",
            "DTSTART:19700308T020000",
            "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"UID:{meeting.calendar_uid}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"DTSTART;TZID={tzid}:{local(meeting.starts_at)}",
            f"DTEND;TZID={tzid}:{local(meeting.ends_at)}",
            f"SEQUENCE:{meeting.sequence}",
            f"SUMMARY:{meeting.title}",
            f"ORGANIZER;CN=PeerNet:MAILTO:{to}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
            f"{partstat};RSVP=TRUE;CN=Jordan Whitehead;LANGUAGE=en:MAILTO:{MEMBER}",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    body = crlf(
        [
            "--=-evolution",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: 7bit",
            "",
            "",
            "--=-evolution",
            'Content-Type: text/calendar; charset="UTF-8"; method=REPLY',
            "Content-Transfer-Encoding: 8bit",
            "",
            calendar,
            "--=-evolution--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Declined: {meeting.title}",
            "Message-ID": "<evolution-1@calgary.ca>",
            "X-Mailer": "Evolution 3.50.3",
            "Content-Type": 'multipart/mixed; boundary="=-evolution"',
        },
        body,
    )


def nextcloud_reply(meeting, *, to):
    """Nextcloud's server (apps/dav IMipPlugin): sent To the ORGANIZER's address, from its
    own invitations-noreply address with the attendee in Reply-To; the sabre/vobject REPLY
    is an ``event.ics`` attachment of type ``text/calendar; method=REPLY``."""
    body = crlf(
        [
            "--_=_swift_mixed",
            'Content-Type: multipart/alternative; boundary="_=_swift_alt"',
            "",
            "--_=_swift_alt",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Jordan Whitehead has accepted your invitation.",
            "--_=_swift_alt",
            "Content-Type: text/html; charset=utf-8",
            "",
            "<p>Jordan Whitehead has accepted your invitation.</p>",
            "--_=_swift_alt--",
            "--_=_swift_mixed",
            'Content-Type: text/calendar; method=REPLY; name="event.ics"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="event.ics"',
            "",
            base64.encodebytes(sabre_calendar(meeting, sequence=meeting.sequence).encode()).decode(
                "ascii"
            ),
            "--_=_swift_mixed--",
        ]
    )
    return message(
        {
            "From": '"Jordan Whitehead via Nextcloud" <invitations-noreply@cloud.calgary.ca>',
            "Reply-To": f"Jordan Whitehead <{MEMBER}>",
            "To": f"PeerNet <{to}>",
            "Subject": f"Invitation accepted: {meeting.title}",
            "Message-ID": "<nextcloud-1@cloud.calgary.ca>",
            "Content-Type": 'multipart/mixed; boundary="_=_swift_mixed"',
        },
        body,
    )


CLIENTS = {
    "outlook": (lambda meeting, to: outlook_reply(meeting, to=to), Response.ACCEPTED),
    "gmail": (lambda meeting, to: gmail_reply(meeting, to=to), Response.ACCEPTED),
    "apple": (lambda meeting, to: apple_reply(meeting, to=to), Response.TENTATIVE),
    "thunderbird": (lambda meeting, to: thunderbird_reply(meeting, to=to), Response.ACCEPTED),
    "evolution": (lambda meeting, to: evolution_reply(meeting, to=to), Response.DECLINED),
    "nextcloud": (lambda meeting, to: nextcloud_reply(meeting, to=to), Response.ACCEPTED),
}

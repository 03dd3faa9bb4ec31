"""Reading an incoming message and the iTIP reply it carries, trusting none of it.

Nothing here touches the database, and nothing raises: whatever the message holds, the
result is an :class:`IncomingMessage`, whose ``problem`` says why it cannot be read when it
cannot. Every text kept from the message loses its control characters and is cut to the size
of the column that stores it (PostgreSQL refuses a NUL in a text column).
"""

import codecs
import email
import email.header
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import Message
from email.utils import getaddresses

import icalendar

from peernet import text

from . import proof
from .redaction import link_like_removed

MAX_MESSAGE_OCTETS = 5 * 1024 * 1024
MAX_CALENDAR_OCTETS = 256 * 1024
EXCERPT_CHARACTERS = 2000

# Meeting UIDs are made by meetings.models.new_calendar_uid: a lowercase UUID and "@peernet".
# Anything else is not one of ours and is not looked up.
MEETING_UID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@peernet", re.ASCII
)
# A calendar address is a URI (RFC 5545, 3.3.3); replies name people by mailto: URIs, whose
# scheme clients write in either case ("MAILTO:" in Apple's and Outlook's older replies).
MAILTO = re.compile(r"mailto:(?P<address>[^@\s]{1,64}@[^@\s]{1,252})", re.IGNORECASE | re.ASCII)
# Lines of a reply whose content is the event's text as the organiser wrote it (with the
# members' answer links) or client noise; the excerpt kept for staff leaves them out.
EXCERPT_SKIPPED = frozenset({"DESCRIPTION", "X-ALT-DESC", "ATTACH", "X-MICROSOFT-CDO-BODY"})
CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})


@dataclass(frozen=True)
class Attendee:
    email: str
    partstat: str
    delegated_to: str = ""


@dataclass(frozen=True)
class CalendarAnswer:
    """The one VEVENT of an iTIP message, as far as answers go."""

    method: str
    uid: str
    sequence: int
    attendees: tuple[Attendee, ...]
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass
class IncomingMessage:
    message_id: str
    sender: str = ""
    subject: str = ""
    is_automatic: bool = False
    calendar: CalendarAnswer | None = None
    problem: str = ""
    excerpt: str = ""
    # What was read before the problem was found, for staff.
    partial: dict = field(default_factory=dict)
    # The addresses the message was sent to, and the domains our mail server's DMARC check
    # passed: what may prove who sent it (``proof.py``).
    recipients: list[str] = field(default_factory=list)
    dmarc_passed: set[str] = field(default_factory=set)


class Unreadable(Exception):
    """The message or its calendar part cannot be read; the text says why."""


def cleaned(value, limit: int) -> str:
    """One line of text from the message: no control character, at most ``limit`` long."""
    return text.one_line(str(value or ""))[:limit]


def _excerpt(value: str) -> str:
    value = text.CONTROL_CHARACTERS.sub("", text.line_breaks_unified(value))
    return link_like_removed(value)[:EXCERPT_CHARACTERS]


def _message_id(raw: bytes, mime: Message | None) -> str:
    """The Message-ID, or a digest of the bytes when there is none that can be stored."""
    value = ""
    if mime is not None:
        try:
            value = str(mime.get("Message-ID", "") or "").strip()
        except Exception:  # noqa: BLE001 — a header the parser cannot read is no Message-ID
            value = ""
    if value and len(value) <= 250 and not text.contains_control_characters(value):
        return value
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _sender(mime: Message) -> str:
    addresses = [address for _name, address in getaddresses(mime.get_all("From", []))]
    addresses = [address for address in addresses if address]
    if len(addresses) != 1:
        return ""
    return cleaned(addresses[0], 254)


def _is_automatic(mime: Message) -> bool:
    """An auto-reply (RFC 3834), or an out-of-office message marked the way Exchange does."""
    submitted = str(mime.get("Auto-Submitted", "no")).strip().lower()
    return submitted not in ("", "no") or bool(
        mime.get("X-Autoreply") or mime.get("X-Auto-Response-Suppress")
    )


def _is_calendar(part: Message) -> bool:
    if part.is_multipart():
        return False
    if part.get_content_type() in CALENDAR_TYPES:
        return True
    filename = part.get_filename() or ""
    return str(filename).lower().endswith(".ics")


def calendar_part_find(mime: Message) -> Message | None:
    """The part that carries the iTIP object, wherever the client put it.

    Outlook sends a ``text/calendar; method=REPLY`` alternative, Gmail that alternative and an
    ``invite.ics`` attachment with the same content, Apple Calendar an attachment only. RFC 6047
    (2.4) asks for the ``method`` parameter, so a part that has it is preferred.
    """
    parts = [part for part in mime.walk() if _is_calendar(part)]
    with_method = [part for part in parts if part.get_param("method")]
    return (with_method or parts or [None])[0]


def _part_text(part: Message) -> str:
    """The part's text, decoded from its transfer encoding and its charset (UTF-8 by default,
    RFC 5545, 3.1.4); an unknown or wrong charset makes it unreadable."""
    encoded = part.get_payload(decode=False)
    if isinstance(encoded, str) and len(encoded) > MAX_CALENDAR_OCTETS * 2:
        raise Unreadable("calendar part too large")
    data = part.get_payload(decode=True) or b""
    if len(data) > MAX_CALENDAR_OCTETS:
        raise Unreadable("calendar part too large")
    charset = (part.get_content_charset() or "utf-8").strip()
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        raise Unreadable(f"unknown charset {cleaned(charset, 40)}") from None
    if not getattr(codec, "_is_text_encoding", True):
        raise Unreadable(f"unknown charset {cleaned(charset, 40)}")
    try:
        value = data.decode(codec.name)
    except UnicodeDecodeError:
        raise Unreadable(f"calendar part is not valid {codec.name}") from None
    return value.removeprefix("\ufeff")


def _calendar_excerpt(calendar_text: str) -> str:
    """The reply as staff may read it: the organiser's own text and links left out."""
    unfolded = re.sub(r"\r?\n[ \t]", "", calendar_text)
    kept = [
        line
        for line in unfolded.splitlines()
        if re.split(r"[;:]", line, maxsplit=1)[0].upper() not in EXCERPT_SKIPPED
    ]
    return _excerpt("\n".join(kept))


def _event_utc_moments(calendar_text: str) -> dict[str, datetime]:
    """The VEVENT's DTSTART and DTEND that are written in UTC (a trailing ``Z``), read in UTC.

    RFC 5545 (3.2.19) forbids a TZID on a UTC time, yet sabre/vobject (Nextcloud) writes
    ``DTSTART;TZID=America/Toronto:20261209T180000Z``; the icalendar library then reads the
    clock in the TZID and drops the Z. The written Z is the truth, so those values are read
    here from the content lines, outside any component nested in the event.
    """
    moments: dict[str, datetime] = {}
    components: list[str] = []
    try:
        lines = icalendar.parser.Contentlines.from_ical(calendar_text)
        for line in lines:
            if not line:
                continue
            name, _parameters, value = line.parts()
            name = name.upper()
            if name == "BEGIN":
                components.append(value.upper())
            elif name == "END":
                components = components[:-1]
            elif (
                components[-1:] == ["VEVENT"]
                and name in ("DTSTART", "DTEND")
                and value.upper().endswith("Z")
            ):
                moments[name] = icalendar.prop.vDatetime.from_ical(value)
    except Exception:  # noqa: BLE001 — what cannot be read is left to the library
        return {}
    return moments


def _moment(event, name: str, utc_moments: dict[str, datetime]) -> datetime | None:
    """DTSTART or DTEND as an aware moment; a date or a floating time cannot be compared."""
    if name not in event:
        return None
    if name in utc_moments:
        return utc_moments[name]
    try:
        value = event.decoded(name)
    except Exception:  # noqa: BLE001 — a broken time is treated as absent
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, date):
        return None
    return None


def _address(value) -> str:
    """The e-mail address of a mailto: calendar address, or raise Unreadable."""
    raw = str(value)
    if text.contains_control_characters(raw):
        raise Unreadable("control character in a calendar address")
    match = MAILTO.fullmatch(raw.strip())
    if match is None:
        raise Unreadable(f"not a mailto: address: {cleaned(raw, 80)}")
    return match["address"]


def _attendees(event) -> tuple[Attendee, ...]:
    values = event.get("ATTENDEE")
    if values is None:
        raise Unreadable("no ATTENDEE")
    if not isinstance(values, list):
        values = [values]
    attendees = []
    for value in values:
        params = getattr(value, "params", {})
        partstat = str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper()
        if text.contains_control_characters(partstat):
            raise Unreadable("control character in PARTSTAT")
        delegated_to = params.get("DELEGATED-TO", "")
        if isinstance(delegated_to, list):
            delegated_to = delegated_to[0] if delegated_to else ""
        attendees.append(
            Attendee(
                email=_address(value),
                partstat=partstat[:20],
                delegated_to=_address(delegated_to) if delegated_to else "",
            )
        )
    return tuple(attendees)


def calendar_read(calendar_text: str, *, method_parameter: str = "") -> CalendarAnswer:
    """The answer in one iCalendar object, read with the icalendar library, or Unreadable."""
    try:
        calendar = icalendar.Calendar.from_ical(calendar_text)
    except Exception as error:  # noqa: BLE001 — the library raises many kinds for bad input
        raise Unreadable(f"broken iCalendar: {cleaned(error, 200)}") from None
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise Unreadable("not a VCALENDAR")
    # RFC 6047, 2.4: the Content-Type's method and the object's METHOD are the same; a client
    # that leaves one out is read by the other.
    method = cleaned(calendar.get("METHOD") or method_parameter, 20).upper()
    if not method:
        raise Unreadable("no METHOD")
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        raise Unreadable(f"{len(events)} VEVENTs, not one")
    event = events[0]
    uid = str(event.get("UID", ""))
    if not uid:
        raise Unreadable("no UID")
    if text.contains_control_characters(uid):
        raise Unreadable("control character in the UID")
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        raise Unreadable("SEQUENCE is not a number") from None
    if sequence < 0:
        raise Unreadable("negative SEQUENCE")
    utc_moments = _event_utc_moments(calendar_text)
    return CalendarAnswer(
        method=method,
        uid=uid[:255],
        sequence=sequence,
        attendees=_attendees(event),
        starts_at=_moment(event, "DTSTART", utc_moments),
        ends_at=_moment(event, "DTEND", utc_moments),
    )


def _plain_text(mime: Message) -> str:
    """The first text/plain part, read leniently: only an excerpt is kept for staff."""
    for part in mime.walk():
        if (
            part.get_content_type() == "text/plain"
            and part.get_content_disposition() != "attachment"
        ):
            data = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                return data[: EXCERPT_CHARACTERS * 4].decode(charset, errors="replace")
            except LookupError:
                return data[: EXCERPT_CHARACTERS * 4].decode("utf-8", errors="replace")
    return ""


def message_read(raw: bytes, *, size: int | None = None) -> IncomingMessage:
    """Everything the pipeline needs from one message; never raises.

    ``size`` is the whole message's size when only its headers were fetched.
    """
    if max(size or 0, len(raw)) > MAX_MESSAGE_OCTETS:
        # Only the headers are read, for the Message-ID and the sender staff will see.
        head = raw[: 64 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        try:
            mime = email.message_from_bytes(head, policy=email.policy.compat32)
        except Exception:  # noqa: BLE001
            mime = None
        incoming = IncomingMessage(message_id=_message_id(raw, mime), problem="message too large")
        if mime is not None:
            incoming.sender, incoming.subject = _headers(mime)
        return incoming
    try:
        mime = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # noqa: BLE001 — the parser copes with most damage; not with all
        return IncomingMessage(message_id=_message_id(raw, None), problem="not a message")
    incoming = IncomingMessage(message_id=_message_id(raw, mime))
    try:
        incoming.sender, incoming.subject = _headers(mime)
        incoming.recipients = proof.message_recipients(mime)
        incoming.dmarc_passed = proof.dmarc_passed_domains(mime)
        incoming.is_automatic = _is_automatic(mime)
        part = calendar_part_find(mime)
        if part is None:
            incoming.excerpt = _excerpt(_plain_text(mime))
            return incoming
        calendar_text = _part_text(part)
        incoming.excerpt = _calendar_excerpt(calendar_text)
        incoming.calendar = calendar_read(
            calendar_text, method_parameter=str(part.get_param("method") or "")
        )
    except Unreadable as error:
        incoming.problem = str(error)
    except Exception as error:  # noqa: BLE001 — hostile input must never stop the pipeline
        incoming.problem = f"unreadable message: {cleaned(type(error).__name__, 80)}"
    return incoming


def _headers(mime: Message) -> tuple[str, str]:
    """The sender's address and the subject, decoded (RFC 2047) as far as they can be."""
    try:
        sender = _sender(mime)
    except Exception:  # noqa: BLE001
        sender = ""
    try:
        subject = str(email.header.make_header(email.header.decode_header(mime["Subject"] or "")))
    except Exception:  # noqa: BLE001 — an undecodable subject is kept as it came
        subject = str(mime["Subject"] or "")
    return sender, cleaned(link_like_removed(text.one_line(subject)), 255)

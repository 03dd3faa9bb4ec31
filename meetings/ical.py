"""iCalendar objects for meetings: invitations, cancellations, downloads and feeds.

Written by hand rather than through a library because calendar clients are strict about
details that libraries decide for us: every byte here follows RFC 5545 (format) and RFC 5546
(iTIP methods), and the tests check the bytes themselves.

- Lines end in CRLF and are folded at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1).
- TEXT values escape backslash, semicolon, comma and line breaks (3.3.11).
- Parameter values are always quoted, with any ``"`` removed, since a quoted-string cannot
  contain one (3.2).
- Times are written in America/Toronto with a hand-written VTIMEZONE of one DAYLIGHT and one
  STANDARD rule (3.6.5). Generated VTIMEZONEs with RDATE lists confuse Outlook, and vobject keeps
  only their first value. DTSTAMP, CREATED and LAST-MODIFIED are in UTC, as 3.8.7 requires.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peernet import text

from .formats import eastern_span
from .models import Meeting
from .timezones import EASTERN

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
PRODID = "-//PeerNet//Meetings 1.0//EN"
TZID = "America/Toronto"

# America/Toronto since 2007 (and for as long as the current rules last): one rule for the
# switch to daylight time, the second Sunday of March at 02:00, and one for the return to
# standard time, the first Sunday of November at 02:00. RFC 5545, 3.6.5, example 2.
VTIMEZONE_LINES = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
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
)


# --- RFC 5545 value and line formatting -------------------------------------------------------
# RFC 5545 allows no control character other than HTAB in a TEXT value (3.3.11, TSAFE-CHAR,
# where a line break is written as \n) or a parameter value (3.1, QSAFE-CHAR), and clients choke
# on them: peernet.text's rules read every kind of line break and drop the other controls.


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11).

    Every kind of line break becomes ``\\n``; other control characters are dropped.
    """
    value = text.line_breaks_unified(value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def quote_parameter(value: str) -> str:
    """A quoted parameter value (RFC 5545, 3.2): no DQUOTE and no control character inside."""
    return '"' + text.one_line(value.replace('"', "")) + '"'


def common_name(person_name: str, email: str) -> str:
    """The CN parameter: the person's name, or their address when nothing of the name is left."""
    quoted = quote_parameter(person_name or "")
    return quoted if quoted != '""' else quote_parameter(email)


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1).

    Each continuation line starts with one space, which counts in its 75 octets.
    """
    data = line.encode("utf-8")
    if len(data) <= MAX_LINE_OCTETS:
        return line  # most lines
    # Cut the octets, stepping back off any continuation octet (10xxxxxx) so that a cut
    # always falls between two characters.
    parts, start, limit = [], 0, MAX_LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, MAX_LINE_OCTETS - 1
    parts.append(data[start:].decode("utf-8"))
    return (CRLF + " ").join(parts)


def content_line(name: str, content: str, **parameters: str) -> str:
    """``NAME;PARAM=value:content``; parameter names are given in Python form (rsvp → RSVP)."""
    params = "".join(
        f";{key.upper().replace('_', '-')}={parameter}" for key, parameter in parameters.items()
    )
    return f"{name}{params}:{content}"


def format_utc(moment: datetime) -> str:
    """A DATE-TIME in UTC, form 2 of RFC 5545, 3.3.5."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def datetime_line(name: str, moment: datetime) -> str:
    """DTSTART or DTEND in Eastern time with its TZID, or in UTC when that would be ambiguous.

    A local time in the hour repeated when daylight time ends names its first occurrence
    (RFC 5545, 3.3.5), so an instant in the second one can only be written in UTC.
    """
    local = moment.astimezone(EASTERN)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=EASTERN, fold=0).utcoffset()
    second = naive.replace(tzinfo=EASTERN, fold=1).utcoffset()
    if first != second:
        return content_line(name, format_utc(moment))
    return content_line(name, naive.strftime("%Y%m%dT%H%M%S"), tzid=TZID)


def calendar_text(lines) -> str:
    """Join content lines into one iCalendar object: folded, CRLF after every line."""
    return "".join(fold_line(line) + CRLF for line in lines)


# --- Meetings as events -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    def address(self) -> str:
        return f"mailto:{self.email}"


def organizer() -> Person:
    """The organiser is the address invitations are sent from, so that replies reach staff."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Person(name=name or "PeerNet", email=address)


def interpretation_sentence(meeting: Meeting) -> str:
    if meeting.has_interpretation:
        return _("Held in English, with simultaneous French interpretation.")
    return _("Held in English.")


def no_link_sentence() -> str:
    return _("The link to join will be sent to you before the meeting.")


def not_recorded_sentence() -> str:
    return _("This meeting is not recorded.")


def _description(
    meeting: Meeting, *, with_join: bool, links: dict[str, str], cancelled: bool
) -> str:
    """The event's DESCRIPTION in the active language."""
    paragraphs = []
    if cancelled:
        paragraphs.append(_("This meeting was cancelled."))
    if meeting.theme:
        paragraphs.append(_("Theme: %(theme)s") % {"theme": meeting.theme})
    if meeting.description:
        paragraphs.append(meeting.description.strip())
    when = eastern_span(meeting.starts_at, meeting.ends_at)
    paragraphs.append(_("%(when)s, Eastern time.") % {"when": when})
    if with_join:
        if meeting.join_url:
            join = [
                _("Join on %(platform)s: %(link)s")
                % {"platform": meeting.platform_label, "link": meeting.join_url}
            ]
        else:
            # Scheduled before the link exists: adding it later sends the update.
            join = [no_link_sentence()]
        if meeting.passcode:
            join.append(_("Passcode: %(passcode)s") % {"passcode": meeting.passcode})
        paragraphs.append("\n".join(join))
    paragraphs.append(f"{interpretation_sentence(meeting)} {not_recorded_sentence()}")
    if links.get("accept"):
        paragraphs.append(
            "\n".join(
                [
                    _("Attending: %(link)s") % {"link": links["accept"]},
                    _("Not attending: %(link)s") % {"link": links["decline"]},
                ]
            )
        )
    if links.get("detail"):
        paragraphs.append(_("Details: %(link)s") % {"link": links["detail"]})
    return "\n\n".join(paragraphs)


def _event_lines(
    meeting: Meeting,
    *,
    dtstamp: datetime,
    with_join: bool,
    links: dict[str, str],
    attendee: Person | None = None,
    rsvp: bool = False,
    cancelled: bool = False,
    host: Person | None = None,
) -> list[str]:
    host = host or organizer()
    lines = [
        "BEGIN:VEVENT",
        content_line("UID", escape_text(meeting.calendar_uid)),
        content_line("SEQUENCE", str(meeting.sequence)),
        content_line("DTSTAMP", format_utc(dtstamp)),
        content_line("CREATED", format_utc(meeting.created_at)),
        content_line("LAST-MODIFIED", format_utc(meeting.updated_at)),
        datetime_line("DTSTART", meeting.starts_at),
        datetime_line("DTEND", meeting.ends_at),
        content_line("SUMMARY", escape_text(meeting.title)),
        content_line(
            "DESCRIPTION",
            escape_text(
                _description(meeting, with_join=with_join, links=links, cancelled=cancelled)
            ),
        ),
    ]
    if with_join and meeting.join_url:
        lines.append(content_line("LOCATION", escape_text(meeting.join_url)))
    else:
        lines.append(content_line("LOCATION", escape_text(meeting.platform_label)))
    if links.get("detail"):
        # URL is a URI value, not TEXT (RFC 5545, 3.8.4.6): no escaping.
        lines.append(content_line("URL", links["detail"]))
    lines.append(content_line("ORGANIZER", host.address(), cn=common_name(host.name, host.email)))
    if attendee is not None:
        parameters = {
            "cutype": "INDIVIDUAL",
            "role": "REQ-PARTICIPANT",
            "partstat": "NEEDS-ACTION",
        }
        if rsvp:
            parameters["rsvp"] = "TRUE"
        parameters["cn"] = common_name(attendee.name, attendee.email)
        lines.append(content_line("ATTENDEE", attendee.address(), **parameters))
    lines += [
        content_line("STATUS", "CANCELLED" if cancelled else "CONFIRMED"),
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def _calendar(method: str, events: list[str], *, extra: list[str] = ()) -> str:
    return calendar_text(
        [
            "BEGIN:VCALENDAR",
            content_line("PRODID", PRODID),
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            content_line("METHOD", method),
            *extra,
            *VTIMEZONE_LINES,
            *events,
            "END:VCALENDAR",
        ]
    )


def calendar_request(
    *, meeting: Meeting, attendee: Person, language: str, links: dict[str, str], now=None
) -> str:
    """The iTIP REQUEST that invites one member, or updates their copy (RFC 5546, 3.2.2)."""
    with translation.override(language):
        event = _event_lines(
            meeting,
            dtstamp=now or timezone.now(),
            with_join=True,
            links=links,
            attendee=attendee,
            rsvp=True,
        )
        return _calendar("REQUEST", event)


def calendar_cancel(
    *, meeting: Meeting, attendee: Person, language: str, links: dict[str, str], now=None
) -> str:
    """The iTIP CANCEL that removes the meeting from a member's calendar (RFC 5546, 3.2.5)."""
    with translation.override(language):
        event = _event_lines(
            meeting,
            dtstamp=now or timezone.now(),
            with_join=False,
            links=links,
            attendee=attendee,
            cancelled=True,
        )
        return _calendar("CANCEL", event)


def calendar_publish(
    *,
    meetings,
    language: str,
    with_join: bool,
    links_for,
    name: str = "",
    now=None,
) -> str:
    """A PUBLISH object (RFC 5546, 3.2.1) for a download or a subscribed feed.

    Downloads must not be REQUESTs: a client opening a REQUEST that does not list its user as
    ATTENDEE refuses to accept it. Cancelled meetings stay in, as STATUS:CANCELLED, so that a
    subscribed calendar shows them as cancelled rather than silently dropping them.
    ``links_for(meeting)`` gives the links of each event.
    """
    dtstamp = now or timezone.now()
    host = organizer()  # the same for every event: parsed once, not once a meeting
    with translation.override(language):
        events = []
        for meeting in meetings:
            cancelled = meeting.is_cancelled
            events += _event_lines(
                meeting,
                dtstamp=dtstamp,
                with_join=with_join and not cancelled and bool(meeting.join_url),
                links=links_for(meeting),
                cancelled=cancelled,
                host=host,
            )
        extra = []
        if name:
            # Calendar name and refresh hints of RFC 7986 and their older X- spellings.
            extra = [
                content_line("NAME", escape_text(name)),
                content_line("X-WR-CALNAME", escape_text(name)),
                content_line("REFRESH-INTERVAL", "PT6H", value="DURATION"),
                content_line("X-PUBLISHED-TTL", "PT6H"),
            ]
        return _calendar("PUBLISH", events, extra=extra)

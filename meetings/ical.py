"""iCalendar objects for meetings: invitations, cancellations, downloads and feeds.

Every object is built with the ``icalendar`` library: components (VCALENDAR, VTIMEZONE, VEVENT),
typed properties and parameters, and the library's content lines, folded by its rule (at most
75 octets a line, never inside a UTF-8 character, RFC 5545, 3.1) and each ended by CRLF. What
is decided here, because calendar clients are strict about it, and what the tests check byte
by byte:

- Methods and content follow RFC 5546: a REQUEST invites one member, a CANCEL removes the
  meeting, and a download or feed is a PUBLISH.
- TEXT values drop every control character other than HTAB and escape backslash, semicolon,
  comma and line breaks (3.3.11). The escaping is written here: see :class:`Text`.
- Parameter values lose any ``"`` and control character, and CN is always a quoted-string
  (3.2): see :class:`QuotedNameParameters`.
- Times are written in America/Toronto with a fixed VTIMEZONE of one DAYLIGHT and one STANDARD
  rule (3.6.5). Generated VTIMEZONEs with RDATE lists confuse Outlook, and vobject keeps only
  their first value. DTSTAMP, CREATED and LAST-MODIFIED are in UTC, as 3.8.7 requires.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Parameters,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDatetime,
    vDuration,
    vInt,
    vText,
    vUri,
)
from icalendar.parser import Contentline

from peernet import text

from .formats import eastern_span
from .models import Meeting
from .timezones import EASTERN

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
PRODID = "-//PeerNet//Meetings 1.0//EN"
TZID = "America/Toronto"
# How often a subscribed calendar should read the feed again.
REFRESH = timedelta(hours=6)


# --- RFC 5545 values --------------------------------------------------------------------------
# RFC 5545 allows no control character other than HTAB in a TEXT value (3.3.11, TSAFE-CHAR,
# where a line break is written as \n) or a parameter value (3.1, QSAFE-CHAR), and clients choke
# on them: peernet.text's rules read every kind of line break and drop the other controls. The
# library escapes but keeps control characters, so they are removed before a value reaches it.


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11).

    Every kind of line break becomes ``\\n``; other control characters are dropped.
    """
    return _escaped(text.line_breaks_unified(value))


class Text(vText):
    """A TEXT value, free of control characters, escaped exactly as RFC 5545, 3.3.11 says.

    The escaping is the one piece of TEXT written here rather than left to ``vText``: before
    escaping, ``vText`` reads a backslash followed by ``N`` in the value as a line break (its
    convention for text written in Python), so a path typed by staff such as
    ``\\\\files\\Notes`` would reach members as two lines. Staff text is taken as it was typed.
    """

    __slots__ = ()

    def __new__(cls, value: str, encoding: str = "utf-8", /, params=None):
        return super().__new__(cls, text.line_breaks_unified(value), encoding, params=params)

    def to_ical(self) -> bytes:
        return _escaped(self).encode("utf-8")


def parameter_text(value: str) -> str:
    """A parameter value (RFC 5545, 3.2) on one line, with no DQUOTE and no control character.

    A quoted-string cannot hold a ``"``. The library would write one as ``^'`` (RFC 6868), which
    Outlook shows as it stands, so the character is dropped: every client shows the same name.
    """
    return text.one_line(value.replace('"', ""))


def common_name(person_name: str, email: str) -> str:
    """The CN parameter: the person's name, or their address when nothing of the name is left."""
    return parameter_text(person_name or "") or parameter_text(email)


class QuotedNameParameters(Parameters):
    """Parameters whose CN is always a quoted-string, whatever the name holds (RFC 5545, 3.2).

    The library quotes a CN only when it sees a character it knows to need quotes; quoting every
    name keeps the rule out of the library's hands, and the ``"`` it cannot hold was removed by
    :func:`common_name`.
    """

    always_quoted = (*Parameters.always_quoted, "CN")


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1).

    The rule at its plainest: each line as long as 75 octets allow, each continuation line
    starting with one space, which counts in its 75 octets. Calendars are folded by
    :func:`fold_content_line`.
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


# The octets of a folded line before its CRLF, the leading space of a continuation not counted.
LIBRARY_FOLD_OCTETS = MAX_LINE_OCTETS - 1
_ESCAPE_OCTETS = b"\\^"


def fold_content_line(line: str) -> str:
    """Fold a content line as the library does: at most 75 octets a line, never inside a UTF-8
    character, and a backslash (or RFC 6868's ``^``) that would end a line moved to the next.

    RFC 5545, 3.1 allows a fold between any two characters; the library moves the backslash so
    that an escape such as ``\\,`` usually stays on one line, for clients that read a fold
    inside one wrongly. Its own folding walks the line one character at a time, which took a
    fifth of the time a feed of 20 meetings spent on its calendar; this cuts the encoded octets
    instead and gives the same text, which the tests check against the library's.
    """
    data = line.encode("utf-8")
    if len(data) <= LIBRARY_FOLD_OCTETS:
        return line  # most lines
    parts, start = [], 0
    while len(data) - start > LIBRARY_FOLD_OCTETS:
        end = start + LIBRARY_FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # a continuation octet (10xxxxxx): step back
            end -= 1
        if data[end - 1] in _ESCAPE_OCTETS:
            end -= 1  # the escape goes with the character it escapes
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def calendar_text(component) -> str:
    """The component as iCalendar text: the library's content lines, in the order they were
    added (clients read VCALENDAR's METHOD before its components), each folded by
    :func:`fold_content_line` and ended by CRLF: the text of ``to_ical(sorted=False)``."""
    return "".join(
        fold_content_line(line) + CRLF for line in component.content_lines(sorted=False) if line
    )


def event_time(moment: datetime) -> datetime:
    """The time DTSTART or DTEND is written in: Eastern time, or UTC when that is ambiguous.

    A local time in the hour repeated when daylight time ends names its first occurrence
    (RFC 5545, 3.3.5), so an instant in the second one can only be written in UTC.
    """
    local = moment.astimezone(EASTERN)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=EASTERN, fold=0).utcoffset()
    second = naive.replace(tzinfo=EASTERN, fold=1).utcoffset()
    if first != second:
        return moment.astimezone(UTC)
    return local


def datetime_line(name: str, moment: datetime) -> str:
    """The content line of DTSTART or DTEND, unfolded: with its TZID, or in UTC."""
    value = vDatetime(event_time(moment))
    return str(Contentline.from_parts(name, value.params, value, sorted=False))


def utc_time(moment: datetime) -> vDatetime:
    """DTSTAMP, CREATED or LAST-MODIFIED: a DATE-TIME in UTC, form 2 of RFC 5545, 3.3.5."""
    return vDatetime(moment.astimezone(UTC))


# --- The time zone ----------------------------------------------------------------------------


def _eastern_timezone() -> Timezone:
    """America/Toronto since 2007 (and for as long as the current rules last).

    One rule for the switch to daylight time, the second Sunday of March at 02:00, and one for
    the return to standard time, the first Sunday of November at 02:00: RFC 5545, 3.6.5,
    example 2. The library's own ``Timezone.from_tzid`` writes RDATE lists instead.
    """
    zone = Timezone()
    zone.add("TZID", TZID)
    for kind, offset_from, offset_to, name, start, month, day in (
        (TimezoneDaylight, -5, -4, "EDT", datetime(1970, 3, 8, 2), 3, "2SU"),
        (TimezoneStandard, -4, -5, "EST", datetime(1970, 11, 1, 2), 11, "1SU"),
    ):
        rule = kind()
        rule.add("TZOFFSETFROM", timedelta(hours=offset_from))
        rule.add("TZOFFSETTO", timedelta(hours=offset_to))
        rule.add("TZNAME", name)
        rule.add("DTSTART", start)
        rule.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": day})
        zone.add_component(rule)
    return zone


# Built once: every calendar carries the same component, which is only ever read.
VTIMEZONE = _eastern_timezone()
VTIMEZONE_LINES = tuple(VTIMEZONE.to_ical(sorted=False).decode("utf-8").split(CRLF)[:-1])


# --- Meetings as events -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str

    def address(self) -> str:
        return f"mailto:{self.email}"


def organizer() -> Person:
    """The organiser is the mailbox PeerNet reads calendar replies from (iMIP, RFC 6047): the
    address invitations are sent from unless ``PEERNET_ORGANIZER_EMAIL`` names another."""
    name, address = parseaddr(settings.PEERNET_ORGANIZER_EMAIL)
    return Person(name=name or "PeerNet", email=address)


def calendar_address(person: Person, **parameters: str) -> vCalAddress:
    """ORGANIZER or ATTENDEE: the person's mailto: address with the parameters in the order
    given (``partstat`` is PARTSTAT), then CN. The order is not significant to readers; it is
    kept so that one invitation's bytes do not change from one version to the next."""
    address = vCalAddress.new(person.email)
    address.params = QuotedNameParameters(
        {key.upper().replace("_", "-"): value for key, value in parameters.items()}
    )
    address.params["CN"] = common_name(person.name, person.email)
    return address


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


# Values that are the same in every event, made once (the library only reads them).
_CONFIRMED, _CANCELLED, _OPAQUE = vText("CONFIRMED"), vText("CANCELLED"), vText("OPAQUE")


def _event(
    meeting: Meeting,
    *,
    dtstamp: vDatetime,
    with_join: bool,
    links: dict[str, str],
    host: vCalAddress,
    attendee: Person | None = None,
    rsvp: bool = False,
    cancelled: bool = False,
) -> Event:
    # Typed values set directly, in the order they are written: ``Event.add`` would infer each
    # value's type again, for a sixth of the time a feed spends on its calendar.
    event = Event()
    event["UID"] = Text(meeting.calendar_uid)
    event["SEQUENCE"] = vInt(meeting.sequence)
    event["DTSTAMP"] = dtstamp
    event["CREATED"] = utc_time(meeting.created_at)
    event["LAST-MODIFIED"] = utc_time(meeting.updated_at)
    event["DTSTART"] = vDatetime(event_time(meeting.starts_at))
    event["DTEND"] = vDatetime(event_time(meeting.ends_at))
    event["SUMMARY"] = Text(meeting.title)
    description = _description(meeting, with_join=with_join, links=links, cancelled=cancelled)
    event["DESCRIPTION"] = Text(description)
    if with_join and meeting.join_url:
        event["LOCATION"] = Text(meeting.join_url)
    else:
        event["LOCATION"] = Text(meeting.platform_label)
    if links.get("detail"):
        # URL is a URI value, not TEXT (RFC 5545, 3.8.4.6): written unescaped.
        event["URL"] = vUri(links["detail"])
    event["ORGANIZER"] = host
    if attendee is not None:
        parameters = {"cutype": "INDIVIDUAL", "role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION"}
        if rsvp:
            parameters["rsvp"] = "TRUE"
        event["ATTENDEE"] = calendar_address(attendee, **parameters)
    event["STATUS"] = _CANCELLED if cancelled else _CONFIRMED
    event["TRANSP"] = _OPAQUE
    return event


def _calendar(method: str, events: list[Event], *, name: str = "") -> str:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    if name:
        # Calendar name and refresh hints of RFC 7986 and their older X- spellings.
        calendar.add("NAME", Text(name))
        calendar.add("X-WR-CALNAME", Text(name))
        # RFC 7986, 5.7 requires VALUE=DURATION; the library does not add it.
        calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), {"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    calendar.add_component(VTIMEZONE)
    for event in events:
        calendar.add_component(event)
    return calendar_text(calendar)


def calendar_request(
    *, meeting: Meeting, attendee: Person, language: str, links: dict[str, str], now=None
) -> str:
    """The iTIP REQUEST that invites one member, or updates their copy (RFC 5546, 3.2.2)."""
    with translation.override(language):
        event = _event(
            meeting,
            dtstamp=utc_time(now or timezone.now()),
            with_join=True,
            links=links,
            host=calendar_address(organizer()),
            attendee=attendee,
            rsvp=True,
        )
        return _calendar("REQUEST", [event])


def calendar_cancel(
    *, meeting: Meeting, attendee: Person, language: str, links: dict[str, str], now=None
) -> str:
    """The iTIP CANCEL that removes the meeting from a member's calendar (RFC 5546, 3.2.5)."""
    with translation.override(language):
        event = _event(
            meeting,
            dtstamp=utc_time(now or timezone.now()),
            with_join=False,
            links=links,
            host=calendar_address(organizer()),
            attendee=attendee,
            cancelled=True,
        )
        return _calendar("CANCEL", [event])


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
    # The same for every event: built once.
    dtstamp = utc_time(now or timezone.now())
    host = calendar_address(organizer())
    with translation.override(language):
        events = [
            _event(
                meeting,
                dtstamp=dtstamp,
                with_join=with_join and not meeting.is_cancelled and bool(meeting.join_url),
                links=links_for(meeting),
                cancelled=meeting.is_cancelled,
                host=host,
            )
            for meeting in meetings
        ]
        return _calendar("PUBLISH", events, name=name)

"""Meetings as iCalendar events: the REQUEST and CANCEL of one member's invitation, and the
PUBLISH of a download or a feed (RFC 5546).

Every object is built with the ``icalendar`` library's components, typed properties and
parameters; the values it would get wrong for calendar clients come from ``values.py`` and the
times from ``times.py``.
"""

from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDatetime, vDuration, vInt, vText, vUri

from ..formats import eastern_span
from ..models import Meeting
from .times import VTIMEZONE, event_time, utc_time
from .values import QuotedNameParameters, Text, calendar_text, common_name

PRODID = "-//PeerNet//Meetings 1.0//EN"
# How often a subscribed calendar should read the feed again.
REFRESH = timedelta(hours=6)


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


def _attendee_calendar(
    method: str,
    *,
    meeting: Meeting,
    attendee: Person,
    language: str,
    links: dict[str, str],
    now,
    host: Person | None,
    **event_options,
) -> str:
    """One member's copy of the meeting, sent with ``method`` (iTIP, RFC 5546). ``host`` is
    the ORGANIZER to name, the plain organiser by default."""
    with translation.override(language):
        event = _event(
            meeting,
            dtstamp=utc_time(now or timezone.now()),
            links=links,
            host=calendar_address(host or organizer()),
            attendee=attendee,
            **event_options,
        )
        return _calendar(method, [event])


def calendar_request(
    *,
    meeting: Meeting,
    attendee: Person,
    language: str,
    links: dict[str, str],
    now=None,
    host: Person | None = None,
) -> str:
    """The iTIP REQUEST that invites one member, or updates their copy (RFC 5546, 3.2.2)."""
    return _attendee_calendar(
        "REQUEST",
        meeting=meeting,
        attendee=attendee,
        language=language,
        links=links,
        now=now,
        host=host,
        with_join=True,
        rsvp=True,
    )


def calendar_cancel(
    *,
    meeting: Meeting,
    attendee: Person,
    language: str,
    links: dict[str, str],
    now=None,
    host: Person | None = None,
) -> str:
    """The iTIP CANCEL that removes the meeting from a member's calendar (RFC 5546, 3.2.5)."""
    return _attendee_calendar(
        "CANCEL",
        meeting=meeting,
        attendee=attendee,
        language=language,
        links=links,
        now=now,
        host=host,
        with_join=False,
        cancelled=True,
    )


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

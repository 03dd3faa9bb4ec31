"""iCalendar objects for meetings: invitations, cancellations, downloads and feeds.

Every object is built with the ``icalendar`` library: components (VCALENDAR, VTIMEZONE, VEVENT),
typed properties and parameters, and the library's content lines, folded by its rule (at most
75 octets a line, never inside a UTF-8 character, RFC 5545, 3.1) and each ended by CRLF.
Methods and content follow RFC 5546: a REQUEST invites one member, a CANCEL removes the
meeting, and a download or feed is a PUBLISH.

One module per concern, and callers use the names exported here:

- ``events``: meetings as events, and the REQUEST, CANCEL and PUBLISH objects that carry them;
- ``values``: the bytes kept by hand because calendar clients are strict about them and the
  library would get them wrong (TEXT escaping, parameter values and the quoted CN, folding);
- ``times``: the times events are written in, and the fixed VTIMEZONE of America/Toronto.
"""

from .events import (
    PRODID,
    REFRESH,
    Person,
    calendar_address,
    calendar_cancel,
    calendar_publish,
    calendar_request,
    interpretation_sentence,
    no_link_sentence,
    not_recorded_sentence,
    organizer,
)
from .times import TZID, VTIMEZONE, VTIMEZONE_LINES, datetime_line, event_time, utc_time
from .values import (
    CRLF,
    LIBRARY_FOLD_OCTETS,
    MAX_LINE_OCTETS,
    QuotedNameParameters,
    Text,
    calendar_text,
    common_name,
    escape_text,
    fold_content_line,
    fold_line,
    parameter_text,
)

__all__ = [
    "CRLF",
    "LIBRARY_FOLD_OCTETS",
    "MAX_LINE_OCTETS",
    "PRODID",
    "REFRESH",
    "TZID",
    "VTIMEZONE",
    "VTIMEZONE_LINES",
    "Person",
    "QuotedNameParameters",
    "Text",
    "calendar_address",
    "calendar_cancel",
    "calendar_publish",
    "calendar_request",
    "calendar_text",
    "common_name",
    "datetime_line",
    "escape_text",
    "event_time",
    "fold_content_line",
    "fold_line",
    "interpretation_sentence",
    "no_link_sentence",
    "not_recorded_sentence",
    "organizer",
    "parameter_text",
    "utc_time",
]

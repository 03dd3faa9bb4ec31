"""The bytes of iCalendar text that PeerNet keeps by hand rather than leave to the library.

Calendar clients are strict about these, and the tests check them byte by byte:

- TEXT values drop every control character other than HTAB and escape backslash, semicolon,
  comma and line breaks (RFC 5545, 3.3.11). The escaping is written here: see :class:`Text`.
- Parameter values lose any ``"`` and control character, and CN is always a quoted-string
  (3.2): see :class:`QuotedNameParameters`.
- Content lines are folded at 75 octets, never inside a UTF-8 character, each ended by CRLF
  (3.1): see :func:`fold_content_line` and :func:`calendar_text`.
"""

from icalendar import Parameters, vText

from peernet import text

CRLF = "\r\n"
MAX_LINE_OCTETS = 75

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

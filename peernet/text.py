"""The rules for text that people type, paste or send: which characters a form refuses, which
invisible ones are removed, how line breaks are read, and how text is folded for comparison.

Several policies live side by side on purpose, because the text goes to different places: a
form can refuse what a person can then correct, a service or a mail header can only clean what
it is given, and a password is compared rather than shown. Each policy says where it applies
and why it differs from its neighbours; the apps call these functions instead of writing their
own.
"""

import re
import unicodedata

# --- What typed text may contain --------------------------------------------------------------

# Unicode's "other" categories: controls, format characters (including the direction
# overrides that can make a name read backwards), surrogates, private use and unassigned code
# points. Nobody can see them on a page, so typed text does not carry them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# The Unicode line and paragraph separators (U+2028, U+2029).
_SEPARATOR_CATEGORIES = frozenset({"Zl", "Zp"})
# Zero-width non-joiner and joiner: format characters that some scripts (Persian, the Indic
# scripts, emoji sequences) need inside words, so they are never refused.
JOINERS = frozenset("\u200c\u200d")
# What a paragraph needs on top of a line: its line breaks and tabs.
PARAGRAPH_CONTROLS = frozenset("\n\r\t")
_REFUSED_IN_A_LINE = _INVISIBLE_CATEGORIES | _SEPARATOR_CATEGORIES
_KEPT_IN_PARAGRAPHS = JOINERS | PARAGRAPH_CONTROLS


def contains_characters_refused_in_a_line(value: str) -> bool:
    """Whether one-line typed text (a name, a job title, an organisation) holds an invisible
    character or a line break of any kind, joiners apart.

    Such text is printed in headers, lists, spreadsheets and calendars, where a line break
    breaks the layout and a direction override disguises what is written.
    """
    return any(
        unicodedata.category(char) in _REFUSED_IN_A_LINE and char not in JOINERS for char in value
    )


def contains_characters_refused_in_paragraphs(value: str) -> bool:
    """Whether paragraphs of typed text (an expression of interest's motivation) hold an
    invisible character other than joiners, line breaks and tabs.

    The same rule as for one line, except that paragraphs keep what separates them.
    """
    return any(
        unicodedata.category(char) in _INVISIBLE_CATEGORIES and char not in _KEPT_IN_PARAGRAPHS
        for char in value
    )


def contains_control_characters(value: str) -> bool:
    """Whether a password or a one-time code holds a control character (category Cc).

    Narrower than the rules for text on purpose: a password is compared, never shown, so a
    format character in it misleads nobody, and refusing one now would lock out a person
    whose password already holds it. Only what no keyboard types is refused.
    """
    return any(unicodedata.category(char) == "Cc" for char in value)


def contains_a_letter(value: str) -> bool:
    """Whether the text holds at least one letter, in any script."""
    return any(unicodedata.category(char).startswith("L") for char in value)


# --- Pasted text -------------------------------------------------------------------------------

# Invisible characters that word processors and web pages leave in copied text (soft hyphen,
# zero-width space, direction marks, word joiner, byte-order mark): nobody typed them and
# nobody can see them to take them out, so forms remove them rather than refuse them.
PASTED_INVISIBLE = frozenset("\u00ad\u200b\u200e\u200f\u2060\ufeff")
_PASTED_INVISIBLE_REMOVED = dict.fromkeys(map(ord, PASTED_INVISIBLE), None)
UNICODE_SEPARATORS = ("\u2028", "\u2029")


def pasted_invisible_removed(value: str) -> str:
    """The text without the invisible characters that copying leaves behind."""
    return value.translate(_PASTED_INVISIBLE_REMOVED)


def unicode_separators_replaced(value: str, replacement: str) -> str:
    """The Unicode line and paragraph separators replaced, by a line break or a space.

    Only these two: they arrive with pasted text and look like a line break, while a form
    refuses the other line breaks of a one-line field so that the person sees them.
    """
    for separator in UNICODE_SEPARATORS:
        value = value.replace(separator, replacement)
    return value


# --- Text that is cleaned rather than refused -----------------------------------------------------

# Every character Python reads as a line break (str.splitlines), CRLF first.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The control characters (C0, DEL, C1) other than HTAB and LF. RFC 5545 allows none of them in
# a TEXT value (3.3.11, TSAFE-CHAR) or a parameter value (3.1, QSAFE-CHAR).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def line_breaks_unified(value: str) -> str:
    """Every kind of line break as LF, other control characters dropped, tabs kept.

    For text that keeps its lines (meeting descriptions, iCalendar TEXT values). Format
    characters stay: RFC 5545 allows them, and a joiner belongs to its word.
    """
    return CONTROL_CHARACTERS.sub("", LINE_BREAKS.sub("\n", value))


def one_line(value: str) -> str:
    """Text on one line: line breaks, tabs, control characters and runs of spaces become one
    space, with none around it.

    For text written through a service rather than a form (meeting titles, themes, calendar
    names), where there is no field to show an error beside. Format characters stay, as in
    :func:`line_breaks_unified`.
    """
    value = CONTROL_CHARACTERS.sub(" ", LINE_BREAKS.sub(" ", value))
    return " ".join(value.split())


def visible_line(value: str) -> str:
    """One line of visible text only: every control, format and separator character (the
    no-break space included) becomes a space, and runs of spaces become one.

    Stricter than :func:`one_line` on purpose, for mail subjects: a subject is a header, where
    a line break would let content inject headers, and inbox lists and notifications render
    invisible and direction characters each in their own way. A joiner inside a word becomes a
    space there, which a subject can afford.
    """
    visible = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char for char in value
    )
    return " ".join(visible.split())


# --- Folding, to compare and to search ------------------------------------------------------------


def fold(value: str) -> str:
    """Lower case without accents, composed and decomposed forms alike, for comparing text
    typed in different ways (Côté and cote, Sḵwx̱wú7mesh and skwxwu7mesh)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Typographic apostrophes and dashes are typed as their ASCII forms: "st john's" finds
# "St. John’s" and "saint-jerome" finds "Saint‑Jérôme" (non-breaking hyphen).
_SEARCH_EQUIVALENTS = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\u2032\uff07", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    }
)


def search_fold(value: str) -> str:
    """:func:`fold`, with typographic apostrophes and dashes as their ASCII forms, for the
    words a visitor types into a search box.

    The eligibility checks keep :func:`fold`: they mostly compare words, where apostrophes and
    dashes vanish either way, and their whole-name comparison has never treated ’ as ', so
    changing it would change which requests are flagged.
    """
    return fold(value).translate(_SEARCH_EQUIVALENTS)

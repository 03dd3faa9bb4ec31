"""Which fields of a meeting staff may edit, which changes make a new revision, and how their
text is cleaned."""

from peernet.languages import language_codes
from peernet.text import line_breaks_unified, one_line

LANGUAGE_CODES = language_codes()


def _localized(*names: str) -> set[str]:
    return {f"{name}_{code}" for name in names for code in LANGUAGE_CODES}


# The fields staff edit: the model's names, in the order staff see them; the translated ones
# exist in each language (title_en, title_fr).
TRANSLATED_FIELDS = ("title", "theme", "description")
STAFF_FIELDS = (
    "title",
    "theme",
    "suggested_theme",
    "description",
    "starts_at",
    "ends_at",
    "platform",
    "platform_name",
    "join_url",
    "passcode",
    "has_interpretation",
)
EDITABLE_FIELDS = _localized(*TRANSLATED_FIELDS) | (set(STAFF_FIELDS) - set(TRANSLATED_FIELDS))
# A change to any other field raises SEQUENCE and sends the update: RFC 5545, 3.8.7.4 requires
# it for the time and status, and the link, title, platform and interpretation are what members
# act on. Theme and description changes are saved and shown everywhere without mailing everyone
# again.
UNMAILED_FIELDS = _localized("theme", "description") | {"suggested_theme"}
SIGNIFICANT_FIELDS = EDITABLE_FIELDS - UNMAILED_FIELDS

# What staff and members type is kept as text a calendar can carry: one line for names and
# codes, line breaks normalised in descriptions, never a control character (a pasted vertical
# tab or escape would otherwise reach subjects, pages and every .ics).
ONE_LINE_FIELDS = _localized("title", "theme") | {"platform_name", "passcode"}
MULTILINE_FIELDS = _localized("description")


def multiline(value: str) -> str:
    """Text whose line breaks are all LF, without control characters or surrounding spaces."""
    return line_breaks_unified(value).strip()


def fields_clean(fields: dict) -> dict:
    cleaned = dict(fields)
    for name, value in fields.items():
        if isinstance(value, str) and name in ONE_LINE_FIELDS:
            cleaned[name] = one_line(value)
        elif isinstance(value, str) and name in MULTILINE_FIELDS:
            cleaned[name] = multiline(value)
    return cleaned

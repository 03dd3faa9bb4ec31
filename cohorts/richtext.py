"""Rich text written by staff for the cohorts pages, cleaned by the portal's one set of rules
(:mod:`peernet.richtext`), which the editable public pages share."""

from peernet.richtext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    DROPPED_WITH_CONTENT,
    rich_text_clean,
    rich_text_render,
)

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "DROPPED_WITH_CONTENT",
    "rich_text_clean",
    "rich_text_render",
]

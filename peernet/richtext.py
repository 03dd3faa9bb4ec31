"""Rich text written by staff (community descriptions, advisor biographies, the texts of the
public pages), made safe. Every app that shows staff-written HTML cleans it here.

Staff type a small subset of HTML. It is cleaned with nh3 when it is stored and again when it
is shown, so that a row written before a rule changed, or written around the model (a raw
update, a fixture), still reaches the page without active content.
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe

from .text import line_breaks_unified

# Headings are left out on purpose: a description or a page's text sits under the page's own
# headings, and a staff-written <h1> would break their order (WCAG 1.3.1).
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "abbr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "hreflang", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Content of these elements is dropped, not kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "svg", "math", "iframe", "object"})


# After cleaning, a link can be left with nothing in it (its image was removed): a keyboard
# stop that screen readers announce as an unnamed link (WCAG 2.4.4, 4.1.2). Empty inline
# elements go first, so that a link holding only an empty <strong> is empty too.
_EMPTY_INLINE = re.compile(r"<(strong|em|b|i|abbr)\b[^>]*>(?:\s|&nbsp;|<br>)*</\1>")
_EMPTY_LINK = re.compile(r"<a\b[^>]*>(?:\s|&nbsp;|<br>)*</a>")


def _empty_links_removed(html: str) -> str:
    previous = None
    while previous != html:
        previous = html
        html = _EMPTY_LINK.sub("", _EMPTY_INLINE.sub("", html))
    return html


def rich_text_clean(html: str | None) -> str:
    """The HTML with every tag, attribute and link scheme outside the allow-list removed."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _empty_links_removed(cleaned).strip()


def rich_text_render(html: str | None) -> SafeString:
    """Clean again and mark safe for a template."""
    return mark_safe(rich_text_clean(html))  # cleaned on this very line


def page_text_clean(html: str | None) -> str:
    """The texts of the public pages: the same rules, and no control character either.

    A text pasted from a word processor can carry control characters that nh3 keeps; they are
    invisible on a page and break the lines of a search result or a screen reader's reading.
    """
    return rich_text_clean(line_breaks_unified(html or ""))


def page_text_render(html: str | None) -> SafeString:
    """Clean again and mark safe for a template."""
    return mark_safe(page_text_clean(html))  # cleaned on this very line

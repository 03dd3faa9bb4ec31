"""Rich text written by staff (community descriptions, advisor biographies), made safe.

Staff type a small subset of HTML. It is cleaned with nh3 when it is stored and again when it
is shown, so that a row written before a rule changed, or written around the model (a raw
update, a fixture), still reaches the page without active content.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe

# Headings are left out on purpose: a description sits under the page's own headings, and a
# staff-written <h1> would break their order (WCAG 1.3.1).
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "abbr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "hreflang", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Content of these elements is dropped, not kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "svg", "math", "iframe", "object"})


def rich_text_clean(html: str | None) -> str:
    """The HTML with every tag, attribute and link scheme outside the allow-list removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def rich_text_render(html: str | None) -> SafeString:
    """Clean again and mark safe for a template."""
    return mark_safe(rich_text_clean(html))  # cleaned on this very line

"""Template helpers of the cohorts pages: safe rich text and the language of shown content."""

from django import template
from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from cohorts.richtext import rich_text_render
from peernet.languages import language_codes

register = template.Library()


@register.filter
def rich_text(value):
    """Staff-written HTML, cleaned again on its way out."""
    return rich_text_render(value)


@register.filter
def shown_language(instance, field_name: str) -> str:
    """The language of the value a translated field shows, when it is not the page's.

    A French page that falls back to an English description marks it ``lang="en"`` so that
    screen readers pronounce it correctly (WCAG 3.1.2); an empty string means "the page's".
    """
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    if getattr(instance, build_localized_fieldname(field_name, current), None):
        return ""
    for code in language_codes():
        if code != current and getattr(instance, build_localized_fieldname(field_name, code), None):
            return code
    return ""

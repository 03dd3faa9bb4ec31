"""The texts of the public pages that staff write (staff.models.SiteText), for templates.

``{% site_texts "home" as sections %}`` reads every text of a page in one query, in the order
staff gave them. Each comes cleaned again and marked with the language it is written in when
that is not the page's (an English text on a French page while its French is missing), so that
screen readers pronounce it correctly (WCAG 3.1.2).
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from peernet.languages import language_codes
from peernet.richtext import page_text_render
from staff.models import SiteText

register = template.Library()


@dataclass(frozen=True)
class ShownText:
    key: str
    name: str
    title: str
    title_language: str
    body: SafeString
    body_language: str

    @property
    def anchor(self) -> str:
        """An id for the section, from its key: ``home-purpose``."""
        return self.key.replace(".", "-")


def _shown(text: SiteText, field: str) -> tuple[str, str]:
    """The value shown in the current language and, when it comes from the other language
    because this one is empty, that language's code."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    order = [current, *(code for code in language_codes() if code != current)]
    for code in order:
        value = getattr(text, build_localized_fieldname(field, code), None)
        if value:
            return value, "" if code == current else code
    return "", ""


def _page_texts(page: str) -> list[ShownText]:
    texts = SiteText.objects.filter(key__startswith=f"{page}.").order_by("order", "key")
    shown = []
    for text in texts:
        title, title_language = _shown(text, "title")
        body, body_language = _shown(text, "body")
        shown.append(
            ShownText(
                key=text.key,
                name=text.key.partition(".")[2],
                title=title if text.has_title else "",
                title_language=title_language if text.has_title else "",
                body=page_text_render(body),
                body_language=body_language,
            )
        )
    return shown


@register.simple_tag
def site_texts(page: str) -> list[ShownText]:
    """Every text of ``page`` ("home", "meetings", "cohorts"), in their order."""
    return _page_texts(page)


@register.simple_tag
def site_text(key: str) -> ShownText | None:
    """One text, by its key ("meetings.intro"); None when it does not exist."""
    page = key.partition(".")[0]
    return next((text for text in _page_texts(page) if text.key == key), None)

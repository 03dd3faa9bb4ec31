"""Template filters for meeting dates and times, in the active language, and the words and
buttons of members' answers, taken from :mod:`meetings.choices`."""

from django import template

from .. import formats
from ..choices import ANSWER_PHRASES, Response

register = template.Library()


@register.filter
def long_date(value) -> str:
    return formats.long_date(value) if value else ""


@register.filter
def clock(value) -> str:
    return formats.clock(value) if value else ""


@register.filter
def eastern_span(starts_at, ends_at) -> str:
    """``{{ meeting.starts_at|eastern_span:meeting.ends_at }}``, in Eastern time."""
    return formats.eastern_span(starts_at, ends_at) if starts_at and ends_at else ""


@register.simple_tag
def answer_phrase(response, phrase, title=""):
    """``{% answer_phrase response "label" %}``: the words of an answer in the active language.

    ``phrase`` is ``label`` (what the member's answer is, "No answer yet" when there is none)
    or one of :class:`meetings.choices.AnswerPhrases`; ``recorded`` names the meeting ``title``.
    """
    if phrase == "label":
        return (
            Response(response).label if response in Response.values else Response.NEEDS_ACTION.label
        )
    phrases = ANSWER_PHRASES.get(response)
    if phrases is None:
        return ""
    words = getattr(phrases, phrase)
    return str(words) % {"title": title} if phrase == "recorded" else words


@register.inclusion_tag("meetings/_answer_buttons.html")
def answer_buttons(meeting, *, next_url, current=None, in_list=False):
    """The buttons that answer ``meeting`` from a member's page, back to ``next_url``.

    ``current``, the member's answer, is shown pressed. ``in_list`` is for a page that lists
    several meetings: smaller buttons, each naming its meeting for screen readers.
    """
    return {
        "meeting": meeting,
        "answers": [(response, phrases.button) for response, phrases in ANSWER_PHRASES.items()],
        "next_url": next_url,
        "current": current,
        "in_list": in_list,
    }

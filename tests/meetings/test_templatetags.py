"""The words of members' answers reach the pages from meetings.choices, in either language."""

import pytest
from django.template import engines
from django.utils import translation

from meetings.choices import ANSWER_PHRASES, Response
from meetings.templatetags.meetings_tags import answer_buttons, answer_phrase

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("response", "english", "french"),
    [
        ("accepted", "Attending", "Participation confirmée"),
        ("declined", "Not attending", "Participation déclinée"),
        ("tentative", "Maybe", "Peut-être"),
        ("needs_action", "No answer yet", "Pas encore de réponse"),
        ("", "No answer yet", "Pas encore de réponse"),
        (None, "No answer yet", "Pas encore de réponse"),
    ],
)
def test_an_answer_label_is_the_enumeration_label(response, english, french):
    for language, words in (("en", english), ("fr", french)):
        with translation.override(language):
            assert str(answer_phrase(response, "label")) == words


def test_every_answer_has_its_phrases_and_no_answer_has_none():
    assert list(ANSWER_PHRASES) == [Response.ACCEPTED, Response.DECLINED, Response.TENTATIVE]
    assert answer_phrase(Response.NEEDS_ACTION, "button") == ""


def test_the_recorded_message_names_the_meeting_escaped():
    template = engines["django"].from_string(
        '{% load meetings_tags %}{% answer_phrase "tentative" "recorded" title=title %}'
    )
    with translation.override("fr"):
        rendered = template.render({"title": "Eau & <sol>"})
    assert rendered == "C’est noté : vous participerez peut-être à « Eau &amp; &lt;sol&gt; »."


def test_the_buttons_follow_the_enumeration():
    context = answer_buttons(object(), next_url="/back")
    assert [response for response, _words in context["answers"]] == [
        "accepted",
        "declined",
        "tentative",
    ]

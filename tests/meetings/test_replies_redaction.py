"""What staff may read of a reply: links and token-like runs go, words, dates and the lines of
a calendar stay."""

import time

import pytest

from meetings.replies.redaction import link_like_removed

pytestmark = pytest.mark.unit

SIGNATURE = "Sb67v5zhD0sAdkLIvGkh5Lcgsmj30lb5NDlkrowyZYw"
TOKEN = f"eyJ1IjoxMjM0NSwibSI6Njc4fQ:1xajiy:{SIGNATURE}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            f"> Accept: https://peernet.example/en/meetings/answer/{TOKEN[:30]}\n"
            f"> {TOKEN[30:]}/accept/ Thanks\n",
            "> Accept: [link]\n>  Thanks\n",
        ),
        (
            f"> Accept: https://peernet.example/en/meetings/answer/{TOKEN}/acc\n> ept/\n> Bye",
            "> Accept: [link]\n> \n> Bye",
        ),
        (f"voir peernet.example/fr/rencontres/reponse/{TOKEN}/accept/ merci", "voir [link] merci"),
        (f"token {TOKEN} alone", "token [link] alone"),
        (f"signature {SIGNATURE} alone", "signature [link] alone"),
        (
            "> Join: https://zoom.us/j/81234567890?pwd=\n> abcDEF123 and then",
            "> Join: [link]\n>  and then",
        ),
    ],
)
def test_links_and_their_broken_tails_are_removed(text, shown):
    assert link_like_removed(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Merci, je ne pourrai pas. Saint-Jean-sur-Richelieu, internationalisation.",
            "Merci, je ne pourrai pas. Saint-Jean-sur-Richelieu, internationalisation.",
        ),
        (
            "Côte-Nord-du-Golfe-du-Saint-Laurent; jordan.whitehead@calgary.ca",
            "Côte-Nord-du-Golfe-du-Saint-Laurent; jordan.whitehead@calgary.ca",
        ),
        (
            "DTSTAMP:20261208T011000Z\nX-MICROSOFT-CDO-OWNERAPPTID:-1187383927",
            "DTSTAMP:20261208T011000Z\nX-MICROSOFT-CDO-OWNERAPPTID:-1187383927",
        ),
        # A link at the end of a line does not take the next calendar line with it.
        (
            "COMMENT:see www.calgary.ca\nPRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "COMMENT:see [link]\nPRODID:-//Google Inc//Google Calendar 70.9054//EN",
        ),
    ],
)
def test_words_dates_and_calendar_lines_are_kept(text, shown):
    assert link_like_removed(text) == shown


@pytest.mark.parametrize(
    "hostile", ["a" * 250_000, "a." * 125_000, ("ab" * 10 + ":") * 12_000, "x" * 250_000 + ":ab:"]
)
def test_a_calendar_part_at_its_size_limit_is_read_in_linear_time(hostile):
    started = time.monotonic()
    link_like_removed(hostile)
    assert time.monotonic() - started < 2

"""What staff may read of a reply: its text without anything from which a link that acts for
a member could be rebuilt.

A reply that quotes the invitation quotes the member's one-click answer links (a signed token
in the address) and the meeting's join link. A mail program that wraps long lines breaks such a
link in two, and the second line then starts with the token's tail and its signature; the head
of a token is only the member's id in base64, so the tail is all a reader would need. The text
kept and shown therefore loses every link, together with what continues it on the next line,
and every long run of token characters that reads neither as a word nor as an iCalendar date.
"""

import re

from django.urls import reverse
from django.utils import translation

from peernet.languages import language_codes

REMOVED = "[link]"

# What makes a word a link: a scheme, a "www." start, or a domain's end followed by a path.
# Text is read word by word (a word runs to the next space), so that no pattern here ever
# backtracks over a long line.
LINK_MARKS = [r"(?:https?|webcal)://", r"^www\.", r"\.[A-Za-z]{2,}/"]
WORD = re.compile(r"\S+")
# What a mail program puts before a quoted line.
QUOTE_MARKS = re.compile(r"[ \t>|]*")
# A piece of a broken link rather than a word: a character words do not hold, a digit, or a
# capital right after a small letter (base64).
LINK_PIECE = re.compile(r"[/:%=?&#_+0-9]|[a-z][A-Z]")
# The start of an iCalendar content line (a property's name in capitals), which a calendar
# excerpt has on every line and which no link continues with.
CONTENT_LINE = re.compile(r"[A-Z][A-Z0-9-]*[;:]")
TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]{16,}")
# A value signed by django.core.signing with a time: payload, timestamp and signature (tried
# only where a run starts, so that it stays linear).
SIGNED_VALUE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+:[A-Za-z0-9]{4,10}:[A-Za-z0-9_-]{20,}")
# DTSTAMP and its kind (RFC 5545, 3.3.5), which calendar excerpts must keep readable.
ICALENDAR_DATE = re.compile(r"\d{8}(?:T\d{6}Z?)?")
RANDOM_LOOKING = re.compile(r"[0-9_]|[a-z][A-Z]")


def _portal_secret_paths() -> list[str]:
    """The start of the portal's answer and feed addresses in every language, so that one
    quoted without its scheme and host is still a link."""
    paths = []
    for language in language_codes():
        with translation.override(language):
            answer = reverse("meetings:answer", kwargs={"token": "TOKEN", "answer": "accept"})
            feed = reverse("meetings:feed", kwargs={"token": "TOKEN"})
        paths += [answer.split("TOKEN")[0], feed.split("TOKEN")[0]]
    return paths


def _link_pattern() -> re.Pattern:
    portal = [re.escape(path) for path in _portal_secret_paths()]
    return re.compile("|".join([*portal, *LINK_MARKS]), re.IGNORECASE)


def _token_run_removed(match: re.Match) -> str:
    run = match.group()
    if ICALENDAR_DATE.fullmatch(run) or not RANDOM_LOOKING.search(run):
        return run
    return REMOVED


def link_like_removed(value: str) -> str:
    """``value`` (line breaks already unified) without links, the pieces of a link that a
    line break carried to the next line, and token-like runs."""
    links = _link_pattern()
    kept = []
    continues = False
    for line in value.split("\n"):
        if continues:
            marks = QUOTE_MARKS.match(line).group()
            rest = line[len(marks) :]
            piece = WORD.match(rest)
            continues = (
                piece is not None
                and bool(LINK_PIECE.search(piece.group()))
                and not CONTENT_LINE.match(piece.group())
            )
            if continues:
                rest = rest[piece.end() :]
                line = marks + rest
                continues = not rest.strip()
        words = line.split()
        if words and links.search(words[-1]):
            # A link that reaches the end of its line may go on at the start of the next.
            continues = True
        line = WORD.sub(lambda word: REMOVED if links.search(word.group()) else word.group(), line)
        line = SIGNED_VALUE.sub(REMOVED, line)
        kept.append(TOKEN_RUN.sub(_token_run_removed, line))
    return "\n".join(kept)

"""Helpers of the meetings tests: reading the calendar out of a sent e-mail."""

import email
import email.policy

import pytest

from tests.members.factories import MemberFactory, UserFactory


def wire_bytes(message) -> bytes:
    """What Django's SMTP backend sends for an EmailMessage: CRLF line ends."""
    return message.message().as_bytes(linesep="\r\n")


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(wire_bytes(message), policy=email.policy.default)


def calendar_parts(mime) -> list:
    return [part for part in mime.walk() if part.get_content_type() == "text/calendar"]


def calendar_text(message) -> str:
    """The text/calendar alternative of a sent message, decoded from its transfer encoding."""
    mime = message if isinstance(message, email.message.Message) else parsed(message)
    parts = calendar_parts(mime)
    assert len(parts) == 1
    return parts[0].get_payload(decode=True).decode("utf-8")


def ical_value(text: str, name: str) -> str:
    """One property's value in the VEVENT, unfolded (the first if there are several)."""
    unfolded = text.replace("\r\n ", "")
    event = unfolded[unfolded.index("BEGIN:VEVENT") :]
    for line in event.split("\r\n"):
        if line.startswith(f"{name}:") or line.startswith(f"{name};"):
            return line.split(":", 1)[1] if line.startswith(f"{name}:") else line
    raise AssertionError(f"{name} not in the calendar")


@pytest.fixture
def member(db):
    """An approved member who reads English, in Alberta (Mountain time)."""
    return MemberFactory(
        user=UserFactory(email="jordan@calgary.ca", first_name="Jordan", last_name="Whitehead"),
        province="AB",
    ).user


@pytest.fixture
def french_member(db):
    return MemberFactory(
        user=UserFactory(
            email="amelie@gatineau.ca",
            first_name="Amélie",
            last_name="Tremblay",
            preferred_language="fr",
        ),
        wants_interpretation=True,
    ).user


@pytest.fixture
def imap_server():
    """A real Dovecot IMAP server with one user and an empty Maildir (tests/meetings/imap.py)."""
    from scripts.dovecot import dovecot_install
    from tests.conftest import _missing
    from tests.meetings.imap import imap_server_start, imap_server_stop

    if not dovecot_install():
        _missing("Dovecot (Debian package dovecot-imapd)")
    server = imap_server_start()
    try:
        yield server
    finally:
        imap_server_stop(server)

"""Polling the organiser's IMAP mailbox for calendar replies.

Each message in the watched folder goes through the one pipeline
(:func:`meetings.replies.services.calendar_reply_receive`), then is moved out of the way:
to the processed folder once read, whatever it held, or to the unprocessable folder when it
could not be read at all. The messages of a poll are moved together once all of them are read,
so a message is moved only after its row is committed: a database outage leaves it where it
was, for the next poll; a message read twice (a poll that died before its moves), or read by
two polls at once, changes nothing, since the Message-ID is recorded once.
"""

import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError, MailboxMoveError

from ..choices import ReplyOutcome
from . import parsing
from .services import calendar_reply_receive

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
# The items of one message in a FETCH answer: "12 (UID 40 RFC822.SIZE 2817)".
FETCHED_UID = re.compile(rb"\bUID (\d+)")
FETCHED_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
SCHEMES = {"imaps": 993, "imap+starttls": 143, "imap": 143}
# The schemes that talk TLS, from the first byte or after STARTTLS, and who speaks each.
TLS_MAILBOXES = {"imaps": MailBox, "imap+starttls": MailBoxStartTls}


class MailboxConfigurationError(ValueError):
    """PEERNET_REPLY_IMAP_URL cannot be used as it is."""


@dataclass(frozen=True)
class MailboxAddress:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str


@dataclass(frozen=True)
class PollResult:
    processed: int = 0
    unprocessable: int = 0
    # Messages the poll left in the folder unread (beyond its batch), and whether every message
    # it read was moved out: together they say whether another poll at once would find work.
    waiting: int = 0
    all_moved: bool = True

    @property
    def more_waiting(self) -> bool:
        return self.waiting > 0 and self.all_moved


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def mailbox_address(url: str) -> MailboxAddress:
    """Read ``imaps://user:password@host:993/INBOX``; the password is percent-encoded."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise MailboxConfigurationError(f"Use imaps://, imap+starttls:// or imap://, not {url!r}")
    if not parts.hostname or not parts.username:
        raise MailboxConfigurationError("The IMAP address needs a user and a host.")
    if parts.scheme == "imap" and not _is_loopback(parts.hostname):
        # A password sent in clear over the network: only to a server on this machine.
        raise MailboxConfigurationError("Plain imap:// is only allowed to a loopback address.")
    return MailboxAddress(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or SCHEMES[parts.scheme],
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _connect(address: MailboxAddress):
    tls_mailbox = TLS_MAILBOXES.get(address.scheme)
    if tls_mailbox is None:
        mailbox = MailBoxUnencrypted(address.host, address.port, timeout=TIMEOUT_SECONDS)
    else:
        mailbox = tls_mailbox(
            address.host,
            address.port,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl.create_default_context(),
        )
    token = settings.PEERNET_REPLY_IMAP_OAUTH2_TOKEN
    if token:
        return mailbox.xoauth2(address.user, token, initial_folder=address.folder)
    return mailbox.login(address.user, address.password, initial_folder=address.folder)


def _fetch(mailbox, uid: str, item: str) -> bytes:
    status, data = mailbox.client.uid("FETCH", uid, f"({item})")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} answered {status}")
    for entry in data:
        if isinstance(entry, tuple):
            return entry[1]
    return b""


def _sizes(mailbox, uids: list[str]) -> dict[str, int]:
    """The size of each message of ``uids``, asked in one command."""
    status, data = mailbox.client.uid("FETCH", ",".join(uids), "(RFC822.SIZE)")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH of the sizes answered {status}")
    sizes = {}
    for entry in data:
        head = entry[0] if isinstance(entry, tuple) else entry
        uid, size = FETCHED_UID.search(head or b""), FETCHED_SIZE.search(head or b"")
        if uid and size:
            sizes[uid.group(1).decode()] = int(size.group(1))
    return sizes


def _message_raw(mailbox, uid: str, size: int) -> tuple[bytes, int | None]:
    """The message's bytes; for one over the size limit, its headers and its size only."""
    if size > parsing.MAX_MESSAGE_OCTETS:
        return _fetch(mailbox, uid, "BODY.PEEK[HEADER]"), size
    return _fetch(mailbox, uid, "BODY.PEEK[]"), None


def _move(mailbox, uids: list[str], folder: str) -> bool:
    """Move ``uids`` in one command: on a server without MOVE, each separate move would
    expunge the folder, whose index the server rewrites every time."""
    if not uids:
        return True
    try:
        mailbox.move(uids, folder)
    except MailboxMoveError:
        # Moved meanwhile by another poll: the messages were read already.
        logger.warning("Calendar replies %s could not be moved to %s", ",".join(uids), folder)
        return False
    return True


def _moves(mailbox, read: dict[str, list[str]]) -> bool:
    return all([_move(mailbox, uids, folder) for folder, uids in read.items()])


def mailbox_poll(*, url: str, batch: int | None = None) -> PollResult:
    """Read up to ``batch`` messages of the mailbox, then move each one out of the way."""
    address = mailbox_address(url)
    batch = batch or settings.PEERNET_REPLY_IMAP_BATCH
    processed_folder = settings.PEERNET_REPLY_IMAP_PROCESSED_FOLDER
    unprocessable_folder = settings.PEERNET_REPLY_IMAP_UNPROCESSABLE_FOLDER
    read: dict[str, list[str]] = {processed_folder: [], unprocessable_folder: []}
    with _connect(address) as mailbox:
        for folder in (processed_folder, unprocessable_folder):
            if not mailbox.folder.exists(folder):
                mailbox.folder.create(folder)
        mailbox.folder.set(address.folder)
        uids = mailbox.uids("ALL")
        sizes = _sizes(mailbox, uids[:batch]) if uids else {}
        try:
            for uid in uids[:batch]:
                if uid not in sizes:
                    continue  # expunged meanwhile, by another poll
                raw, size = _message_raw(mailbox, uid, sizes[uid])
                try:
                    reply = calendar_reply_receive(raw=raw, size=size).reply
                except DatabaseError:
                    raise
                except Exception:
                    # A fault of ours, not of the message: logged, and the message set aside
                    # so that it does not stop the messages after it.
                    logger.exception("Calendar reply %s could not be processed", uid)
                    read[unprocessable_folder].append(uid)
                    continue
                invalid = reply.outcome == ReplyOutcome.INVALID
                read[unprocessable_folder if invalid else processed_folder].append(uid)
        except DatabaseError:
            # The messages read before the outage have their rows: they go; this one stays,
            # with those after it, for the next poll.
            _moves(mailbox, read)
            raise
        all_moved = _moves(mailbox, read)
    return PollResult(
        processed=len(read[processed_folder]),
        unprocessable=len(read[unprocessable_folder]),
        waiting=max(len(uids) - batch, 0),
        all_moved=all_moved,
    )


# What makes a poll fail for now, to be tried again at the next one: the server unreachable
# or refusing (a login, a folder), the connection lost.
TEMPORARY_ERRORS = (OSError, socket.timeout, imaplib.IMAP4.error, ImapToolsError)

"""What in an incoming reply proves who sent it: the address it was sent to, and the verdict of
our own mail server.

A calendar reply is an e-mail, and its ``From`` can be written by anyone. Two things cannot:

- **The reply address.** Each member's REQUEST and CANCEL names as ORGANIZER the organiser's
  mailbox with a sub-address (RFC 5233) that carries a token signed for that member and that
  meeting, e.g. ``network+<token>@peernet.example``. Calendar clients send their REPLY to the
  ORGANIZER's address (RFC 6047, 2.2), so the mailbox a reply reaches says which invitation it
  answers, whoever's server sent it. The token is in the member's own invitation only.
- **Our server's DMARC verdict.** An ``Authentication-Results`` header (RFC 8601) written by
  the server named in ``PEERNET_REPLY_AUTHSERV_ID``, saying ``dmarc=pass`` for the domain of
  the attendee's address. Only the headers our server wrote are read: those above the first
  ``Received`` header it added (RFC 8601, 5: a header below it came with the message).

Nothing here touches the database.
"""

import base64
import re
import struct
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "meetings.reply-address"
# The sub-address separator of RFC 5233, as Postfix, Dovecot, Exim, Gmail and Microsoft 365
# read it by default.
SEPARATOR = "+"
# Two unsigned 32-bit ids and 80 bits of HMAC: 18 octets, 29 characters of base32. With the
# separator, a local part of up to 34 characters still fits RFC 5321's 64 octets (4.5.3.1.1).
_PAYLOAD = struct.Struct(">II")
_MAC_OCTETS = 10
TOKEN_LENGTH = 29
# Where the mail server writes the address a message was delivered to; ``To`` and ``Cc`` last,
# since a client may also copy the reply to someone else.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


@dataclass(frozen=True)
class ReplyTarget:
    """The invitation a reply address was made for."""

    user_id: int
    meeting_id: int


def _signature(payload: bytes, key: str) -> bytes:
    # Django's salted HMAC, the primitive of ``django.core.signing``; its base64 output is not
    # used because some mail servers lower the case of local parts, and base32 survives that.
    return salted_hmac(SALT, payload, secret=key, algorithm="sha256").digest()[:_MAC_OCTETS]


def _organiser_address() -> tuple[str, str]:
    _name, address = parseaddr(settings.PEERNET_ORGANIZER_EMAIL)
    local, _at, domain = address.rpartition("@")
    return local, domain


def reply_token_make(*, user_id: int, meeting_id: int) -> str:
    """The lowercase token of one member's invitation to one meeting. It depends on nothing
    else, so every revision of the invitation names the same ORGANIZER."""
    payload = _PAYLOAD.pack(user_id, meeting_id)
    signed = payload + _signature(payload, settings.SECRET_KEY)
    return base64.b32encode(signed).decode("ascii").rstrip("=").lower()


def reply_token_read(token: str) -> ReplyTarget | None:
    """The invitation a token names, or None when it was not signed by us (with the current
    key or one of ``SECRET_KEY_FALLBACKS``)."""
    if len(token) != TOKEN_LENGTH or not re.fullmatch(r"[a-z2-7]+", token, re.IGNORECASE):
        return None
    signed = base64.b32decode(token.upper() + "===")
    payload, mac = signed[: _PAYLOAD.size], signed[_PAYLOAD.size :]
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(mac, _signature(payload, key)) for key in keys):
        return None
    user_id, meeting_id = _PAYLOAD.unpack(payload)
    return ReplyTarget(user_id=user_id, meeting_id=meeting_id)


def reply_address(*, user_id: int, meeting_id: int) -> str:
    """The organiser's address with the member's token as sub-address. Ids too large for the
    token keep the plain address (their replies then need the second proof, or staff)."""
    local, domain = _organiser_address()
    if max(user_id, meeting_id) >= 2**32 or not local:
        return f"{local}@{domain}"
    token = reply_token_make(user_id=user_id, meeting_id=meeting_id)
    return f"{local}{SEPARATOR}{token}@{domain}"


def reply_targets(addresses) -> set[ReplyTarget]:
    """The invitations named by the reply addresses among ``addresses``."""
    local, domain = _organiser_address()
    prefix = f"{local}{SEPARATOR}".casefold()
    targets = set()
    for address in addresses:
        address_local, _at, address_domain = address.strip().rpartition("@")
        if address_domain.casefold() != domain.casefold():
            continue
        if not address_local.casefold().startswith(prefix):
            continue
        target = reply_token_read(address_local[len(prefix) :])
        if target is not None:
            targets.add(target)
    return targets


def message_recipients(mime: Message) -> list[str]:
    """Every address the message names as its recipient, in the order of RECIPIENT_HEADERS."""
    values = []
    for name in RECIPIENT_HEADERS:
        values.extend(str(value) for value in mime.get_all(name, []))
    return [address for _name, address in getaddresses(values) if address]


# --- Authentication-Results (RFC 8601) ---------------------------------------------------------

_COMMENT = re.compile(r"\([^()]*\)")
_RECEIVED_BY = re.compile(r"\bby\s+([^\s;()]+)", re.IGNORECASE)


def _header_lines(mime: Message) -> list[tuple[str, str]]:
    return [(str(name).lower(), str(value)) for name, value in mime.items()]


def _ours(lines: list[tuple[str, str]], authserv_id: str) -> list[str]:
    """The Authentication-Results our server wrote: the ones naming it, above the first
    Received header it added (or above the first Received header, when none names it)."""
    received = [index for index, (name, _value) in enumerate(lines) if name == "received"]
    by_us = [
        index
        for index in received
        if (match := _RECEIVED_BY.search(lines[index][1]))
        and match[1].rstrip(".").casefold() == authserv_id
    ]
    limit = (by_us or received or [len(lines)])[0]
    found = []
    for name, value in lines[:limit]:
        if name != "authentication-results":
            continue
        identity = _COMMENT.sub("", value).split(";", 1)[0].split()
        if identity and identity[0].casefold() == authserv_id:
            found.append(value)
    return found


def dmarc_passed_domains(mime: Message) -> set[str]:
    """The header.from domains our server's DMARC check passed (empty when
    ``PEERNET_REPLY_AUTHSERV_ID`` is not set)."""
    authserv_id = settings.PEERNET_REPLY_AUTHSERV_ID.strip().casefold()
    if not authserv_id:
        return set()
    domains = set()
    for value in _ours(_header_lines(mime), authserv_id):
        results = _COMMENT.sub("", " ".join(value.split())).split(";")[1:]
        for result in results:
            words = result.split()
            if not words or words[0].casefold() != "dmarc=pass":
                continue
            for word in words[1:]:
                key, _equals, domain = word.partition("=")
                if key.casefold() == "header.from" and domain:
                    domains.add(domain.strip('"').rstrip(".").casefold())
    return domains


def address_domain(address: str) -> str:
    return address.rpartition("@")[2].casefold()

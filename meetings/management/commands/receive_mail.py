"""Read one message on standard input: the organiser's mailbox delivered by a pipe.

For a mail server's pipe delivery (Postfix ``pipe``, Exim ``pipe``, a ``.forward`` or
``procmail`` rule). The exit status is what the mail server acts on (sysexits.h): 0 once the
message is processed or kept for staff, whatever it held; 75 (EX_TEMPFAIL) when the database
cannot be reached (or processing fails in a way no message should cause), so that the server
keeps the message and delivers it again later.

The envelope recipient (the reply address the message reached) is ``--recipient`` (Postfix
``pipe``: ``argv=... receive_mail --recipient ${original_recipient}``), else the
``ORIGINAL_RECIPIENT`` variable Postfix's ``local`` delivery sets for a ``.forward`` or an
alias command, else the message's Delivered-To, X-Original-To and To headers.
"""

import logging
import os
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from meetings.replies.parsing import MAX_MESSAGE_OCTETS
from meetings.replies.services import calendar_reply_receive

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
CHUNK = 64 * 1024


def message_read_from(stream, limit: int = MAX_MESSAGE_OCTETS) -> bytes:
    """At most ``limit + 1`` octets of the message; the rest is read and dropped, so that the
    mail server never sees its pipe closed early."""
    data = stream.read(limit + 1)
    while stream.read(CHUNK):
        pass
    return data


class Command(BaseCommand):
    help = "Read one e-mail on standard input and record the calendar answer it carries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient the mail server delivered the message to.",
        )

    def handle(self, *args, **options):
        raw = message_read_from(sys.stdin.buffer)
        recipient = options["recipient"] or os.environ.get("ORIGINAL_RECIPIENT", "")
        try:
            received = calendar_reply_receive(raw=raw, recipient=recipient)
        except DatabaseError:
            logger.exception("Calendar reply not processed: the database is unavailable")
            self.stderr.write("Temporary failure: the database is unavailable.")
            sys.exit(EX_TEMPFAIL)
        except Exception:
            # No message makes the pipeline raise, so this is a fault of ours: the mail server
            # keeps the message until it is fixed, rather than bouncing it or losing it.
            logger.exception("Calendar reply not processed")
            self.stderr.write("Temporary failure: the message could not be processed.")
            sys.exit(EX_TEMPFAIL)
        reply = received.reply
        state = "new" if received.created else "already read"
        self.stdout.write(f"{reply.outcome} ({state}) {reply.message_id}")

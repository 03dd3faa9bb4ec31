"""Deciding what an incoming reply is worth, and recording the answers that may be believed.

An iMIP REPLY (RFC 6047) is an e-mail anyone can write, so an answer is recorded only when
every fact agrees: the UID is one of our meetings, the ATTENDEE is a member invited to it, the
meeting is still open, the reply answers the meeting's current time, and the mail proves who
sent it (``proof.py``): it reached the member's own reply address for that meeting, or it
comes from the member's address with our mail server's DMARC pass for its domain. A reply
that proves nothing, though all else agrees, is kept as "unproven" for staff, who may confirm
it (:func:`calendar_reply_confirm`). Anything else is kept for staff with its reason and
changes nothing; attendees are never added from a reply. Every message is stored once, under
its Message-ID, in the transaction that records its answer: the same message read twice, or by
two readers at once, changes nothing more.

Database errors are not caught here: the caller (the poller, ``manage.py receive_mail``)
treats them as temporary and reads the message again later.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import AnswerChannel, ReplyOutcome, Response
from ..models import CalendarReply, Invitation, Meeting
from ..services.answers import AnswerError, invitation_answer
from . import parsing, proof
from .redaction import link_like_removed

logger = logging.getLogger(__name__)

# iTIP participation statuses (RFC 5545, 3.2.12) and the answer each one records; a delegate
# is not invited by the delegation, so the member's own place counts as declined.
PARTSTAT_ANSWERS = {
    "ACCEPTED": Response.ACCEPTED,
    "DECLINED": Response.DECLINED,
    "TENTATIVE": Response.TENTATIVE,
    "DELEGATED": Response.DECLINED,
}


UNPROVEN_DETAIL = "unproven sender"


@dataclass(frozen=True)
class Received:
    reply: CalendarReply
    created: bool


def _same_address(first: str, second: str) -> bool:
    return bool(first) and first.casefold() == second.casefold()


def _attendee_choose(answer: parsing.CalendarAnswer, sender: str) -> parsing.Attendee | None:
    """The attendee who replies. RFC 5546 (3.2.3) puts only the replier in a REPLY; a client
    that lists everyone is read by the sender's own line."""
    if len(answer.attendees) == 1:
        return answer.attendees[0]
    matching = [a for a in answer.attendees if _same_address(a.email, sender)]
    return matching[0] if len(matching) == 1 else None


def _time_unchanged(answer: parsing.CalendarAnswer, meeting: Meeting) -> bool:
    """Whether a reply to an older revision names the time the meeting still has.

    A REPLY need not carry DTSTART (RFC 5546, 3.2.3); without it nothing says the member saw
    the current time, so the answer is not believed.
    """
    if answer.starts_at is None or answer.starts_at != meeting.starts_at:
        return False
    return answer.ends_at is None or answer.ends_at == meeting.ends_at


def _judge(incoming: parsing.IncomingMessage, reply: CalendarReply) -> None:
    """Fill in the reply's outcome, recording the answer when it may be believed."""
    if incoming.problem:
        reply.outcome, reply.detail = ReplyOutcome.INVALID, incoming.problem
        return
    answer = incoming.calendar
    if answer is None:
        reply.outcome = ReplyOutcome.OTHER_MAIL
        reply.detail = "automatic reply" if incoming.is_automatic else "no calendar part"
        return
    reply.method, reply.uid, reply.sequence = answer.method, answer.uid, answer.sequence
    meeting = None
    if parsing.MEETING_UID.fullmatch(answer.uid):
        meeting = Meeting.objects.select_for_update().filter(calendar_uid=answer.uid).first()
    reply.meeting = meeting
    attendee = _attendee_choose(answer, incoming.sender)
    if attendee is not None:
        reply.attendee = parsing.cleaned(attendee.email, 254)
        reply.partstat = attendee.partstat
    if answer.method == "COUNTER":
        # A proposal of another time (RFC 5546, 3.2.7): staff decide, nothing is recorded.
        reply.outcome = ReplyOutcome.COUNTER
        if answer.starts_at is not None:
            reply.detail = f"proposed start {answer.starts_at.isoformat()}"
        return
    if answer.method != "REPLY":
        reply.outcome, reply.detail = ReplyOutcome.INVALID, f"METHOD:{answer.method} is not a reply"
        return
    if meeting is None:
        reply.outcome = ReplyOutcome.UNKNOWN_EVENT
        return
    if attendee is None:
        reply.outcome = ReplyOutcome.SENDER_MISMATCH
        reply.detail = "several attendees, none of them the sender"
        return
    invitation = (
        Invitation.objects.filter(meeting=meeting, user__email__iexact=attendee.email)
        .select_related("user")
        .first()
    )
    reply.invitation = invitation
    if invitation is None:
        # Most often a forwarded invitation: someone outside the network has the join link.
        reply.outcome = ReplyOutcome.NOT_INVITED
        return
    targets = proof.reply_targets(incoming.recipients)
    sent_to_reply_address = proof.ReplyTarget(invitation.user_id, meeting.pk) in targets
    if targets and not sent_to_reply_address:
        # Another invitation's reply address: whoever holds it is not this attendee.
        reply.outcome = ReplyOutcome.SENDER_MISMATCH
        reply.detail = "sent to another invitation's reply address"
        return
    # Through the reply address, another server may send for the member (Nextcloud sends
    # from its own address); otherwise From must at least name the attendee.
    if not sent_to_reply_address and not _same_address(incoming.sender, attendee.email):
        reply.outcome = ReplyOutcome.SENDER_MISMATCH
        reply.detail = f"sent by {incoming.sender or 'nobody named'}"[:500]
        return
    if meeting.is_cancelled or meeting.has_ended:
        reply.outcome = ReplyOutcome.MEETING_CLOSED
        return
    if answer.sequence > meeting.sequence:
        reply.outcome = ReplyOutcome.INVALID
        reply.detail = f"SEQUENCE {answer.sequence} was never sent"
        return
    if answer.sequence < meeting.sequence and not _time_unchanged(answer, meeting):
        reply.outcome = ReplyOutcome.OUTDATED
        reply.detail = f"SEQUENCE {answer.sequence}, current {meeting.sequence}"
        return
    response = PARTSTAT_ANSWERS.get(attendee.partstat)
    if response is None:
        reply.outcome = ReplyOutcome.INVALID
        reply.detail = f"PARTSTAT:{attendee.partstat} is not an answer"
        return
    delegated_to = ""
    if attendee.partstat == "DELEGATED":
        delegated_to = parsing.cleaned(attendee.delegated_to, 254)
        reply.detail = f"delegated to {delegated_to or 'someone unnamed'}"
    dmarc_aligned = proof.address_domain(attendee.email) in incoming.dmarc_passed
    if not (sent_to_reply_address or dmarc_aligned):
        # Last, so that staff confirm only what would otherwise have been recorded.
        reply.outcome = ReplyOutcome.UNPROVEN
        reply.detail = "; ".join(filter(None, [UNPROVEN_DETAIL, reply.detail]))
        return
    try:
        invitation_answer(
            meeting=meeting,
            user=invitation.user,
            response=response,
            channel=AnswerChannel.CALENDAR,
            delegated_to=delegated_to,
        )
    except AnswerError as error:
        reply.outcome = (
            ReplyOutcome.NOT_INVITED if error.code == "not_member" else ReplyOutcome.MEETING_CLOSED
        )
        reply.detail = error.code or ""
        return
    reply.outcome = ReplyOutcome.RECORDED


def calendar_reply_receive(*, raw: bytes, size: int | None = None, recipient: str = "") -> Received:
    """Read one incoming message, record the answer it carries if it may be believed, and
    keep it for staff. A message already read (same Message-ID) changes nothing.

    ``size`` is the message's whole size when ``raw`` holds only its headers (a message too
    large to fetch). ``recipient`` is the envelope recipient, when the mail server gives it.
    """
    incoming = parsing.message_read(raw, size=size)
    if recipient:
        incoming.recipients.insert(0, recipient)
    existing = CalendarReply.objects.filter(message_id=incoming.message_id).first()
    if existing is not None:
        return Received(reply=existing, created=False)
    try:
        with transaction.atomic():
            reply = CalendarReply(
                message_id=incoming.message_id,
                sender=incoming.sender,
                subject=incoming.subject,
                excerpt=incoming.excerpt,
            )
            # The row is written first: a second reader of the same message waits here on the
            # unique Message-ID until this transaction ends, then finds it.
            reply.outcome = ReplyOutcome.INVALID
            reply.save()
            _judge(incoming, reply)
            reply.detail = parsing.cleaned(link_like_removed(reply.detail), 500)
            reply.save()
    except IntegrityError:
        existing = CalendarReply.objects.filter(message_id=incoming.message_id).first()
        if existing is None:
            raise
        return Received(reply=existing, created=False)
    logger.info(
        "Calendar reply %s from %s: %s %s",
        reply.pk,
        reply.sender or "?",
        reply.outcome,
        reply.detail,
    )
    return Received(reply=reply, created=True)


def calendar_reply_confirm(*, reply: CalendarReply, confirmed_by) -> CalendarReply:
    """Record the answer of a reply kept as unproven, on a staff member's word, once.

    Raises ``ValidationError`` when the reply is not an unproven one any more, or when the
    meeting changed or closed since it arrived (the member's answer may no longer hold).
    """
    with transaction.atomic():
        reply = (
            CalendarReply.objects.select_for_update(of=("self",))
            .select_related("invitation__user")
            .get(pk=reply.pk)
        )
        if reply.outcome != ReplyOutcome.UNPROVEN or reply.invitation is None:
            raise ValidationError(_("Only an unproven reply can be confirmed."))
        meeting = Meeting.objects.select_for_update().get(pk=reply.meeting_id)
        if reply.sequence is None or reply.sequence < meeting.sequence:
            raise ValidationError(_("The meeting changed after this reply; it was not recorded."))
        delegated_to = ""
        if reply.partstat == "DELEGATED":
            delegated_to = reply.detail.partition("delegated to ")[2]
            delegated_to = "" if delegated_to == "someone unnamed" else delegated_to
        # AnswerError is a ValidationError: a member who left, a meeting closed since.
        invitation_answer(
            meeting=meeting,
            user=reply.invitation.user,
            response=PARTSTAT_ANSWERS[reply.partstat],
            channel=AnswerChannel.CALENDAR,
            delegated_to=delegated_to,
        )
        reply.outcome = ReplyOutcome.RECORDED
        reply.confirmed_by = confirmed_by
        reply.confirmed_at = timezone.now()
        reply.save(update_fields=["outcome", "confirmed_by", "confirmed_at"])
    logger.info("Calendar reply %s confirmed by %s", reply.pk, confirmed_by.pk)
    return reply


def calendar_replies_purge(*, now=None) -> int:
    """Forget the mail that reached the organiser's mailbox once it is older than
    PEERNET_CALENDAR_REPLY_RETENTION_DAYS; the answers it recorded stay on their invitations.
    Run by the scheduled purge (``members.seams.personal_data_purges``)."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.PEERNET_CALENDAR_REPLY_RETENTION_DAYS)
    deleted, _by_model = CalendarReply.objects.filter(received_at__lt=limit).delete()
    return deleted

"""Members' answers and interpretation wishes."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import selectors as member_selectors

from ..choices import ANSWER_PHRASES, AnswerChannel, Response
from ..models import Invitation, Meeting
from .invitations import invitation_deliver


class AnswerError(ValidationError):
    """The member cannot answer this invitation (not a member, meeting over or cancelled)."""


def invitation_answer_check(*, meeting: Meeting, user) -> None:
    """Raise AnswerError when ``user`` cannot answer ``meeting`` now; records nothing."""
    if not member_selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can answer."), code="not_member")
    if meeting.is_cancelled:
        raise AnswerError(_("This meeting was cancelled."), code="cancelled")
    if meeting.has_ended:
        raise AnswerError(_("This meeting is over."), code="ended")


def invitation_get_or_create(*, meeting: Meeting, user) -> Invitation:
    defaults = {"wants_interpretation": member_selectors.member_wants_interpretation(user)}
    try:
        with transaction.atomic():
            invitation, _created = Invitation.objects.get_or_create(
                meeting=meeting, user=user, defaults=defaults
            )
    except IntegrityError:  # another worker created it between the lookup and the insert
        invitation = Invitation.objects.get(meeting=meeting, user=user)
    return invitation


# What a member may answer; NEEDS_ACTION is where every invitation starts, never an answer.
ANSWERS = frozenset(ANSWER_PHRASES)


@transaction.atomic
def invitation_answer(
    *,
    meeting: Meeting,
    user,
    response: str,
    channel: str = "",
    delegated_to: str = "",
) -> Invitation:
    """Record a member's answer, where they gave it and, for a delegation, to whom.

    Accepting (or tentatively accepting) again after a decline brings their copy up to date.
    ``channel`` is an :class:`AnswerChannel`, or empty when the caller does not say.
    """
    if response not in ANSWERS:
        raise ValueError(f"Not an answer: {response!r}")
    if channel and channel not in AnswerChannel.values:
        raise ValueError(f"Not an answer channel: {channel!r}")
    if delegated_to and response != Response.DECLINED:
        raise ValueError("A delegation counts as a decline.")
    # Checked on the row as it is now, locked: an answer cannot slip in beside a cancellation
    # (meeting_cancel takes the same lock) or after a move to an earlier end.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitation_answer_check(meeting=meeting, user=user)
    invitation = invitation_get_or_create(meeting=meeting, user=user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.response_channel = channel
    invitation.delegated_to = delegated_to
    invitation.save(update_fields=["response", "responded_at", "response_channel", "delegated_to"])
    if response != Response.DECLINED:
        invitation_deliver(meeting=meeting, user=user)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_interpretation_set(*, meeting: Meeting, user, wants: bool) -> Invitation:
    """A member's wish for French interpretation at one meeting."""
    if not member_selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can answer."), code="not_member")
    if not meeting.is_open:
        raise AnswerError(_("This meeting can no longer be changed."), code="closed")
    if not meeting.has_interpretation:
        raise AnswerError(
            _("This meeting is held in English only, without interpretation."), code="none"
        )
    invitation = invitation_get_or_create(meeting=meeting, user=user)
    Invitation.objects.filter(pk=invitation.pk).update(wants_interpretation=wants)
    invitation.wants_interpretation = wants
    return invitation

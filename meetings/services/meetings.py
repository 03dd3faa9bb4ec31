"""Scheduling, changing and cancelling meetings."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peernet.dispatch import task_start_on_commit

from .. import selectors
from ..choices import MeetingStatus
from ..models import Meeting
from .fields import EDITABLE_FIELDS, LANGUAGE_CODES, SIGNIFICANT_FIELDS, fields_clean, one_line

logger = logging.getLogger(__name__)


class MeetingStateError(ValidationError):
    """The change is not possible in the meeting's current state."""


def _check_fields(fields: dict) -> dict:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable meeting fields: {sorted(unknown)}")
    return fields_clean(fields)


def _validate(meeting: Meeting) -> None:
    errors = {}
    for code in LANGUAGE_CODES:
        if not (getattr(meeting, f"title_{code}") or "").strip():
            errors[f"title_{code}"] = _("Give the title in English and in French.")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["title", "theme", "description"])


def _theme_fill(meeting: Meeting) -> None:
    """An attached members' theme fills the theme in its own language when that is empty."""
    theme = meeting.suggested_theme
    if theme is not None and not getattr(meeting, f"theme_{theme.language}", ""):
        setattr(meeting, f"theme_{theme.language}", one_line(theme.title))


def _invitations_dispatch(meeting: Meeting) -> None:
    task_start_on_commit("meetings.invitations_send", meeting.pk)


def _reschedule_notices_dispatch(meeting: Meeting) -> None:
    task_start_on_commit(
        "meetings.reschedule_notices_send",
        meeting.pk,
        meeting.sequence,
        meeting.starts_at.isoformat(),
        meeting.ends_at.isoformat(),
    )


@transaction.atomic
def meeting_create(*, actor=None, **fields) -> Meeting:
    """Schedule a meeting; every member is invited once the transaction commits."""
    fields = _check_fields(fields)
    meeting = Meeting(**fields)
    _theme_fill(meeting)
    _validate(meeting)
    meeting.save()
    logger.info("Meeting %s scheduled by %s", meeting.pk, actor)
    if meeting.starts_at > timezone.now():
        _invitations_dispatch(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor=None, **fields) -> Meeting:
    """Change a meeting; a significant change raises SEQUENCE here and mails the update."""
    fields = _check_fields(fields)
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.is_cancelled:
        raise MeetingStateError(_("A cancelled meeting cannot be changed."), code="cancelled")
    changed = {name for name, value in fields.items() if getattr(current, name) != value}
    if not changed:
        return current
    for name in changed:
        setattr(current, name, fields[name])
    if "suggested_theme" in changed:
        _theme_fill(current)
    _validate(current)
    significant = bool(changed & SIGNIFICANT_FIELDS)
    if significant:
        current.sequence += 1
    current.updated_at = timezone.now()
    current.save()
    logger.info("Meeting %s changed by %s: %s", current.pk, actor, sorted(changed))
    if significant and current.starts_at > timezone.now():
        _invitations_dispatch(current)
        if changed & {"starts_at", "ends_at"}:
            # Members who declined get no update; they are told the new time by e-mail.
            _reschedule_notices_dispatch(current)
    return current


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor=None) -> Meeting:
    """Cancel a meeting: SEQUENCE is raised and every invited member gets a CANCEL."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.is_cancelled:
        raise MeetingStateError(_("This meeting is already cancelled."), code="cancelled")
    if current.has_ended:
        raise MeetingStateError(_("A meeting that is over cannot be cancelled."), code="ended")
    current.status = MeetingStatus.CANCELLED
    current.sequence += 1
    current.updated_at = timezone.now()
    current.save(update_fields=["status", "sequence", "updated_at"])
    logger.info("Meeting %s cancelled by %s", current.pk, actor)
    task_start_on_commit("meetings.cancellations_send", current.pk)
    return current


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor=None) -> None:
    """Remove a meeting nobody was invited to (a mistake caught in time)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not selectors.meeting_deletable(meeting=meeting):
        raise MeetingStateError(
            _("Members were invited to this meeting: cancel it instead of deleting it.")
        )
    meeting.delete()

"""Every change to meetings, invitations, feeds and themes goes through here.

Invitations follow iTIP (RFC 5546): each meeting has one UID for life and a SEQUENCE that is
raised in the same transaction as a change of its time, link, title or status, never later in
a task. Each invitation remembers the SEQUENCE last mailed to its member, so every sending
function is idempotent: running it twice, or running the periodic sweep beside it, mails each
revision once. Mail is rendered in the member's language and stored in the outbox in the same
transaction as the row that records it.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peernet.outbox.services import message_queue, message_render

from . import ical, selectors
from .choices import MeetingStatus, ReminderKind, Response
from .links import invitation_links
from .models import CalendarFeed, Invitation, Meeting, Reminder, Theme, ThemeVote
from .timezones import EASTERN, meeting_zone_times, zone_for_province

logger = logging.getLogger(__name__)

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _localized(*names: str) -> set[str]:
    return {f"{name}_{code}" for name in names for code in LANGUAGE_CODES}


# Fields staff edit. A change to any of the SIGNIFICANT ones raises SEQUENCE and sends the
# update: RFC 5545, 3.8.7.4 requires it for the time and status, and the link, title,
# platform and interpretation are what members act on. Theme and description changes are
# saved and shown everywhere without mailing everyone again.
EDITABLE_FIELDS = _localized("title", "theme", "description") | {
    "starts_at",
    "ends_at",
    "platform",
    "platform_name",
    "join_url",
    "passcode",
    "has_interpretation",
    "suggested_theme",
}
SIGNIFICANT_FIELDS = _localized("title") | {
    "starts_at",
    "ends_at",
    "platform",
    "platform_name",
    "join_url",
    "passcode",
    "has_interpretation",
}

# What staff and members type is kept as text a calendar can carry: one line for names and
# codes, line breaks normalised in descriptions, never a control character (a pasted vertical
# tab or escape would otherwise reach subjects, pages and every .ics).
ONE_LINE_FIELDS = _localized("title", "theme") | {"platform_name", "passcode"}
MULTILINE_FIELDS = _localized("description")

REMINDER_LEAD = {ReminderKind.WEEK: timedelta(days=7), ReminderKind.DAY: timedelta(days=1)}


class MeetingStateError(ValidationError):
    """The change is not possible in the meeting's current state."""


# --- Text -------------------------------------------------------------------------------------


def one_line(value: str) -> str:
    """Text on one line: line breaks, tabs and runs of spaces become one space."""
    value = ical.CONTROL_CHARACTERS.sub(" ", ical.LINE_BREAKS.sub(" ", value))
    return " ".join(value.split())


def multiline(value: str) -> str:
    """Text whose line breaks are all LF, without control characters or surrounding spaces."""
    return ical.CONTROL_CHARACTERS.sub("", ical.LINE_BREAKS.sub("\n", value)).strip()


def _clean_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    for name, value in fields.items():
        if isinstance(value, str) and name in ONE_LINE_FIELDS:
            cleaned[name] = one_line(value)
        elif isinstance(value, str) and name in MULTILINE_FIELDS:
            cleaned[name] = multiline(value)
    return cleaned


# --- Meetings ---------------------------------------------------------------------------------


def _check_fields(fields: dict) -> dict:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable meeting fields: {sorted(unknown)}")
    return _clean_fields(fields)


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
    from .tasks import meeting_invitations_send_task

    meeting_id = meeting.pk
    transaction.on_commit(lambda: meeting_invitations_send_task.delay(meeting_id))


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
    from .tasks import meeting_cancellations_send_task

    meeting_id = current.pk
    transaction.on_commit(lambda: meeting_cancellations_send_task.delay(meeting_id))
    return current


# --- Invitations ------------------------------------------------------------------------------


def _mail_context(*, invitation: Invitation, meeting: Meeting, language: str) -> dict:
    registration = getattr(invitation.user, "registration", None)
    own_zone = zone_for_province(registration.province if registration else None)
    return {
        "meeting": meeting,
        "user": invitation.user,
        "invitation": invitation,
        "links": invitation_links(invitation=invitation, language=language),
        "starts_eastern": meeting.starts_at.astimezone(EASTERN),
        "ends_eastern": meeting.ends_at.astimezone(EASTERN),
        "own_times": next(
            (
                times
                for times in meeting_zone_times(
                    starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=own_zone
                )
                if times.is_own and times.zone.key != EASTERN.key
            ),
            None,
        ),
    }


def _attendee(user) -> ical.Person:
    return ical.Person(name=user.get_full_name(), email=user.email)


def _queue_calendar_mail(*, invitation: Invitation, meeting: Meeting, kind: str) -> None:
    """Render one member's REQUEST or CANCEL with its mail and store both in the outbox."""
    user = invitation.user
    language = user.preferred_language
    context = _mail_context(invitation=invitation, meeting=meeting, language=language)
    if kind in ("cancellation", "departure"):
        calendar = ical.calendar_cancel(
            meeting=meeting,
            attendee=_attendee(user),
            language=language,
            links={"detail": context["links"]["detail"]},
        )
        method = "CANCEL"
    else:
        calendar = ical.calendar_request(
            meeting=meeting, attendee=_attendee(user), language=language, links=context["links"]
        )
        method = "REQUEST"
    rendered = message_render(
        template_prefix=f"meetings/email/{kind}", context=context, language=language
    )
    message_queue(
        to_email=user.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=language,
        purpose=f"meetings.{kind}",
        dedupe_key=f"meetings.{method.lower()}:{invitation.pk}:{meeting.sequence}",
        calendar=calendar,
        calendar_method=method,
        # A REQUEST's text and calendar hold the member's one-click answer links.
        carries_secret=method == "REQUEST",
    )


def _invitation_get_or_create(*, meeting: Meeting, user) -> Invitation:
    registration = getattr(user, "registration", None)
    defaults = {"wants_interpretation": bool(registration and registration.wants_interpretation)}
    try:
        with transaction.atomic():
            invitation, _created = Invitation.objects.get_or_create(
                meeting=meeting, user=user, defaults=defaults
            )
    except IntegrityError:  # another worker created it between the lookup and the insert
        invitation = Invitation.objects.get(meeting=meeting, user=user)
    return invitation


def invitation_deliver(*, meeting: Meeting, user) -> bool:
    """Mail ``user`` the meeting's current revision as a REQUEST, if not done already.

    Returns whether a message was queued. Members who declined get no updates (RFC 5546 lets
    the organiser leave them out), and nothing is sent for a meeting that started.
    """
    with transaction.atomic():
        invitation = _invitation_get_or_create(meeting=meeting, user=user)
        invitation = (
            # Lock the invitation only, not the member's row joined to it.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=invitation.pk)
        )
        # Read the meeting under the invitation's lock: if it changed since the caller read
        # it, the task dispatched by that change sends the newer revision instead.
        current = Meeting.objects.get(pk=meeting.pk)
        if (
            current.sequence != meeting.sequence
            or not current.is_open
            or current.starts_at <= timezone.now()
        ):
            return False
        if invitation.sequence_sent is not None and invitation.sequence_sent >= current.sequence:
            return False
        first = invitation.sequence_sent is None
        if not first and invitation.response == Response.DECLINED:
            return False
        _queue_calendar_mail(
            invitation=invitation, meeting=current, kind="invitation" if first else "update"
        )
        invitation.sequence_sent = current.sequence
        invitation.save(update_fields=["sequence_sent"])
        return True


def invitation_cancel_deliver(*, invitation: Invitation) -> bool:
    """Mail the CANCEL of the meeting's current revision to one invited member."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "meeting")
            .get(pk=invitation.pk)
        )
        meeting = invitation.meeting
        if not meeting.is_cancelled or invitation.sequence_sent is None:
            return False
        if invitation.sequence_sent >= meeting.sequence:
            return False
        _queue_calendar_mail(invitation=invitation, meeting=meeting, kind="cancellation")
        invitation.sequence_sent = meeting.sequence
        invitation.save(update_fields=["sequence_sent"])
        return True


def meeting_invitations_send(*, meeting: Meeting) -> int:
    """Invite every member to a meeting, or send them its latest revision; returns the count."""
    sent = 0
    for user in selectors.members_active().select_related("registration").order_by("pk"):
        sent += invitation_deliver(meeting=meeting, user=user)
    return sent


def meeting_cancellations_send(*, meeting: Meeting) -> int:
    """Mail the CANCEL to every member who was sent the meeting and is still a member.

    Members who declined get it too: several clients keep declined events on the calendar.
    """
    sent = 0
    invitations = meeting.invitations.filter(
        user__in=selectors.members_active(), sequence_sent__isnull=False
    ).order_by("pk")
    for invitation in invitations:
        sent += invitation_cancel_deliver(invitation=invitation)
    return sent


def member_invitations_send(*, user) -> int:
    """Invite a new member to every upcoming meeting."""
    if not selectors.members_active().filter(pk=user.pk).exists():
        return 0
    return sum(
        invitation_deliver(meeting=meeting, user=user) for meeting in selectors.meetings_open()
    )


def invitations_sweep() -> int:
    """Send whatever a lost task did not: missing invitations, updates and cancellations."""
    sent = 0
    for meeting in selectors.meetings_open():
        sent += meeting_invitations_send(meeting=meeting)
    cancelled = selectors.meetings_upcoming().filter(status=MeetingStatus.CANCELLED)
    for meeting in cancelled:
        sent += meeting_cancellations_send(meeting=meeting)
    return sent


class AnswerError(ValidationError):
    """The member cannot answer this invitation (not a member, meeting over or cancelled)."""


def invitation_answer_check(*, meeting: Meeting, user) -> None:
    """Raise AnswerError when ``user`` cannot answer ``meeting`` now; records nothing."""
    if not selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can answer."), code="not_member")
    if meeting.is_cancelled:
        raise AnswerError(_("This meeting was cancelled."), code="cancelled")
    if meeting.has_ended:
        raise AnswerError(_("This meeting is over."), code="ended")


@transaction.atomic
def invitation_answer(*, meeting: Meeting, user, response: str) -> Invitation:
    """Record a member's answer; accepting again after a decline brings their copy up to date."""
    if response not in (Response.ACCEPTED, Response.DECLINED):
        raise ValueError(f"Not an answer: {response!r}")
    # Checked on the row as it is now, locked: an answer cannot slip in beside a cancellation
    # (meeting_cancel takes the same lock) or after a move to an earlier end.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitation_answer_check(meeting=meeting, user=user)
    invitation = _invitation_get_or_create(meeting=meeting, user=user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    if response == Response.ACCEPTED:
        invitation_deliver(meeting=meeting, user=user)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_interpretation_set(*, meeting: Meeting, user, wants: bool) -> Invitation:
    """A member's wish for French interpretation at one meeting."""
    if not selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can answer."), code="not_member")
    if not meeting.is_open:
        raise AnswerError(_("This meeting can no longer be changed."), code="closed")
    if not meeting.has_interpretation:
        raise AnswerError(
            _("This meeting is held in English only, without interpretation."), code="none"
        )
    invitation = _invitation_get_or_create(meeting=meeting, user=user)
    Invitation.objects.filter(pk=invitation.pk).update(wants_interpretation=wants)
    invitation.wants_interpretation = wants
    return invitation


# --- Reminders --------------------------------------------------------------------------------


def _reminder_queue(*, invitation: Invitation, kind: str) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    invitation=invitation, kind=kind
                )
        except IntegrityError:  # the same reminder is being queued by a parallel run
            return False
        if not created:
            return False
        user = invitation.user
        language = user.preferred_language
        meeting = invitation.meeting
        context = _mail_context(invitation=invitation, meeting=meeting, language=language)
        context["kind"] = kind
        rendered = message_render(
            template_prefix="meetings/email/reminder", context=context, language=language
        )
        message_queue(
            to_email=user.email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            language=language,
            purpose="meetings.reminder",
            dedupe_key=f"meetings.reminder:{invitation.pk}:{kind}",
            carries_secret=True,  # the one-click answer links, when not yet accepted
        )
        return True


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due: 7 days and 1 day before each meeting.

    A reminder is due from its moment until the next one's (or the start); it goes to members
    invited before that moment who have not declined, and a unique row per invitation and
    kind makes a second run, or a parallel one, send nothing.
    """
    now = now or timezone.now()
    sent = 0
    week, day = REMINDER_LEAD[ReminderKind.WEEK], REMINDER_LEAD[ReminderKind.DAY]
    windows = {
        ReminderKind.WEEK: (now + day, now + week),
        ReminderKind.DAY: (now, now + day),
    }
    members = selectors.members_active()
    for kind, (after, until) in windows.items():
        meetings = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gt=after, starts_at__lte=until
        )
        for meeting in meetings:
            invitations = (
                meeting.invitations.filter(
                    user__in=members,
                    sequence_sent__isnull=False,
                    created_at__lte=meeting.starts_at - REMINDER_LEAD[kind],
                )
                .exclude(response=Response.DECLINED)
                .exclude(reminders__kind=kind)
                .select_related("user", "user__registration", "meeting")
                .order_by("pk")
            )
            for invitation in invitations:
                sent += _reminder_queue(invitation=invitation, kind=kind)
    return sent


# --- Personal feeds ---------------------------------------------------------------------------


@transaction.atomic
def feed_regenerate(*, user) -> CalendarFeed:
    """Give the member a new feed address; the old one stops working at once."""
    if not selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network have a calendar feed."), code="member")
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed


@transaction.atomic
def feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# --- Themes -----------------------------------------------------------------------------------


@transaction.atomic
def theme_suggest(*, user, title: str, details: str = "", language: str) -> Theme:
    """A member suggests a theme; their own vote comes with it."""
    if not selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can suggest themes."), code="member")
    title = one_line(title or "")
    # A form sent twice (double click, reload) must not list the same suggestion twice.
    existing = Theme.objects.filter(suggested_by=user, title__iexact=title).first()
    if existing is not None:
        return existing
    theme = Theme(
        title=title,
        details=multiline(details or ""),
        language=language if language in LANGUAGE_CODES else LANGUAGE_CODES[0],
        suggested_by=user,
    )
    theme.full_clean(exclude=["suggested_by"])
    theme.save()
    ThemeVote.objects.create(theme=theme, user=user)
    return theme


@transaction.atomic
def theme_vote(*, theme: Theme, user, vote: bool = True) -> bool:
    """Vote for a theme, or take the vote back; returns whether the member now votes for it."""
    if not selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network can vote."), code="member")
    if theme.is_hidden or theme.meetings.exists():
        raise AnswerError(_("Votes on this theme are closed."), code="closed")
    if vote:
        try:
            with transaction.atomic():
                ThemeVote.objects.get_or_create(theme=theme, user=user)
        except IntegrityError:
            pass  # a double click: the first vote counts
    else:
        ThemeVote.objects.filter(theme=theme, user=user).delete()
    return vote


@transaction.atomic
def theme_attach(*, theme: Theme, meeting: Meeting, actor=None) -> Meeting:
    """Staff choose a members' theme for a meeting."""
    return meeting_update(meeting=meeting, actor=actor, suggested_theme=theme)


# --- Membership -------------------------------------------------------------------------------


@transaction.atomic
def member_departure(*, user) -> None:
    """A member left: their feed stops at once, the upcoming meetings they were sent are removed
    from their calendar (an iTIP CANCEL to the departing attendee, RFC 5546, 3.2.5) so that no
    join link stays with a former member, and they are no longer counted as invited."""
    feed_revoke(user=user)
    upcoming = Invitation.objects.filter(
        user=user, meeting__ends_at__gt=timezone.now()
    ).select_related("user", "meeting")
    for invitation in upcoming:
        if invitation.sequence_sent is not None and not invitation.meeting.is_cancelled:
            _queue_calendar_mail(
                invitation=invitation, meeting=invitation.meeting, kind="departure"
            )
    upcoming.delete()

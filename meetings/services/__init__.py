"""Every change to meetings, invitations, feeds and themes goes through these modules.

Invitations follow iTIP (RFC 5546): each meeting has one UID for life and a SEQUENCE that is
raised in the same transaction as a change of its time, link, title or status, never later in
a task. Each invitation remembers the SEQUENCE last mailed to its member, so every sending
function is idempotent: running it twice, or running the periodic sweep beside it, mails each
revision once. Mail is rendered in the member's language and stored in the outbox in the same
transaction as the row that records it.

One module per concern: ``meetings`` (schedule, change, cancel), the calendar mail
(``calendar_kinds``: what each kind of mail decides; ``calendar_mail``: the one pipeline that
sends every kind in chunks; ``calendar_messages``: how one member's message renders;
``invitations``: the entry point of each event that calls for it; ``mail_context``: what every
mail about an invitation shows), ``answers``, ``reminders``, ``feeds``, ``themes``,
``departures``, and ``fields`` (what staff may edit and how its text is cleaned). Callers use
the names this package exports. Services start tasks by name (``peernet.dispatch``) and never
import them.
"""

from .answers import (
    AnswerError,
    invitation_answer,
    invitation_answer_check,
    invitation_interpretation_set,
)
from .calendar_kinds import (
    CANCELLATION,
    DEPARTURE,
    INVITATION,
    NEW_TIME,
    CalendarMailKind,
    Revision,
)
from .calendar_mail import calendar_mail_chunk_send, calendar_mail_fan_out, calendar_mail_send
from .departures import member_departure
from .feeds import feed_regenerate, feed_revoke
from .fields import EDITABLE_FIELDS, LANGUAGE_CODES, SIGNIFICANT_FIELDS, STAFF_FIELDS
from .invitations import (
    invitation_deliver,
    invitations_sweep,
    meeting_cancellations_fan_out,
    meeting_cancellations_send,
    meeting_invitations_fan_out,
    meeting_invitations_send,
    meeting_reschedule_notices_send,
    member_invitations_send,
)
from .meetings import (
    MeetingStateError,
    meeting_cancel,
    meeting_create,
    meeting_delete,
    meeting_update,
)
from .reminders import REMINDER_LEAD, reminders_send
from .themes import theme_attach, theme_suggest, theme_vote

__all__ = [
    "CANCELLATION",
    "DEPARTURE",
    "EDITABLE_FIELDS",
    "INVITATION",
    "LANGUAGE_CODES",
    "NEW_TIME",
    "REMINDER_LEAD",
    "SIGNIFICANT_FIELDS",
    "STAFF_FIELDS",
    "AnswerError",
    "CalendarMailKind",
    "MeetingStateError",
    "Revision",
    "calendar_mail_chunk_send",
    "calendar_mail_fan_out",
    "calendar_mail_send",
    "feed_regenerate",
    "feed_revoke",
    "invitation_answer",
    "invitation_answer_check",
    "invitation_deliver",
    "invitation_interpretation_set",
    "invitations_sweep",
    "meeting_cancel",
    "meeting_cancellations_fan_out",
    "meeting_cancellations_send",
    "meeting_create",
    "meeting_delete",
    "meeting_invitations_fan_out",
    "meeting_invitations_send",
    "meeting_reschedule_notices_send",
    "meeting_update",
    "member_departure",
    "member_invitations_send",
    "reminders_send",
    "theme_attach",
    "theme_suggest",
    "theme_vote",
]

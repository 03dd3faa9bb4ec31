"""Enumerations of the meetings app and the words members read for them (the bottom layer:
imports nothing of the project)."""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Platform(models.TextChoices):
    ZOOM = "zoom", "Zoom"
    TEAMS = "teams", "Microsoft Teams"
    WEBEX = "webex", "Webex"
    OTHER = "other", pgettext_lazy("platform", "Other")


class Response(models.TextChoices):
    """A member's answer, named after the iCalendar PARTSTAT values (RFC 5545, 3.2.12)."""

    NEEDS_ACTION = "needs_action", _("No answer yet")
    ACCEPTED = "accepted", _("Attending")
    DECLINED = "declined", _("Not attending")
    TENTATIVE = "tentative", _("Maybe")


class AnswerPhrases(NamedTuple):
    """What a member reads and presses for one answer, besides its label."""

    button: str  # the button that gives it
    confirm: str  # the button of the answer link's page that records it
    change: str  # the button that gives it instead, once another answer is recorded
    recorded: str  # the message once it is recorded, naming the meeting's %(title)s


# Every page and message words an answer from here, through the ``answer_phrase`` tag
# (meetings/templatetags/meetings_tags.py) or directly; the order is the buttons' order.
ANSWER_PHRASES = {
    Response.ACCEPTED: AnswerPhrases(
        button=_("I will attend"),
        confirm=_("Confirm: I will attend"),
        change=_("Changed your mind? I will attend"),
        recorded=_("Thank you: you are attending “%(title)s”."),
    ),
    Response.DECLINED: AnswerPhrases(
        button=_("I will not attend"),
        confirm=_("Confirm: I will not attend"),
        change=_("Changed your mind? I will not attend"),
        recorded=_("Noted: you are not attending “%(title)s”."),
    ),
    Response.TENTATIVE: AnswerPhrases(
        button=pgettext_lazy("answer button", "Maybe"),
        confirm=_("Confirm: I may attend"),
        change=_("Changed your mind? I may attend"),
        recorded=_("Noted: you may attend “%(title)s”."),
    ),
}

# The word that ends an answer link's address (``meetings:answer``) for each answer it can
# carry: the links are made (meetings/links.py) and read (meetings/answer_links.py) from here.
ANSWER_WORDS = {
    "accept": Response.ACCEPTED,
    "decline": Response.DECLINED,
    "maybe": Response.TENTATIVE,
}


class ReminderKind(models.TextChoices):
    WEEK = "week", _("One week before")
    DAY = "day", _("One day before")


class AnswerChannel(models.TextChoices):
    """Where a member gave their answer."""

    LINK = "link", _("Answer link in the e-mail")
    PAGE = "page", _("Member page")
    CALENDAR = "calendar", _("Calendar reply")


class ReplyOutcome(models.TextChoices):
    """What was done with a message that reached the organiser's mailbox."""

    RECORDED = "recorded", _("Answer recorded")
    NOT_INVITED = "not_invited", _("Attendee not invited")
    SENDER_MISMATCH = "sender_mismatch", _("Sender is not the attendee")
    UNPROVEN = "unproven", _("Sender not proven")
    UNKNOWN_EVENT = "unknown_event", _("Unknown event")
    MEETING_CLOSED = "meeting_closed", _("Meeting cancelled or over")
    OUTDATED = "outdated", _("Answers an older time")
    COUNTER = "counter", _("Counter-proposal")
    OTHER_MAIL = "other_mail", _("Other mail")
    INVALID = "invalid", _("Refused: unreadable")

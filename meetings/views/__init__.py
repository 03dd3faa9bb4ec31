"""Meeting pages, answers, calendar files and feeds, and themes, one module each.

Thin: selectors read, services decide. :mod:`meetings.urls` routes to the views exported here.
"""

from .answers import AnswerLinkView, AnswerView, InterpretationView
from .calendars import FeedRegenerateView, FeedRevokeView, FeedView, MeetingCalendarView
from .pages import MeetingDetailView, MeetingListView
from .themes import ThemeListView, ThemeVoteView

__all__ = [
    "AnswerLinkView",
    "AnswerView",
    "FeedRegenerateView",
    "FeedRevokeView",
    "FeedView",
    "InterpretationView",
    "MeetingCalendarView",
    "MeetingDetailView",
    "MeetingListView",
    "ThemeListView",
    "ThemeVoteView",
]

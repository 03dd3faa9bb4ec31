"""The meetings app in the Django admin: meetings, the answers members gave, and themes, one
module each. Importing this package registers them all."""

from .answers import CalendarReplyAdmin, InvitationAdmin
from .meetings import MeetingAdmin
from .themes import ThemeAdmin

__all__ = ["CalendarReplyAdmin", "InvitationAdmin", "MeetingAdmin", "ThemeAdmin"]

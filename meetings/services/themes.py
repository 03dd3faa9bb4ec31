"""Themes that members suggest and vote for, and their use for a meeting."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from members import selectors as member_selectors

from ..models import Meeting, Theme, ThemeVote
from .answers import AnswerError
from .fields import LANGUAGE_CODES, multiline, one_line
from .meetings import meeting_update


@transaction.atomic
def theme_suggest(*, user, title: str, details: str = "", language: str) -> Theme:
    """A member suggests a theme; their own vote comes with it."""
    if not member_selectors.user_is_member(user):
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
    if not member_selectors.user_is_member(user):
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

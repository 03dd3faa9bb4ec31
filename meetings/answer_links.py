"""Who may use an answer link, and for what: the rules read when one is opened or pressed.

An answer link names a member and a meeting in a signed token (:mod:`meetings.tokens`) and an
answer in its last segment. :func:`answer_link_read` reads nothing but the database and
records nothing; the view shows what it found, or the page that says why not.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from members import selectors as member_selectors

from . import services
from .choices import ANSWER_WORDS
from .models import Meeting
from .tokens import InvalidAnswerToken, answer_token_read

# Why a link is refused, besides the codes of services.AnswerError ("not_member", "cancelled",
# "ended"): a token cut or altered, an answer the address cannot carry, a meeting deleted
# since the mail, and a signed-in visitor who is not the member the link was sent to.
INVALID_TOKEN = "invalid_token"
UNKNOWN_ANSWER = "unknown_answer"
MEETING_GONE = "meeting_gone"
OTHER_MEMBER = "other_member"
NOT_MEMBER = "not_member"


@dataclass(frozen=True)
class AnswerLink:
    """What an answer link is for, or why it cannot be used.

    ``reader`` is whose language the page is in: the member, the link's holder when they no
    longer are one, the signed-in visitor replaying someone else's link, or nobody for a
    token that names no one. ``detail`` is the service's own words for a refusal it made.
    """

    refusal: str = ""
    detail: str = ""
    reader: object = None
    meeting: Meeting | None = None
    member: object = None
    response: str = ""


def answer_link_read(*, token: str, answer: str, visitor) -> AnswerLink:
    """The meeting, the member and the answer a link carries, checked in the order that
    decides which refusal a visitor sees; ``visitor`` is the request's user."""
    try:
        target = answer_token_read(token)
    except InvalidAnswerToken:
        return AnswerLink(refusal=INVALID_TOKEN)
    # The token's holder, member or not, decides the language of every page from here on.
    holder = get_user_model().objects.filter(pk=target.user_id).first()
    if answer not in ANSWER_WORDS:
        return AnswerLink(refusal=UNKNOWN_ANSWER, reader=holder)
    meeting = Meeting.objects.filter(pk=target.meeting_id).first()
    if meeting is None:
        return AnswerLink(refusal=MEETING_GONE, reader=holder)
    member = member_selectors.members_active().filter(pk=target.user_id).first()
    if member is None:
        return AnswerLink(refusal=NOT_MEMBER, reader=holder, meeting=meeting)
    if visitor.is_authenticated and visitor.pk != member.pk:
        # Someone signed in as another person is replaying a link that is not theirs.
        return AnswerLink(refusal=OTHER_MEMBER, reader=visitor, meeting=meeting)
    try:
        services.invitation_answer_check(meeting=meeting, user=member)
    except services.AnswerError as error:
        return answer_link_refused(error, member=member, meeting=meeting)
    return AnswerLink(reader=member, meeting=meeting, member=member, response=ANSWER_WORDS[answer])


def answer_link_refused(error: services.AnswerError, *, member, meeting) -> AnswerLink:
    """A refusal of the answer services, for the member's page."""
    return AnswerLink(
        refusal=error.code, detail=" ".join(error.messages), reader=member, meeting=meeting
    )

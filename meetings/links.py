"""Absolute links that mails and calendar files carry, in the recipient's language."""

from peernet.links import absolute_url

from .choices import ANSWER_WORDS
from .models import Invitation, Meeting
from .tokens import answer_token_make


def meeting_links(*, meeting: Meeting, language: str) -> dict[str, str]:
    return {"detail": absolute_url("meetings:detail", language=language, args=[meeting.pk])}


def invitation_links(*, invitation: Invitation, language: str) -> dict[str, str]:
    """Links of one member's invitation, including the signed one-click answers."""
    token = answer_token_make(user_id=invitation.user_id, meeting_id=invitation.meeting_id)
    return {
        **meeting_links(meeting=invitation.meeting, language=language),
        **{
            word: absolute_url(
                "meetings:answer", language=language, kwargs={"token": token, "answer": word}
            )
            for word in ANSWER_WORDS
        },
        "ics": absolute_url("meetings:ics", language=language, args=[invitation.meeting_id]),
        "member": absolute_url("members:home", language=language),
    }

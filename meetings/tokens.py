"""Signed tokens of the one-click answer links sent with each invitation.

A token names one member and one meeting and is signed with the site's secret key under its
own salt, so that it cannot be altered, moved to another meeting or member, or reused as any
other kind of signed value. It carries no expiry: answering stops being possible when the
meeting is over or cancelled, or when its holder stops being a member.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "meetings.invitation-answer"


class InvalidAnswerToken(Exception):
    """The token was forged, altered or truncated."""


@dataclass(frozen=True)
class AnswerTarget:
    user_id: int
    meeting_id: int


def answer_token_make(*, user_id: int, meeting_id: int) -> str:
    return signing.dumps({"u": user_id, "m": meeting_id}, salt=SALT, compress=False)


def answer_token_read(token: str) -> AnswerTarget:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidAnswerToken from error
    if not isinstance(data, dict):
        raise InvalidAnswerToken
    user_id, meeting_id = data.get("u"), data.get("m")
    if not isinstance(user_id, int) or not isinstance(meeting_id, int):
        raise InvalidAnswerToken
    return AnswerTarget(user_id=user_id, meeting_id=meeting_id)

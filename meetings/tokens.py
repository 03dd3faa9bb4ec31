"""Signed tokens of the one-click answer links sent with each invitation.

A token names one member and one meeting and is signed with the site's secret key under its
own salt, so that it cannot be altered, moved to another meeting or member, or reused as any
other kind of signed value.

A token carries no date of its own: it stops working when the meeting's end time, read from
the database each time the link is used, has passed (and when the meeting is cancelled, or
when its holder is no longer a member). A meeting moved to a later date therefore keeps the
links already mailed working, and one moved earlier closes them at its new end.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "meetings.invitation-answer"

# A real token is about 60 characters; anything far longer is refused before any decoding.
MAX_TOKEN_LENGTH = 200


class InvalidAnswerToken(Exception):
    """The token was forged, altered or truncated."""


@dataclass(frozen=True)
class AnswerTarget:
    user_id: int
    meeting_id: int


def answer_token_make(*, user_id: int, meeting_id: int) -> str:
    return signing.dumps({"u": user_id, "m": meeting_id}, salt=SALT, compress=False)


def answer_token_read(token: str) -> AnswerTarget:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidAnswerToken
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidAnswerToken from error
    if not isinstance(data, dict):
        raise InvalidAnswerToken
    user_id, meeting_id = data.get("u"), data.get("m")
    # bool is an int in Python; a signed True is still not a primary key.
    if type(user_id) is not int or type(meeting_id) is not int:
        raise InvalidAnswerToken
    return AnswerTarget(user_id=user_id, meeting_id=meeting_id)

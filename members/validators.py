"""Validators for what people type into the portal's forms: names, one-line text, secrets, and
the rule PeerNet adds to Django's password validators."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peernet import text

_MARKUP = set("<>")
_NAME_FORBIDDEN = set('<>"\\{}[]=@;|`$%^*_+~#&/')
_CONTROL_CHARACTERS_MESSAGE = _("This field cannot contain line breaks or control characters.")


def validate_plain_text(value: str) -> None:
    """One line of text: no control characters (line breaks included) and no markup."""
    if text.contains_characters_refused_in_a_line(value):
        raise ValidationError(_CONTROL_CHARACTERS_MESSAGE, code="control_characters")
    if _MARKUP & set(value):
        raise ValidationError(_("This field cannot contain < or >."), code="markup")


def validate_person_name(value: str) -> None:
    """A person's name in any script, with apostrophes, hyphens, digits and colons allowed.

    Names such as Sḵwx̱wú7mesh or Kanien'kehá:ka must be accepted exactly as typed.
    """
    validate_plain_text(value)
    if _NAME_FORBIDDEN & set(value):
        raise ValidationError(
            _("A name can contain letters, spaces, apostrophes, hyphens, periods and digits."),
            code="name_characters",
        )
    if not text.contains_a_letter(value):
        raise ValidationError(_("A name must contain at least one letter."), code="no_letter")


def validate_no_control_characters(value: str) -> None:
    """Nobody types a control character into a password or a code; a script might.

    Only controls are refused here, not every invisible character as in the text fields:
    see :func:`peernet.text.contains_control_characters`.
    """
    if text.contains_control_characters(value):
        raise ValidationError(_CONTROL_CHARACTERS_MESSAGE, code="control_characters")


class NotOnlyWhitespaceValidator:
    """A password of spaces alone (or tabs, or other blanks) passes the length rule and is the
    first thing a guesser tries; AUTH_PASSWORD_VALIDATORS applies this one beside Django's."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                _("Your password cannot be made of spaces only."), code="password_only_whitespace"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be made of spaces only.")

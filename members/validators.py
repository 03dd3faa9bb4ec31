"""Validators for what people type into the registration form."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Joiners are format characters that some scripts need inside words.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}
_MARKUP = set("<>")
_NAME_FORBIDDEN = set('<>"\\{}[]=@;|`$%^*_+~#&/')


def _has_control_characters(value: str) -> bool:
    return any(
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
        and char not in _ALLOWED_FORMAT
        for char in value
    )


def validate_plain_text(value: str) -> None:
    """One line of text: no control characters (line breaks included) and no markup."""
    if _has_control_characters(value):
        raise ValidationError(
            _("This field cannot contain line breaks or control characters."),
            code="control_characters",
        )
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
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(_("A name must contain at least one letter."), code="no_letter")

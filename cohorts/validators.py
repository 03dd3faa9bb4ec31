"""Validators for what the public types into the expression-of-interest form."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks and tabs are fine in a paragraph of text; other control characters are not.
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\u200c", "\u200d"}


def validate_multiline_text(value: str) -> None:
    """Paragraphs of plain text: no control characters other than line breaks and tabs."""
    if any(
        unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn")
        and char not in _ALLOWED_CONTROLS
        for char in value
    ):
        raise ValidationError(
            _("This text contains control characters; please type it again."),
            code="control_characters",
        )

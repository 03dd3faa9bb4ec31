"""Validators for what the public types into the expression-of-interest form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peernet import text


def validate_multiline_text(value: str) -> None:
    """Paragraphs of plain text: no control characters other than line breaks and tabs."""
    if text.contains_characters_refused_in_paragraphs(value):
        raise ValidationError(
            _("This text contains control characters; please type it again."),
            code="control_characters",
        )

"""Form fields for text that people type or paste, and the person and organisation fields that
several forms ask for, declared once so that they read and validate the same everywhere."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peernet import text

from .choices import Language
from .validators import validate_plain_text


class TypedTextField(forms.CharField):
    """Text typed or pasted by a person, without invisible characters; Unicode line and
    paragraph separators become line breaks, or spaces in a one-line field."""

    def __init__(self, *args, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        separator = "\n" if self.multiline else " "
        value = text.unicode_separators_replaced(text.pasted_invisible_removed(value), separator)
        return value.strip()


# --- Fields asked for by more than one form ---------------------------------------------------
# Each call returns a new field, as a form class needs its own.


def job_title_field() -> TypedTextField:
    """The person's job title (the registration's column holds 150 characters)."""
    return TypedTextField(
        label=_("Job title"),
        max_length=150,
        validators=[validate_plain_text],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )


def province_field(*, choices) -> forms.ChoiceField:
    """The province or territory, from ``choices``, with nothing chosen at first."""
    return forms.ChoiceField(label=_("Province or territory"), choices=[("", "—")] + choices)


def preferred_language_field(*, help_text="") -> forms.ChoiceField:
    """The official language of the person's e-mails and invitations."""
    return forms.ChoiceField(
        label=_("Preferred official language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def wants_interpretation_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I would like French interpretation at meetings"), required=False
    )

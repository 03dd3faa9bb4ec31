"""Forms of the meetings pages: they collect input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ANSWER_PHRASES


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        choices=[(response, response.label) for response in ANSWER_PHRASES]
    )


class InterpretationForm(forms.Form):
    wants_interpretation = forms.BooleanField(
        label=_("I would like French interpretation at this meeting"), required=False
    )


class ThemeForm(forms.Form):
    title = forms.CharField(
        label=_("Theme"),
        max_length=150,
        help_text=_("A subject for a future meeting, in a few words."),
    )
    details = forms.CharField(
        label=_("Why it matters to your community (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

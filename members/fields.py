"""Form fields for text that people type or paste."""

from django import forms

# Invisible characters that word processors and web pages leave in copied text (soft hyphen,
# zero-width space, direction marks, word joiner, byte-order mark): nobody typed them and
# nobody can see them to take them out, so they are removed rather than refused.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200e\u200f\u2060\ufeff"), None)


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
        value = (
            value.translate(_INVISIBLE).replace("\u2028", separator).replace("\u2029", separator)
        )
        return value.strip()

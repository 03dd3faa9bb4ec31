"""The portal's two languages, as every app names them: the choices of a person's preferred
language, and the codes of settings.LANGUAGES for code that loops over translated fields."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


def language_codes() -> list[str]:
    """``["en", "fr"]``, in the order of settings.LANGUAGES (English, the default, first)."""
    return [code for code, _name in settings.LANGUAGES]


def other_language(code: str) -> str:
    """The other of the two languages."""
    return next(other for other in language_codes() if other != code)

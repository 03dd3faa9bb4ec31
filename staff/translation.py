"""Fields of the portal's own models that staff write in English and French."""

from modeltranslation.translator import TranslationOptions, register

from .models import SiteText


@register(SiteText)
class SiteTextTranslationOptions(TranslationOptions):
    # An empty French text shows the English one (MODELTRANSLATION_FALLBACK_LANGUAGES), which
    # the admin marks as missing.
    fields = ("title", "body")
    required_languages = {"en": ("body",)}

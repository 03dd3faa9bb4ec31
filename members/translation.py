from modeltranslation.translator import TranslationOptions, register

from .models import KnownOrganisation


@register(KnownOrganisation)
class KnownOrganisationTranslationOptions(TranslationOptions):
    fields = ("name",)

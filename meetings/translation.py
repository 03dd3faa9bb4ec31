from modeltranslation.translator import TranslationOptions, register

from .models import Meeting


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "theme", "description")

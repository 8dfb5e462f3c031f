from modeltranslation.translator import TranslationOptions, register

from .models import PathwayDocument, PathwayFact, PathwayStep, RegularizationPathway


@register(RegularizationPathway)
class PathwayTranslation(TranslationOptions):
    fields = ("name", "eligibility")


@register(PathwayFact)
class PathwayFactTranslation(TranslationOptions):
    fields = ("text", "applies_to", "note")


@register(PathwayStep)
class PathwayStepTranslation(TranslationOptions):
    fields = ("title", "description")


@register(PathwayDocument)
class PathwayDocumentTranslation(TranslationOptions):
    fields = ("name", "notes", "applies_to")

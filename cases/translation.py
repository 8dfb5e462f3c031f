from modeltranslation.translator import TranslationOptions, register

from .models import PathwayDocument, PathwayStep, RegularizationPathway


@register(RegularizationPathway)
class PathwayTranslation(TranslationOptions):
    fields = ("name", "legal_basis", "eligibility", "issuing_authority", "typical_processing_text")


@register(PathwayStep)
class PathwayStepTranslation(TranslationOptions):
    fields = ("title", "description")


@register(PathwayDocument)
class PathwayDocumentTranslation(TranslationOptions):
    fields = ("name", "notes")

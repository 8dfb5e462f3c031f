from modeltranslation.translator import TranslationOptions, register

from .models import Closure, Country, PartnerOrganisation


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)


@register(PartnerOrganisation)
class PartnerTranslation(TranslationOptions):
    fields = ("description",)

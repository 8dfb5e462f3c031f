from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .models import PathwayDocument, PathwayFact, PathwayStep, RegularizationPathway


class PathwayStepInline(TranslationStackedInline):
    model = PathwayStep
    extra = 0


class PathwayFactInline(TranslationStackedInline):
    model = PathwayFact
    extra = 0


class PathwayDocumentInline(TranslationStackedInline):
    model = PathwayDocument
    extra = 0


@admin.register(RegularizationPathway)
class RegularizationPathwayAdmin(TranslationAdmin):
    list_display = ["name", "country", "is_sample", "verified_on", "active"]
    list_filter = ["country", "active", "is_sample"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PathwayFactInline, PathwayStepInline, PathwayDocumentInline]

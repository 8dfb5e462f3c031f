from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from helpers.forms import STORABLE_JSON

from .models import Closure, Country, InformationWindow, Membership, OpeningHours, PartnerOrganisation


class ClosureInline(TranslationTabularInline):
    model = Closure
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Country)
class CountryAdmin(TranslationAdmin):
    formfield_overrides = STORABLE_JSON
    list_display = ["code", "name", "default_language", "time_zone", "currency"]
    inlines = [ClosureInline]


@admin.register(InformationWindow)
class InformationWindowAdmin(admin.ModelAdmin):
    formfield_overrides = STORABLE_JSON
    list_display = ["name", "city", "country", "active"]
    list_filter = ["country", "active"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(TranslationAdmin):
    formfield_overrides = STORABLE_JSON
    list_display = ["name", "acronym", "country", "active"]
    list_filter = ["country", "active"]
    search_fields = ["name", "acronym"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "country", "window", "language"]
    list_filter = ["role", "country"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]

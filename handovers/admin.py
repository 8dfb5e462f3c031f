"""The rules per pair of countries are kept by administrators here; handovers themselves are read on the staff
pages, where access is scoped."""

from django.contrib import admin

from .models import PairRule


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ("from_country", "to_country", "decision", "legal_basis", "updated_at")
    list_filter = ("decision", "from_country", "to_country")
    list_select_related = ("from_country", "to_country")

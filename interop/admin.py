"""The administrators' mapping of countries and indicators to DHIS2, and DHIS2's import summaries (read only)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import DataElementMapping, Dhis2Import, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["country", "org_unit"]


@admin.register(DataElementMapping)
class DataElementMappingAdmin(admin.ModelAdmin):
    list_display = ["indicator", "dimension", "value", "data_element", "category_option_combo"]
    list_filter = ["indicator", "dimension"]
    search_fields = ["data_element", "category_option_combo", "value"]


@admin.register(Dhis2Import)
class Dhis2ImportAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "period", "dry_run", "status", "values_sent", "imported", "updated", "ignored",
                    "conflict_count"]  # fmt: skip
    list_filter = ["status", "dry_run", "period"]
    fields = ["sent_at", "period", "dry_run", "status", "values_sent", "imported", "updated", "ignored", "deleted",
              "description", "conflict_list", "started_by"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # written by the dhis2 command and the schedule

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("conflicts"))
    def conflict_count(self, summary: Dhis2Import) -> int:
        return len(summary.conflicts)

    @admin.display(description=_("conflicts"))
    def conflict_list(self, summary: Dhis2Import):
        if not summary.conflicts:
            return "—"
        items = format_html_join(
            "",
            "<li><code>{}</code>: {}</li>",
            ((c.get("object", ""), c.get("value", "")) for c in summary.conflicts if isinstance(c, dict)),
        )
        return format_html("<ul>{}</ul>", items)

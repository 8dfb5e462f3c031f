"""The administrators' mapping of countries and indicators to DHIS2, and DHIS2's import summaries (read only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services, tasks
from .forms import SendForm
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
    list_display = ["sent_at", "period", "payload_format", "dry_run", "status", "values_sent", "imported", "updated", "ignored",
                    "conflict_count"]  # fmt: skip
    list_filter = ["status", "dry_run", "period"]
    fields = ["sent_at", "period", "payload_format", "dry_run", "status", "values_sent", "imported", "updated", "ignored", "deleted",
              "description", "conflict_list", "started_by"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # written by the dhis2 command, the schedule and the send page

    def get_urls(self):
        return [
            path("send/", self.admin_site.admin_view(self.send_view), name="interop_dhis2import_send"),
            *super().get_urls(),
        ]

    def send_view(self, request):
        """Send one period now: a dry run, then the import if DHIS2 finds nothing wrong (in the background)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = SendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not services.configured():
                messages.error(request, gettext("DHIS2 is not configured: set DHIS2_URL and DHIS2_TOKEN."))
            else:
                code = form.cleaned_data["period"]
                tasks.push_period.delay(
                    code, request.user.pk, form.cleaned_data["dry_run_only"], form.cleaned_data["payload_format"]
                )
                messages.success(
                    request,
                    gettext("%(period)s is being sent to DHIS2. Its import summaries appear in this list when "
                            "DHIS2 answers.") % {"period": code},
                )  # fmt: skip
                return redirect("admin:interop_dhis2import_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Send a period to DHIS2"),
            "form": form,
            "configured": services.configured(),
        }
        return TemplateResponse(request, "admin/interop/dhis2import/send.html", context)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the history of what left for DHIS2 is kept

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

from datetime import timedelta

from django.contrib import admin
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, ApiTokenDay, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "country", "year", "value"]
    list_filter = ["country", "year", "indicator"]


class ApiTokenDayInline(admin.TabularInline):
    """The token's use day by day: a token sweeping periods shows many distinct periods and refusals."""

    model = ApiTokenDay
    fields = ["day", "requests", "periods", "refused"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-day"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                    "requests_today", "periods_today", "requests_last_30_days", "refused_last_30_days"]  # fmt: skip
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    inlines = [ApiTokenDayInline]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are created with the create_api_token command, which shows the value once

    def _today(self, token, field: str) -> int:
        return token.days.filter(day=timezone.localdate()).values_list(field, flat=True).first() or 0

    def _month(self, token, field: str) -> int:
        since = timezone.localdate() - timedelta(days=29)
        return token.days.filter(day__gte=since).aggregate(n=Sum(field))["n"] or 0

    @admin.display(description=_("requests today"))
    def requests_today(self, token) -> int:
        return self._today(token, "requests")

    @admin.display(description=_("periods today"))
    def periods_today(self, token) -> int:
        return self._today(token, "periods")

    @admin.display(description=_("requests in 30 days"))
    def requests_last_30_days(self, token) -> int:
        return self._month(token, "requests")

    @admin.display(description=_("refused in 30 days"))
    def refused_last_30_days(self, token) -> int:
        return self._month(token, "refused")

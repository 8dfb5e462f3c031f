from django.contrib import admin

from .models import ApiToken, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "country", "year", "value"]
    list_filter = ["country", "year", "indicator"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are created with the create_api_token command, which shows the value once

from django.contrib import admin

from .models import Lookup, StatusAccess


@admin.register(StatusAccess)
class StatusAccessAdmin(admin.ModelAdmin):
    list_display = ("reference", "enabled", "failed_attempts", "locked_at", "issued_at")
    list_filter = ("enabled",)
    search_fields = ("reference",)
    readonly_fields = ("process", "reference", "pin_hash", "pin_version", "issued_at", "issued_by", "last_seen_at")


@admin.register(Lookup)
class LookupAdmin(admin.ModelAdmin):
    list_display = ("at", "channel", "outcome", "reference", "country")
    list_filter = ("channel", "outcome", "country")
    readonly_fields = ("at", "channel", "outcome", "reference", "access", "country", "provider_ref")

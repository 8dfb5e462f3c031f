from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "channel", "language", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind", "language"]
    search_fields = ["=id", "=uuid", "kind", "object_id"]
    date_hierarchy = "due_at"
    # The recipient and context are personal data: shown, never edited by hand here.
    readonly_fields = [f.name for f in Message._meta.fields if f.name not in ("status",)]
    fields = [*readonly_fields, "status"]

    def has_add_permission(self, request) -> bool:
        return False

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery
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
    actions = ["resend_stuck", "mark_stuck_sent"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Stuck e-mails that did not arrive: send them again"))
    def resend_stuck(self, request, queryset) -> None:
        count = delivery.resend_stuck(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stuck e-mails that did arrive: mark them sent"))
    def mark_stuck_sent(self, request, queryset) -> None:
        count = delivery.mark_stuck_sent(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d message marked sent.", "%(count)d messages marked sent.", count) % {"count": count},
            messages.SUCCESS,
        )

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from helpers.forms import STORABLE_JSON
from ventanillas import access

from . import services
from .models import Certificate, Course, Enrolment, Participant, Session, email_hashes


class ByEmailSearch:
    """Names and addresses are encrypted: the search box finds a participant by their exact e-mail address
    (compared as a keyed hash), never by a part of it."""

    email_path = "email_hash"

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(**{f"{self.email_path}__in": email_hashes(search_term)}), False


@admin.register(Course)
class CourseAdmin(TranslationAdmin):
    formfield_overrides = STORABLE_JSON
    list_display = ["title", "country", "language", "modality", "hours", "published"]
    list_filter = ["country", "language", "modality", "published"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    formfield_overrides = STORABLE_JSON
    list_display = ["course", "country", "starts_on", "ends_on", "capacity", "seats_taken", "published"]
    list_filter = ["country", "published"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["seats_taken", "finalised_at"]


@admin.register(Participant)
class ParticipantAdmin(ByEmailSearch, admin.ModelAdmin):
    list_display = ["name", "email", "country", "sector", "sex", "anonymised_at"]
    list_filter = ["country", "sector", "sex"]
    search_fields = ["email_hash"]  # shows the search box; ByEmailSearch compares the typed address's hash
    search_help_text = _("The participant's exact e-mail address.")
    readonly_fields = ["anonymised_at"]
    actions = ["export_data", "erase"]

    def has_administer_permission(self, request) -> bool:
        """Erasure and the subject-access export are for administrators only, whatever model permissions a
        staff account was given: the actions are not offered, and not run when posted, to anyone else."""
        return access.is_administrator(request.user)

    @admin.action(
        description=_("Download the personal data of the selected participant (JSON)"),
        permissions=["administer"],
    )
    def export_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select one participant: their data is downloaded one person at a time."), messages.WARNING
            )
            return None
        participant = queryset.get()
        data = services.export_participant_data(participant=participant, by=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Erase the personal data of the selected participants"), permissions=["administer"])
    def erase(self, request, queryset) -> None:
        erased = 0
        for participant in queryset.filter(anonymised_at__isnull=True):
            services.erase_participant(participant=participant, by=request.user)
            erased += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d participant was erased.",
                "The personal data of %(count)d participants was erased.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )


# Enrolments and certificates change status only through training.services: read-only here.
@admin.register(Enrolment)
class EnrolmentAdmin(ByEmailSearch, admin.ModelAdmin):
    list_display = ["participant", "session", "status", "created_at"]
    list_filter = ["status", "session__country"]
    search_fields = ["participant__email_hash"]
    search_help_text = _("The participant's exact e-mail address.")
    email_path = "participant__email_hash"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "participant_name", "course_title", "completed_on", "revoked_at"]
    search_fields = ["code"]  # the name is encrypted

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

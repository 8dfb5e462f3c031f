from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Certificate, Course, Enrolment, Participant, Session


@admin.register(Course)
class CourseAdmin(TranslationAdmin):
    list_display = ["title", "country", "language", "modality", "hours", "published"]
    list_filter = ["country", "language", "modality", "published"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["course", "country", "starts_on", "ends_on", "capacity", "seats_taken", "published"]
    list_filter = ["country", "published"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["seats_taken", "finalised_at"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "country", "sector", "sex"]
    list_filter = ["country", "sector", "sex"]
    search_fields = ["name", "email", "institution"]


# Enrolments and certificates change status only through training.services: read-only here.
@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "status", "created_at"]
    list_filter = ["status", "session__country"]
    search_fields = ["participant__name", "participant__email"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "participant_name", "course_title", "completed_on", "revoked_at"]
    search_fields = ["code", "participant_name"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

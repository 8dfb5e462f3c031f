from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("tasks/", views.tasks, name="tasks"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultations/<int:pk>/case/", views.consultation_convert, name="consultation-convert"),
    path("people/search/", views.person_search, name="person-search"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/consent/", views.person_consent, name="person-consent"),
    path("people/<int:pk>/household/", views.household_add, name="household-add"),
    path("household/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("household/<int:pk>/remove/", views.household_remove, name="household-remove"),
    path("people/<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("people/<int:pk>/compare/<int:other>/", views.person_compare, name="person-compare"),
    path("people/<int:pk>/export/", views.person_export, name="person-export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("people/<int:person>/cases/new/", views.case_create, name="case-create"),
    path("audit/<str:kind>/<int:pk>/", views.audit_log, name="audit-log"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("<int:pk>/close/", views.case_close, name="case-close"),
    path("<int:pk>/reopen/", views.case_reopen, name="case-reopen"),
    path("<int:pk>/process/", views.process_start, name="process-start"),
    path("<int:pk>/follow-ups/new/", views.followup_create, name="followup-create"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral-create"),
    path("processes/<int:pk>/stage/", views.process_move, name="process-move"),
    path("processes/<int:pk>/appointments/new/", views.appointment_create, name="appointment-create"),
    path("processes/<int:pk>/checklist/", views.checklist_save, name="checklist-save"),
    path("processes/<int:pk>/permit/", views.process_permit, name="process-permit"),
    path("appointments/<int:pk>/edit/", views.appointment_edit, name="appointment-edit"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path("checklist/<int:pk>/", views.checklist_update, name="checklist-update"),
    path("follow-ups/<int:pk>/done/", views.followup_done, name="followup-done"),
    path("referrals/<int:pk>/", views.referral_update, name="referral-update"),
]

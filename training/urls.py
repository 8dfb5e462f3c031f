from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("enrolment-sent/", views.enrolment_sent, name="enrolment-sent"),
    path("e/<str:token>/", views.enrolment, name="enrolment"),
    path("e/<str:token>/certificate.pdf", views.enrolment_certificate, name="enrolment-certificate"),
    path("verify/", views.verify, name="verify"),
    path("certificates/<str:certificate_token>/", views.certificate_check, name="certificate-check"),
    path("staff/", views.staff_sessions, name="staff-sessions"),
    path("staff/courses/", views.staff_courses, name="staff-courses"),
    path("staff/courses/new/", views.staff_course_edit, name="staff-course-new"),
    path("staff/courses/<int:pk>/edit/", views.staff_course_edit, name="staff-course-edit"),
    path("staff/sessions/new/", views.staff_session_edit, name="staff-session-new"),
    path("staff/sessions/<int:pk>/", views.staff_session, name="staff-session"),
    path("staff/sessions/<int:pk>/edit/", views.staff_session_edit, name="staff-session-edit"),
    path("staff/sessions/<int:pk>/cancel/", views.staff_session_cancel, name="staff-session-cancel"),
    path("staff/sessions/<int:pk>/attendance/<str:day>/", views.staff_attendance, name="staff-attendance"),
    path("staff/sessions/<int:pk>/finalise/", views.staff_finalise, name="staff-finalise"),
    path("staff/sessions/<int:pk>/import/", views.staff_import, name="staff-import"),
    path("staff/sessions/<int:pk>/import/confirm/", views.staff_import_confirm, name="staff-import-confirm"),
    path("staff/sessions/<int:pk>/roster.csv", views.staff_roster_csv, name="staff-roster-csv"),
    path("staff/enrolments/<int:pk>/cancel/", views.staff_cancel, name="staff-cancel"),
    path("staff/certificates/<int:pk>/certificate.pdf", views.staff_certificate_pdf, name="staff-certificate-pdf"),
    path("staff/certificates/<int:pk>/revoke/", views.staff_revoke, name="staff-revoke"),
    path("staff/people-trained/", views.staff_people_trained, name="staff-people-trained"),
]

from django.urls import path

from . import views

app_name = "handovers"

urlpatterns = [
    path("", views.handover_list, name="list"),
    path("cases/<int:pk>/new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/slip/", views.slip, name="slip"),
    path("<int:pk>/code/", views.confirm_code, name="code"),
    path("<int:pk>/code/new/", views.resend_code, name="code-new"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/status-check/", views.move_status_check, name="status-check"),
    path("erasure/<int:pk>/done/", views.erasure_done, name="erasure-done"),
]

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/rebuild/", views.report_rebuild, name="report-rebuild"),
    path("reports/<int:pk>/report.xlsx", views.report_download, {"fmt": "xlsx"}, name="report-xlsx"),
    path("reports/<int:pk>/report.pdf", views.report_download, {"fmt": "pdf"}, name="report-pdf"),
]

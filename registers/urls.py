from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/columns/", views.columns, name="columns"),
    path("<int:pk>/sheet/", views.sheet, name="sheet"),
    path("<int:pk>/values/", views.values, name="values"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/undo/", views.undo, name="undo"),
]

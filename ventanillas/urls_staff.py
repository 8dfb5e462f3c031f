from django.urls import path

from . import views

app_name = "ventanillas-staff"

urlpatterns = [
    path("<int:pk>/", views.window_edit, name="window-edit"),
]

from django.urls import path

from . import views

app_name = "ventanillas"

urlpatterns = [
    path("", views.window_list, name="window-list"),
]

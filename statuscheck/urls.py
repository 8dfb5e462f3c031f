from django.urls import path

from . import views

app_name = "statuscheck"

urlpatterns = [
    path("status/", views.check, name="check"),
    path("status/off/", views.turn_off, name="turn-off"),
    path("status/my-data/", views.my_data, name="my-data"),
    path("staff/status/processes/<int:pk>/", views.staff_access, name="staff"),
    path("staff/status/processes/<int:pk>/switch/", views.staff_toggle, name="staff-toggle"),
]

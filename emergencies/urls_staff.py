from django.urls import path

from . import views_staff as views

app_name = "emergencies-staff"

urlpatterns = [
    path("", views.emergency_list, name="list"),
    path("declare/", views.declare, name="declare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/text/<str:language>/", views.write_text, name="text"),
    path("<int:pk>/points/new/", views.point_add, name="point-add"),
    path("points/<int:pk>/state/", views.point_state, name="point-state"),
    path("<int:pk>/broadcast/", views.broadcast_start, name="broadcast-start"),
    path("points/<int:pk>/arrivals/", views.arrivals, name="arrivals"),
    path("<int:pk>/looking-for/", views.looking_for, name="looking-for"),
    path("<int:pk>/registrations/", views.registration_find, name="registration-find"),
    path("arrivals/<int:pk>/person/", views.arrival_person, name="arrival-person"),
    path("broadcasts/<int:pk>/<str:action>/", views.broadcast_action, name="broadcast-action"),
]

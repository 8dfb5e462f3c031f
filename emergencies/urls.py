from django.urls import path

from . import views

app_name = "emergencies"

urlpatterns = [
    path("<int:pk>/", views.page, name="page"),
    path("<int:pk>/cap/<int:number>.xml", views.cap_alert, name="cap"),
    path("feed.atom", views.feed, name="feed"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("hooks/messages/inbound/", views.inbound_message, name="statuscheck-inbound"),
]

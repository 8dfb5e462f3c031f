"""The partners' pages: no account, a signed and expiring link per referral."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.referral_answer, name="referral-answer"),
]

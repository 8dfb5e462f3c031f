"""The periodic tasks are scheduled and call their services; the demo loads twice without duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from training import services, tasks
from training.models import Certificate, Course, Enrolment, Session, Status

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_the_beat_runs_offer_expiry_and_reminders():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"training.tasks.expire_offers", "training.tasks.send_session_reminders"} <= scheduled
    assert tasks.expire_offers.name == "training.tasks.expire_offers"
    assert tasks.send_session_reminders.name == "training.tasks.send_session_reminders"


def test_the_expiry_task_moves_a_lapsed_offer_on(cr, enrol):
    session = SessionFactory(country=cr, capacity=1)
    first, second, third = enrol(session, 1), enrol(session, 2), enrol(session, 3)
    services.cancel_enrolment(enrolment=first)
    Enrolment.objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    # Run in this process: the task body against the test database, with or without a broker.
    assert tasks.expire_offers.apply().get() == 1
    third.refresh_from_db()
    assert third.status == Status.OFFERED


def test_the_demo_loads_twice_without_duplicates():
    from training import demo
    from ventanillas import demo as ventanillas_demo

    ventanillas_demo.load()
    demo.load()
    counts = (Course.objects.count(), Session.objects.count(), Enrolment.objects.count(), Certificate.objects.count())
    demo.load()
    assert counts == (
        Course.objects.count(),
        Session.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
    )
    assert Course.objects.values("language").distinct().count() >= 3
    full = Session.objects.get(capacity=5)
    assert full.seats_taken == 5 and full.enrolments.filter(status=Status.WAITLISTED).count() == 3
    assert Certificate.objects.exists()
    assert Session.objects.filter(trainers__username="trainer").count() >= 3

"""The daily retention task: on the beat's schedule, thin over the service, harmless when run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cases import services, tasks
from cases.models import Case, Person
from portal.celery import app
from tests.cases.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_anonymisation_runs_daily_on_the_beat():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "cases.anonymise_expired_cases")
    assert entry["schedule"].hour == {7} and entry["schedule"].day_of_week == set(range(7))
    app.loader.import_default_modules()
    assert "cases.anonymise_expired_cases" in app.tasks


def test_the_task_anonymises_expired_cases_once(window_cr, staff_cr, cr):
    case = make_case(window_cr, staff_cr)
    services.close_case(case=case, by=staff_cr, reason="resolved")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=cr.retention_days + 1))
    first = tasks.anonymise_expired_cases.apply().get()
    assert (first["cases"], first["people_with_cases"]) == (1, 1)
    assert Person.objects.get(pk=case.person_id).given_names == "—"
    again = tasks.anonymise_expired_cases.apply().get()
    assert set(again.values()) == {0}

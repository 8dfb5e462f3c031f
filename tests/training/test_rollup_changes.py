"""The dashboards' refresh finds the training sessions whose seats or participants changed since its last run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dashboards import rollups
from training import services
from training.models import Enrolment, Participant

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def _session_days(session) -> set[dt.date]:
    return {session.starts_on, session.ends_on}


def test_a_new_seat_and_a_later_cancellation_each_bring_the_session_back(session, enrol, cr):
    untouched = SessionFactory(country=cr, starts_on=session.starts_on + dt.timedelta(days=30))
    since = timezone.now()
    enrolment = enrol(session, 1)
    assert rollups.changed_slices(since).get(cr.pk, set()) >= _session_days(session)
    assert not _session_days(untouched) & rollups.changed_slices(since).get(cr.pk, set())

    # Long ago, as far as the refresh can tell: only the cancellation is new.
    past = since - dt.timedelta(days=3)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=past, confirmed_at=past)
    Participant.objects.filter(pk=enrolment.participant_id).update(created_at=past)
    later = timezone.now()
    assert rollups.changed_slices(later).get(cr.pk, set()) == set()
    services.cancel_enrolment(enrolment=Enrolment.objects.get(pk=enrolment.pk), reason="")
    assert rollups.changed_slices(later)[cr.pk] >= _session_days(session)


def test_a_participant_new_since_the_last_run_brings_their_sessions_back(session, enrol, cr):
    enrolment = enrol(session, 2)
    past = timezone.now() - dt.timedelta(days=3)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=past, confirmed_at=past)
    since = past + dt.timedelta(days=1)
    assert rollups.changed_slices(since)[cr.pk] >= _session_days(session)  # the participant is new
    Participant.objects.filter(pk=enrolment.participant_id).update(created_at=past)
    assert rollups.changed_slices(since).get(cr.pk, set()) == set()

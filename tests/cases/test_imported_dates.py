"""Records brought in from an earlier register keep their own dates: a case's opening, a consent's, and
consultations logged many at a time are checked and audited like one typed at the window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, Consent, Consultation
from tests.cases.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_case_opened_in_the_past_keeps_its_date_and_never_one_in_the_future(window_cr, staff_cr):
    person = make_person(window_cr, staff_cr)
    before = timezone.now() - timedelta(days=400)
    case, _new = services.open_case(person=person, window=window_cr, by=staff_cr, opened_at=before)
    assert case.opened_at == before
    with pytest.raises(services.CaseError):
        services.open_case(person=person, window=window_cr, by=staff_cr, opened_at=timezone.now() + timedelta(days=1))


def test_a_consent_given_in_the_past_is_dated_so(window_cr, staff_cr):
    given = timezone.now() - timedelta(days=90)
    person, _new = services.create_person(
        window=window_cr, by=staff_cr, data={"given_names": "Ana"}, consents=["processing"], consent_given_at=given
    )
    assert Consent.objects.get(person=person).given_at == given


def test_consultations_logged_many_at_a_time_are_checked_and_each_audited(window_cr, staff_cr):
    rows = [{"date": date(2025, 3, 1), "nationality": "HT"}, {"date": date(2025, 3, 2), "sex": "female"}]
    made = services.log_consultations(window=window_cr, by=staff_cr, rows=rows)
    assert Consultation.objects.count() == 2
    audited = AuditEntry.objects.filter(object_type="cases.consultation", action=AuditEntry.Action.CREATE)
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in made)
    with pytest.raises(services.CaseError):
        services.log_consultations(
            window=window_cr, by=staff_cr, rows=[{"date": timezone.localdate() + timedelta(days=2)}]
        )
    assert Consultation.objects.count() == 2

"""Rows inserted by ``helpers.bulk.create`` (COPY on PostgreSQL) read back as ``bulk_create`` writes them:
ids given, every field as the model prepares it (times set, lists as JSON, defaults), and in the
caller's transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from cases.models import AuditEntry, Consultation
from helpers import bulk

pytestmark = pytest.mark.django_db


def test_inserted_rows_read_back_with_their_ids_and_values(window_cr, staff_cr):
    made = bulk.create(
        Consultation,
        [
            Consultation(window_id=window_cr.pk, recorded_by_id=staff_cr.pk, date=date(2025, 3, 1), nationality="HT",
                         topics=["legal", "work"], referred=True),
            Consultation(window_id=window_cr.pk, recorded_by_id=staff_cr.pk, date=date(2025, 3, 2)),
        ],
    )  # fmt: skip
    assert all(c.pk for c in made) and len({c.pk for c in made}) == 2
    stored = {c.pk: c for c in Consultation.objects.all()}
    first, second = stored[made[0].pk], stored[made[1].pk]
    assert (first.date, first.nationality, first.topics, first.referred) == (date(2025, 3, 1), "HT",
                                                                             ["legal", "work"], True)  # fmt: skip
    assert (second.topics, second.sex, second.referred, second.case_id) == ([], "unknown", False, None)
    assert first.created_at is not None
    # The next row written the ordinary way takes the next id.
    later = Consultation.objects.create(window=window_cr, recorded_by=staff_cr, date=date(2025, 3, 3))
    assert later.pk > max(c.pk for c in made)


def test_nothing_stays_when_the_transaction_rolls_back(staff_cr):
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk.create(AuditEntry, [AuditEntry(user_id=staff_cr.pk, action="create", object_type="x")])
        raise RuntimeError
    assert not AuditEntry.objects.filter(object_type="x").exists()

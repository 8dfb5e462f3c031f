"""The roll-ups kept up to date slice by slice equal a fresh computation, after a stream of changes."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from cases import services
from dashboards import rollups
from dashboards.models import DailyFact, PeriodUnique, ProcessingFact, RollupState, UniqueFact
from helpers import locks
from tests.cases.factories import PathwayFactory, make_case, make_person


@contextlib.contextmanager
def held_elsewhere(name: str):
    """Hold the lock ``name`` from another thread (its own database connection, as another worker would)."""
    taken, release = threading.Event(), threading.Event()

    def holder():
        try:
            with locks.exclusive(name):
                taken.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(30)


pytestmark = pytest.mark.django_db


def _sorted(rows) -> list:
    return sorted(rows, key=lambda row: tuple((value is None, str(value)) for value in row))


def snapshot() -> dict[str, list]:
    return {
        "daily": _sorted(
            DailyFact.objects.values_list("country_id", "window_id", "day", "indicator", "dimension", "value", "count")
        ),
        "unique": _sorted(
            UniqueFact.objects.values_list(
                "country_id", "window_id", "day", "indicator", "dimension", "value", "subject"
            )
        ),
        "periods": _sorted(
            PeriodUnique.objects.values_list("country_id", "kind", "start", "indicator", "dimension", "value", "count")
        ),
        "processing": _sorted(
            ProcessingFact.objects.values_list("country_id", "window_id", "pathway_id", "day", "days", "count")
        ),
    }


def people_per_period() -> list:
    """``PeriodUnique`` as counted from the daily people rows by hand: distinct people per period and value, in
    each country and in the region, and per window of a country."""
    from dashboards.rollups import period_of

    found: dict[tuple, set] = {}
    for row in UniqueFact.objects.all():
        for kind in ("month", "quarter", "year"):
            start = period_of(kind, row.day)[0]
            for country in (row.country_id, None):
                key = (country, kind, start, row.indicator, row.dimension, row.value)
                found.setdefault(key, set()).add(row.subject)
            if row.dimension == "" and row.window_id is not None:
                key = (row.country_id, kind, start, row.indicator, "window", str(row.window_id))
                found.setdefault(key, set()).add(row.subject)
    return _sorted((*key, len(people)) for key, people in found.items())


def test_incremental_refresh_equals_a_fresh_rebuild_after_a_stream_of_changes(world, window_cr, window_pa, staff_cr,
                                                                              staff_pa, caplog):  # fmt: skip
    today = timezone.localdate()
    rollups.refresh_changed()  # the first run after the fixture's rebuild
    pathway = PathwayFactory(country=window_cr.country)

    # A day at the windows: consultations, a new person with a case and a process moving on.
    for n in range(3):
        services.log_consultation(
            window=window_cr, by=staff_cr, data={"date": today - timedelta(days=n), "sex": "female"}
        )
    services.log_consultation(window=window_pa, by=staff_pa, data={"date": today, "sex": "male"})
    person = make_person(window_cr, staff_cr, sex="male", nationality="CU", vulnerabilities=["lgbtiq"])
    case = make_case(window_cr, staff_cr, person=person)
    process = services.start_process(case=case, pathway=pathway, by=staff_cr, on=today - timedelta(days=60))
    services.move_process(process=process, to="documents_complete", by=staff_cr, on=today - timedelta(days=50))
    services.move_process(process=process, to="submitted", by=staff_cr, on=today - timedelta(days=45))
    services.move_process(process=process, to="denied", by=staff_cr, on=today - timedelta(days=20))
    rollups.refresh_changed()

    # The denial is appealed and approved later: the day of the first decision loses its denial.
    services.move_process(process=process, to="appealed", by=staff_cr, on=today - timedelta(days=10))
    services.move_process(
        process=process, to="approved", by=staff_cr, on=today - timedelta(days=2), permit_type="Residencia temporal"
    )
    # A fixture case is reopened: the day it was closed (20 March 2025) loses a closed case.
    services.reopen_case(case=world["cases"][0], by=staff_cr)
    # A person's details change: every day of their cases is recounted under the new nationality.
    services.update_person(person=world["cases"][3].person, by=staff_cr, data={"nationality": "CO"})
    # A referral is accepted: counted on the day it was sent, under its new status.
    referral = world["cases"][0].referrals.get(status="sent")
    services.update_referral(referral=referral, status="accepted", feedback="", by=staff_cr)
    other = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Ana"))
    services.close_case(case=other, by=staff_cr, reason="resolved")
    result = rollups.refresh_changed()
    assert result["countries"] >= 1

    incremental = snapshot()
    # The people per period were adjusted by what the rewritten people changed, never recounted whole.
    assert "out of step" not in caplog.text
    call_command("rebuild_rollups", verbosity=0)
    assert snapshot() == incremental
    assert incremental["periods"] == people_per_period()
    closed_march = [r for r in incremental["daily"] if r[3] == "cases_closed" and r[4] == "" and r[2].year == 2025]
    assert sum(r[6] for r in closed_march) == 1
    denied = [r for r in incremental["daily"] if r[3] == "processes_denied" and r[2] == today - timedelta(days=20)]
    assert denied == []


def test_only_the_days_touched_are_recomputed(world, window_cr, staff_cr):
    rollups.refresh_changed()
    since = timezone.now()
    services.log_consultation(window=window_cr, by=staff_cr, data={"date": timezone.localdate() - timedelta(days=3)})
    slices = rollups.changed_slices(since)
    assert slices == {window_cr.country_id: {timezone.localdate() - timedelta(days=3)}}


def test_a_refresh_counts_again_only_the_people_whose_rows_it_rewrote(world, window_cr, staff_cr):
    """People per period of the days refreshed are adjusted by what the people of those days' rows changed, not
    recounted: a count of the same year that no rewritten row belongs to (made wrong here on purpose) is left as
    it is by a refresh of a day of that year; a rebuild recounts it."""
    make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr))  # someone helped this year
    rollups.refresh_changed()
    day = timezone.localdate()
    year = PeriodUnique.objects.filter(country=None, kind="year", start=day.replace(month=1, day=1))
    stored = year.first()
    assert stored is not None
    same = year.filter(indicator=stored.indicator, dimension=stored.dimension, value=stored.value)
    same.update(count=stored.count + 100)
    # An anonymous consultation adds no person: no people's row is rewritten.
    services.log_consultation(window=window_cr, by=staff_cr, data={"date": day})
    assert rollups.refresh_changed()["days"] >= 1
    assert same.get().count == stored.count + 100
    rollups.rebuild()
    assert same.get().count == stored.count


def test_the_first_refresh_builds_everything_and_says_when(world):
    RollupState.objects.all().delete()
    DailyFact.objects.all().delete()
    rollups.refresh_changed()
    assert DailyFact.objects.exists()
    assert rollups.data_as_of() is not None


def test_the_refresh_task_runs_the_refresh(world):
    from dashboards.tasks import refresh_rollups

    # In this process, against the test database: a configured broker has no worker in this test.
    assert set(refresh_rollups.apply().get()) == {"countries", "days"}


def test_reading_or_exporting_records_marks_no_day_for_recomputation(staff_cr, window_cr):
    from cases.models import AuditEntry

    case = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr))
    since = timezone.now()
    for action in (AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT):
        AuditEntry.objects.create(user=staff_cr, action=action, case_id=case.pk, person_id=case.person_id)
    assert rollups.changed_slices(since) == {}
    AuditEntry.objects.create(user=staff_cr, action=AuditEntry.Action.CHANGE, case_id=case.pk)
    assert rollups.changed_slices(since) != {}


def test_the_nightly_rebuild_is_scheduled_and_never_runs_beside_a_refresh(world):
    from django.conf import settings

    from dashboards.tasks import rebuild_rollups, refresh_rollups

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"dashboards.refresh_rollups", "dashboards.rebuild_rollups"} <= scheduled
    assert rebuild_rollups.apply().get() > 0
    with held_elsewhere(rollups.LOCK):  # another process is writing the roll-ups
        assert rebuild_rollups.apply().get() == 0
        assert refresh_rollups.apply().get()["skipped"] == 1
    assert "skipped" not in refresh_rollups.apply().get()


def test_a_rebuild_links_every_person_as_a_relinking_would(world, window_cr, window_pa, staff_cr):
    # A person counted in two countries (the same subject under Costa Rica and Panama) is linked across them.
    rollups.rebuild()
    row = UniqueFact.objects.filter(country=window_cr.country, dimension="").order_by("day").first()
    UniqueFact.objects.create(
        country=window_pa.country, window=window_pa, day=row.day + timedelta(days=1), indicator=row.indicator,
        subject=row.subject,
    )  # fmt: skip
    staged = [(c, w, d, i, dim, v, s) for c, w, d, i, dim, v, s in UniqueFact.objects.values_list(
        "country_id", "window_id", "day", "indicator", "dimension", "value", "subject")]  # fmt: skip
    UniqueFact.objects.all().delete()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(rollups.STAGE_SQL)
            marks = ", ".join(["%s"] * 7)
            cursor.executemany(
                f"INSERT INTO {rollups.STAGE} ({', '.join(rollups.UNIQUE_FIELDS)}) VALUES ({marks})",  # noqa: S608
                staged,
            )
        rollups._insert_staged(None)
        # Every row's previous days are already what linking all rows again gives.
        assert rollups.link() == 0
    moved = UniqueFact.objects.get(country=window_pa.country, subject=row.subject, indicator=row.indicator)
    assert moved.previous_day is not None  # a day in Costa Rica
    assert moved.previous_day_in_country is None  # the first in Panama


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the new table is PostgreSQL's way")
def test_a_full_rebuild_puts_a_new_table_in_place_with_the_same_indexes(world):
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
                           [UniqueFact._meta.db_table])  # fmt: skip
            return [definition for (definition,) in cursor.fetchall()]

    before, rows = indexes(), snapshot()["unique"]
    rollups.rebuild()
    assert indexes() == before
    assert snapshot()["unique"] == rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE %s", ["%" + rollups.REBUILT_SUFFIX + "%"])
        assert cursor.fetchone()[0] == 0
    assert rollups.link() == 0

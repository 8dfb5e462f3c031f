"""Writing the roll-up tables: whole (country, day) slices, recomputed from the apps' records.

``compute`` is the one definition of every stored figure; ``rebuild`` runs it for everything, and
``refresh_changed`` runs it only for the slices touched since the last run (found through the audit log,
the rows' own timestamps and the case timeline). Both replace a slice inside one transaction, so a reader
never sees half of it, and running either twice does no harm.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from helpers import locks
from ventanillas.models import Country

from . import handovers, indicators
from .indicators import COUNT, UNIQUE, Source
from .models import DailyFact, PeriodUnique, ProcessingFact, RollupState, UniqueFact

logger = logging.getLogger(__name__)

STATE_KEY = "rollups"
# When the roll-ups last changed, by any writer (a full or partial rebuild, a refresh): what is cached from them
# (the whole programme's figures, ``tables.targets``) is keyed by it, so it is never read after a change.
WRITTEN_KEY = "rollups.written"
# Rows written by a transaction that started before the last run may commit after it: look back a little.
OVERLAP = timedelta(minutes=15)
BATCH = 5000


def _events(source: Source, country: Country, days: set[date] | None):
    """The source's rows of one country (and of the given days), with ``d`` their local day and ``w`` their
    window."""
    qs = source.queryset(country).order_by()
    if days is not None:
        # A plain range first, so that the database can use its indexes; then the exact days.
        first, last = min(days), max(days)
        if source.is_datetime:
            zone = country.zoneinfo
            first = datetime.combine(first, time(), tzinfo=zone)
            last = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
            qs = qs.filter(**{f"{source.date_field}__gte": first, f"{source.date_field}__lt": last})
        else:
            qs = qs.filter(**{f"{source.date_field}__gte": first, f"{source.date_field}__lte": last})
    if source.is_datetime:
        qs = qs.annotate(d=TruncDate(source.date_field, tzinfo=country.zoneinfo))
    else:
        qs = qs.annotate(d=F(source.date_field))
    if days is not None:
        qs = qs.filter(d__in=sorted(days))
    return qs.annotate(w=F(source.window_field) if source.window_field else Value(None, IntegerField()))


# One source's daily counts of one country and dimension, written by the database itself: a rebuild writes more
# than a million, which never cross into Python. Both writers insert in the order the dashboards read (dimension,
# then day): a period's rows of one dimension then lie together in the table, not one or two in each of its
# blocks (docs/speed.md).
COUNTS_SQL = """
INSERT INTO {table} (country_id, window_id, day, indicator, dimension, value, count)
SELECT %s, CAST(q.w AS bigint), q.d, %s, %s, {value}, q.n FROM ({inner}) AS q {where} ORDER BY q.d
"""
# One source's daily counts of one country under every dimension whose field is one value per row (a person's sex,
# not their vulnerabilities): the source is read once, each row is repeated once per dimension (the empty one:
# the total) with that dimension's value, and the repeats are counted together.
FANNED_COUNTS_SQL = """
INSERT INTO {table} (country_id, window_id, day, indicator, dimension, value, count)
SELECT %s, CAST(f.w AS bigint), f.d, %s, f.dim, f.v, COUNT(*) FROM (
    SELECT q.w AS w, q.d AS d, x.dim AS dim, CASE x.dim {values} END AS v FROM ({inner}) AS q CROSS JOIN ({dims}) AS x
) AS f WHERE f.v IS NOT NULL GROUP BY f.w, f.d, f.dim, f.v ORDER BY f.dim, f.d
"""


def _single_valued(model, path: str) -> bool:
    """Whether ``path`` (``person__sex``) gives each row of ``model`` one value, crossing no to-many relation."""
    opts = model._meta
    for part in path.split("__"):
        field = opts.get_field(part)
        if field.many_to_many or field.one_to_many:
            return False
        if field.related_model is not None:
            opts = field.related_model._meta
    return True


def _split_dimensions(dimensions, events) -> tuple[list[str], list[str]]:
    """The ``dimensions`` that some of ``events`` ((source, queryset) pairs) have, split in two: those that are
    one value per row in every source that has them (read with the total, ``_fanned``), and the others (each
    read on its own)."""
    fanned, alone = [], []
    for dimension in dimensions:
        having = [(source, qs) for source, qs in events if dimension in source.fields]
        if having:
            single = all(_single_valued(qs.model, source.fields[dimension]) for source, qs in having)
            (fanned if single else alone).append(dimension)
    return fanned, alone


def _empty(cursor, table: str) -> None:
    """Empty one of the writers' temporary tables whole: deleted rows would stay in it (no vacuum reaches a
    temporary table), and the connection's next refresh would read them all again, a rebuild's millions."""
    empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
    cursor.execute(f"{empty} {table}")  # nosec B608 - the writers' own table names


def _fanned(dimensions: list[str], columns: dict[str, str]) -> tuple[str, str]:
    """The SQL of the dimensions' list (``''`` first: the total) and of the CASE choosing each one's value from
    ``columns`` (dimension -> column of the inner query). Dimension names are the code's own words."""
    if not all(dimension.replace("_", "").isalnum() for dimension in dimensions):
        raise ValueError(f"not a dimension's name: {dimensions}")
    dims = " UNION ALL ".join(f"SELECT '{dimension}' AS dim" for dimension in ("", *dimensions))
    values = "WHEN '' THEN '' " + " ".join(
        f"WHEN '{dimension}' THEN CAST({columns[dimension]} AS varchar(40))" for dimension in dimensions
    )
    return dims, values


def write_counts(country: Country, days: set[date] | None = None) -> int:
    """Write the daily counts (``DailyFact``) of every counted event of a country, for the given days (None:
    every day), after the caller deleted the old ones. Returns the rows written."""
    table = connection.ops.quote_name(DailyFact._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        for indicator in indicators.counted():
            if indicator.kind != COUNT:
                continue
            for source in indicator.sources:
                qs = _events(source, country, days)
                fanned, alone = _split_dimensions(indicator.dimensions, [(source, qs)])
                # The total and the single-valued dimensions: one read of the source.
                columns = {dimension: f"q.v{n}" for n, dimension in enumerate(fanned)}
                rows = qs.values("w", "d", **{f"v{n}": F(source.fields[d]) for n, d in enumerate(fanned)})
                inner, params = rows.query.sql_with_params()
                dims, values = _fanned(fanned, columns)
                sql = FANNED_COUNTS_SQL.format(table=table, inner=inner, dims=dims, values=values)
                cursor.execute(sql, [country.pk, indicator.code, *params])
                written += cursor.rowcount
                for dimension in alone:
                    # A person with two vulnerabilities is one row per vulnerability, never two per case.
                    rows = (
                        qs.annotate(v=F(source.fields[dimension]))
                        .values("w", "d", "v")
                        .annotate(n=Count("pk", distinct=True))
                    )
                    inner, params = rows.query.sql_with_params()
                    sql = COUNTS_SQL.format(
                        table=table, inner=inner, value="CAST(q.v AS varchar(40))", where="WHERE q.v IS NOT NULL"
                    )
                    cursor.execute(sql, [country.pk, indicator.code, dimension, *params])
                    written += cursor.rowcount
    return written


def compute(country: Country, days: set[date] | None = None) -> tuple[list, list]:
    """The roll-up rows of a country that are computed here, for the given days (None: every day), as tuples in
    the order of ``DAILY_FIELDS`` (the referral answer times) and ``PROCESSING_FIELDS``. Nothing is written;
    the daily counts are ``write_counts``'s and the daily people rows ``stage_people``'s."""
    processing = Counter()
    decided = indicators.decided_processes(country).order_by()
    if days is not None:
        decided = decided.filter(decided_at__in=sorted(days))
    for window_id, pathway_id, submitted, decided_on in decided.values_list(
        "case__window_id", "pathway_id", "submitted_at", "decided_at"
    ):
        processing[(window_id, pathway_id, decided_on, (decided_on - submitted).days)] += 1
    processing_rows = [(country.pk, w, p, d, n_days, n) for (w, p, d, n_days), n in processing.items()]
    return _referral_answer_days(country, days), processing_rows


# A person handed over from another country counts as the person first registered (docs/domain.md): the
# people rows are written with the first person's id, looked up in this table of the writing transaction.
ALIASES = "rollups_person_aliases"
ALIASES_SQL = f"CREATE TEMPORARY TABLE IF NOT EXISTS {ALIASES} (person bigint PRIMARY KEY, origin bigint NOT NULL)"
# One indicator and dimension's people of one country: every source's (window, day, person, value) with the
# person's first id, each row once (UNION) however many sources or joined rows name it.
STAGE_PEOPLE_SQL = """
INSERT INTO {stage} (country_id, window_id, day, indicator, dimension, value, subject)
SELECT %s, w, d, %s, %s, v, s FROM ({sources}) AS people
"""
SOURCE_SQL = """
SELECT CAST(q.w AS bigint) AS w, q.d AS d, {subject} AS s, {value} AS v
FROM ({inner}) AS q {join}
"""


def _load_aliases() -> None:
    """Fill the aliases table with ``handovers.person_aliases`` (a handful of rows: the accepted handovers)."""
    with connection.cursor() as cursor:
        cursor.execute(ALIASES_SQL)
        _empty(cursor, ALIASES)
        aliases = sorted(handovers.person_aliases().items())
        if aliases:
            cursor.executemany(f"INSERT INTO {ALIASES} (person, origin) VALUES (%s, %s)", aliases)  # noqa: S608  # nosec B608 - a constant name


# One indicator's people of one country under the total and every dimension that is one value per row in each
# source: each source is read once, its rows repeated once per dimension with that dimension's value (NULL where
# the source has no such field), and each (window, day, dimension, value, person) kept once.
STAGE_FANNED_SQL = """
INSERT INTO {stage} (country_id, window_id, day, indicator, dimension, value, subject)
SELECT DISTINCT %s, f.w, f.d, %s, f.dim, f.v, f.s FROM (
    SELECT u.w AS w, u.d AS d, u.s AS s, x.dim AS dim, CASE x.dim {values} END AS v
    FROM ({sources}) AS u CROSS JOIN ({dims}) AS x
) AS f WHERE f.v IS NOT NULL
"""
FANNED_SOURCE_SQL = """
SELECT CAST(q.w AS bigint) AS w, q.d AS d, {subject} AS s{values}
FROM ({inner}) AS q {join}
"""


def _subject(source: Source) -> tuple[str, str]:
    """The SQL of a source's person (their first id when handed over) and of the join to the aliases it needs."""
    if source.subject_field.endswith("person_id"):
        return "COALESCE(a.origin, q.rollup_subject)", f"LEFT JOIN {ALIASES} AS a ON a.person = q.rollup_subject"
    return "q.rollup_subject", ""


def stage_people(country: Country, days: set[date] | None = None, *, aliases: bool = True) -> None:
    """Add the daily people rows (``UniqueFact``) of a country, for the given days (None: every day), to the
    rows waiting to be inserted in this transaction (``_insert_staged``). The database reads and writes them
    itself: a full rebuild stages millions, which never cross into Python. ``aliases=False`` when the caller
    has already loaded this transaction's aliases (``_load_aliases``)."""
    if aliases:
        _load_aliases()
    with connection.cursor() as cursor:
        cursor.execute(STAGE_SQL)
        for indicator in indicators.counted():
            if indicator.kind != UNIQUE:
                continue
            events = [(source, _events(source, country, days)) for source in indicator.sources]
            fanned, alone = _split_dimensions(indicator.dimensions, events)
            parts, params = [], []
            for source, qs in events:
                picked = {f"v{n}": F(source.fields[d]) for n, d in enumerate(fanned) if d in source.fields}
                inner, inner_params = qs.values(
                    "w", "d", rollup_subject=F(source.subject_field), **picked
                ).query.sql_with_params()
                subject, join = _subject(source)
                values = "".join(
                    f", CAST({'q.' + name if name in picked else 'NULL'} AS varchar(40)) AS {name}"
                    for name in (f"v{n}" for n in range(len(fanned)))
                )
                parts.append(FANNED_SOURCE_SQL.format(inner=inner, subject=subject, values=values, join=join))
                params += inner_params
            dims, values = _fanned(fanned, {d: f"u.v{n}" for n, d in enumerate(fanned)})
            sql = STAGE_FANNED_SQL.format(stage=STAGE, sources=" UNION ALL ".join(parts), dims=dims, values=values)
            cursor.execute(sql, [country.pk, indicator.code, *params])
            for dimension in alone:
                parts, params = [], []
                for source, qs in events:
                    if dimension not in source.fields:
                        continue
                    rows = qs.annotate(
                        rollup_subject=F(source.subject_field), rollup_value=F(source.fields[dimension])
                    ).filter(rollup_value__isnull=False)
                    inner, inner_params = (
                        rows.values_list("w", "d", "rollup_subject", "rollup_value").distinct().query.sql_with_params()
                    )
                    subject, join = _subject(source)
                    parts.append(
                        SOURCE_SQL.format(
                            inner=inner, subject=subject, value="CAST(q.rollup_value AS varchar(40))", join=join
                        )
                    )
                    params += inner_params
                sql = STAGE_PEOPLE_SQL.format(stage=STAGE, sources=" UNION ".join(parts))
                cursor.execute(sql, [country.pk, indicator.code, dimension, *params])


def _referral_answer_days(country: Country, days: set[date] | None) -> list[tuple]:
    """The histogram behind the referral answer time: per window and local day of the answer, how many
    referrals were answered after how many whole days, as DailyFact rows (dimension "days")."""
    source = Source(indicators.answered_referrals, "answered_at", True, window_field="case__window_id")
    found = Counter()
    for window_id, day, sent, answered in _events(source, country, days).values_list(
        "w", "d", "sent_at", "answered_at"
    ):
        found[(window_id, day, max(0, (answered - sent).days))] += 1
    return [(country.pk, w, d, indicators.REFERRAL_ANSWER_DAYS, "days", str(n_days), n)
            for (w, d, n_days), n in found.items()]  # fmt: skip


DAILY_FIELDS = ("country_id", "window_id", "day", "indicator", "dimension", "value", "count")
UNIQUE_FIELDS = ("country_id", "window_id", "day", "indicator", "dimension", "value", "subject")
PROCESSING_FIELDS = ("country_id", "window_id", "pathway_id", "day", "days", "count")


def _insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Write roll-up rows: with COPY on PostgreSQL (a full rebuild writes millions), else in batches."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(name) for name in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH)


# New daily people rows wait here, in the writing transaction, to be inserted already linked (``_insert_staged``).
STAGE = "rollups_new_people"
STAGE_SQL = """
CREATE TEMPORARY TABLE IF NOT EXISTS rollups_new_people (
    country_id integer, window_id integer, day date, indicator varchar(40), dimension varchar(20),
    value varchar(40), subject bigint
)
"""
# Each new row's previous days, from the rows kept of the same people and the new rows together, with one sort:
# the previous day in the same country is the row before in (person, country, day) order, and it is the previous
# day anywhere for a person seen in one country only. The rows of a person seen in several (under one indicator,
# dimension and value: a person handed over, counted as first registered) get ``UNLINKED`` instead, which
# ``link`` then replaces. The rows are inserted in the order of the largest index (indicator, dimension,
# country, day), so that it grows at its end rather than at random pages (and a rebuilt table is laid out as
# the dashboards read it); within one person's rows of one day that order is the window's (country, then
# window), so their ids order same-day rows as ``link`` does (a kept row before a new one): ``link``
# afterwards changes only kept rows that a new row now precedes.
UNLINKED = date(1, 1, 1)
INSERT_LINKED_SQL = """
INSERT INTO {table} (country_id, window_id, day, indicator, dimension, value, subject, previous_day,
                     previous_day_in_country)
SELECT country_id, window_id, day, indicator, dimension, value, subject,
       CASE WHEN first_country = last_country THEN previous_in_country ELSE %s END, previous_in_country
FROM (
    SELECT rows.*,
        LAG(day) OVER (PARTITION BY indicator, dimension, value, subject, country_id
                       ORDER BY day, fresh, kept_id, window_id) AS previous_in_country,
        MIN(country_id) OVER (PARTITION BY indicator, dimension, value, subject) AS first_country,
        MAX(country_id) OVER (PARTITION BY indicator, dimension, value, subject) AS last_country
    FROM (
        SELECT country_id, window_id, day, indicator, dimension, value, subject, 1 AS fresh, 0 AS kept_id
        FROM rollups_new_people
        {kept}
    ) AS rows
) AS linked
WHERE fresh = 1
ORDER BY indicator, dimension, country_id, day, value, subject, window_id
"""
KEPT_SQL = """
        UNION ALL
        SELECT country_id, window_id, day, indicator, dimension, value, subject, 0, id FROM {table} WHERE {where}
"""


def _insert_staged(subjects: list[int] | None, *, into: str | None = None) -> int:
    """Insert the waiting daily people rows with their previous days, computed with the rows already stored
    of ``subjects`` (the people whose rows the write touched, whom the caller then links; None: no row is
    stored, a full rebuild, which links the people seen in several countries itself). ``into``: another table
    than ``UniqueFact``'s (a rebuild's new table)."""
    table = connection.ops.quote_name(into or UniqueFact._meta.db_table)
    kept, params = "", [UNLINKED]
    if subjects:
        if connection.vendor == "postgresql":
            where, params = "subject = ANY(%s)", [*params, subjects]
        else:
            where, params = "subject IN (SELECT value FROM json_each(%s))", [*params, json.dumps(subjects)]
        kept = KEPT_SQL.format(table=table, where=where)
    with connection.cursor() as cursor:
        cursor.execute(STAGE_SQL)
        if connection.vendor == "postgresql":
            # The sorts of a whole rebuild in memory (a sort spilled to disk at 256 MB with 3 million rows).
            cursor.execute("SET LOCAL work_mem = '1GB'")
        cursor.execute(INSERT_LINKED_SQL.format(table=table, kept=kept), params)
        inserted = cursor.rowcount
        _empty(cursor, STAGE)
        if subjects is None:
            cursor.execute(f"SELECT DISTINCT subject FROM {table} WHERE previous_day = %s", [UNLINKED])  # noqa: S608  # nosec B608 - a model's table
            link([subject for (subject,) in cursor.fetchall()], table=into)
    return inserted


PERIOD_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
PERIOD_FIELDS = ("country_id", "kind", "start", "indicator", "dimension", "value", "count")


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The month, quarter or year containing ``day``: (first day, day after the last)."""
    from .periods import containing

    period = containing(kind, day)
    return period.start, period.end


def _periods_of(days: set[date]) -> Q:
    """The ``PeriodUnique`` rows of the months, quarters and years containing ``days``."""
    found = Q(pk__in=[])
    for kind in PERIOD_TRUNC:
        for first, _after in {period_of(kind, day) for day in days}:
            found |= Q(kind=kind, start=first)
    return found


def _period_rows(
    country: Country | None, days: set[date] | None, subjects: list[int] | None = None
) -> tuple[list[tuple], Q]:
    """People counted once per month, quarter and year (of the given days' periods, or all), for a
    country or (``None``) the whole region, among the given subjects (or all); and the filter on
    ``PeriodUnique`` of the periods recomputed."""
    rows: list[tuple] = []
    replaced = Q()
    base = UniqueFact.objects.order_by()
    if country is not None:
        base = base.filter(country=country)
    if subjects is not None:
        base = base.filter(subject__in=subjects)
    previous = "previous_day" if country is None else "previous_day_in_country"
    for kind, trunc in PERIOD_TRUNC.items():
        qs = base
        if days is not None:
            periods = {period_of(kind, day) for day in days}
            span = Q(pk__in=[])
            for first, after in periods:
                span |= Q(day__gte=first, day__lt=after)
                replaced |= Q(kind=kind, start=first)
            qs = qs.filter(span)
        qs = qs.annotate(p=trunc("day"))
        # Each person's first row in the period is the one whose previous day is empty or before the period
        # (``UniqueFact``): counting those rows counts the people, without sorting them to count them once.
        first = Q(**{f"{previous}__isnull": True}) | Q(**{f"{previous}__lt": F("p")})
        found = qs.values("p", "indicator", "dimension", "value").annotate(n=Count("pk", filter=first))
        rows += [(country and country.pk, kind, r["p"], r["indicator"], r["dimension"], r["value"], r["n"])
                 for r in found]  # fmt: skip
        if country is not None:
            by_window = (
                qs.filter(dimension="", window__isnull=False)
                .values("p", "indicator", "window_id")
                .annotate(n=Count("subject", distinct=True))
            )
            rows += [(country.pk, kind, r["p"], r["indicator"], "window", str(r["window_id"]), r["n"])
                     for r in by_window]  # fmt: skip
    if days is None:
        replaced = Q()
    return rows, replaced


def _changed(country: Country | None, days: Iterable[date] | None = None) -> None:
    """Record that the roll-ups change, in the writing transaction itself: readers see the new mark exactly
    when they see the new rows. A country's rows stamp that country and the whole (the region's figures add
    every country up); the region's own people counted once stamp the whole only. The years of the days
    written are stamped too (every year, ``ALL_YEARS``, when the writer rewrites a country whole): the
    disclosure control's year tables read only their year's rows and are kept by these stamps."""
    now = timezone.now()
    keys = [WRITTEN_KEY] + ([country_stamp(country.pk)] if country is not None else [])
    keys += [year_stamp(year) for year in sorted({day.year for day in days})] if days is not None else [ALL_YEARS]
    for key in keys:
        RollupState.objects.update_or_create(key=key, defaults={"data_as_of": now, "finished_at": now})


def country_stamp(country_id: int) -> str:
    return f"{WRITTEN_KEY}.{country_id}"


ALL_YEARS = f"{WRITTEN_KEY}.years"  # a writer that rewrote every day of a country (a rebuild)


def year_stamp(year: int) -> str:
    return f"{WRITTEN_KEY}.year.{year}"


def stamps() -> dict[str, str]:
    """Every roll-up stamp (the whole's, ``WRITTEN_KEY``, and each country's), as text for cache keys."""
    found = RollupState.objects.filter(key__startswith=WRITTEN_KEY).values_list("key", "finished_at")
    return {key: moment.isoformat() for key, moment in found}


def written_at(country_ids=None, known: dict[str, str] | None = None) -> str:
    """When the roll-ups a figure reads last changed, as text for a cache key: the countries' own stamps for
    a set of countries, the whole's for the region."""
    known = stamps() if known is None else known
    if country_ids is None:
        return known.get(WRITTEN_KEY, "never")
    return "|".join(known.get(country_stamp(pk), "never") for pk in sorted(country_ids))


def year_written_at(year: int, known: dict[str, str] | None = None) -> str:
    """When the roll-up rows of one year's days last changed, as text for a cache key."""
    known = stamps() if known is None else known
    return f"{known.get(ALL_YEARS, 'never')}|{known.get(year_stamp(year), 'never')}"


def _replace_periods(country: Country | None, days: set[date] | None) -> None:
    _changed(country, days)
    rows, replaced = _period_rows(country, days)
    old = PeriodUnique.objects.filter(country=country) if country else PeriodUnique.objects.filter(country=None)
    if days is not None:
        old = old.filter(replaced)
    old.delete()
    _insert(PeriodUnique, PERIOD_FIELDS, rows)


@transaction.atomic
def replace(country: Country, days: set[date] | None = None) -> int:
    """Recompute and replace the slices of a country (all of them when ``days`` is None), and the people
    counted per month, quarter and year of those days: recounted whole for a whole country (the caller then
    recounts the region's), or for some days changed by what the people whose rows changed add or remove, in
    the country and in the region."""
    if days is None:
        written = _replace_slices(country, None)
        _replace_periods(country, None)
        return written
    return _replace_slices(country, days, periods=True)


# People counted per period are adjusted for this many people at a time (the counts add up over disjoint sets).
SUBJECT_BATCH = 5000


def _people_in_periods(country: Country | None, days: set[date], subjects: list[int]) -> Counter:
    """How many of ``subjects`` each month, quarter and year of ``days`` counts (what ``_period_rows``
    would count if they were the only people), keyed like ``PeriodUnique`` rows without their count."""
    found: Counter = Counter()
    for begin in range(0, len(subjects), SUBJECT_BATCH):
        rows, _replaced = _period_rows(country, days, subjects[begin : begin + SUBJECT_BATCH])
        for *key, n in rows:
            found[tuple(key)] += n
    return found


def _adjust_periods(country: Country | None, days: set[date], before: Counter, after: Counter) -> None:
    """Change the stored people per period by what the rewritten people's own counts moved. The people whose
    rows were neither deleted nor inserted count as before, so the result is what a recount would give."""
    delta = Counter(after)
    delta.subtract(before)
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    _changed(country, days)
    stored = PeriodUnique.objects.filter(country=country).filter(_periods_of(days))
    kept = {(row.country_id, row.kind, row.start, row.indicator, row.dimension, row.value): row for row in stored}
    new, changed, gone = [], [], []
    for key, n in delta.items():
        row = kept.get(key)
        count = (row.count if row else 0) + n
        if count < 0 or (row is None and count == 0):
            # Only if the stored counts were already wrong: recount these periods whole.
            logger.warning("roll-ups: people per period out of step, recounting %s", key[1])
            _replace_periods(country, days)
            return
        if row is None:
            new.append(PeriodUnique(**dict(zip(PERIOD_FIELDS, (*key, count), strict=True))))
        elif count == 0:
            gone.append(row.pk)
        else:
            row.count = count
            changed.append(row)
    PeriodUnique.objects.filter(pk__in=gone).delete()
    PeriodUnique.objects.bulk_update(changed, ["count"], batch_size=BATCH)
    PeriodUnique.objects.bulk_create(new, batch_size=BATCH)


def _replace_slices(country: Country, days: set[date] | None, *, periods: bool = False) -> int:
    _changed(country, days)
    daily, processing = compute(country, days)
    stage_people(country, days)
    old = UniqueFact.objects.filter(country=country)
    if days is not None:
        old = old.filter(day__in=sorted(days))
    touched = set(old.values_list("subject", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT subject FROM {STAGE}")  # noqa: S608  # nosec B608 - a constant name
        touched.update(subject for (subject,) in cursor.fetchall())
    subjects = sorted(touched)
    before = {}
    if periods:
        before = {scope: _people_in_periods(scope, days, subjects) for scope in (country, None)}
    for model in (DailyFact, UniqueFact, ProcessingFact):
        qs = model.objects.filter(country=country)
        if days is not None:
            qs = qs.filter(day__in=sorted(days))
        qs.delete()
    counts = write_counts(country, days)
    _insert(DailyFact, DAILY_FIELDS, daily)
    staged = _insert_staged(subjects)
    _insert(ProcessingFact, PROCESSING_FIELDS, processing)
    link(subjects)  # the kept rows that a new row now precedes (or a deleted one no longer does)
    for scope, counted in before.items():
        _adjust_periods(scope, days, counted, _people_in_periods(scope, days, subjects))
    return counts + len(daily) + staged + len(processing)


LINK_SQL = """
UPDATE {table} AS u SET previous_day = w.previous, previous_day_in_country = w.previous_in_country
FROM (
    SELECT id,
        LAG(day) OVER (PARTITION BY indicator, dimension, value, subject ORDER BY day, id) AS previous,
        LAG(day) OVER (PARTITION BY indicator, dimension, value, country_id, subject ORDER BY day, id)
            AS previous_in_country
    FROM {table} {where}
) AS w
WHERE u.id = w.id AND (u.previous_day {differs} w.previous OR u.previous_day_in_country {differs} w.previous_in_country)
"""


def link(subjects: Iterable[int] | None = None, *, using: str = "default", table: str | None = None) -> int:
    """Set each daily people row's previous day (see ``UniqueFact``) for every row of the given subjects (all
    rows with None), from the rows as they are now. A write changes the previous day of later rows of the
    same people, in any country and on any day, so every writer of ``UniqueFact`` rows links the people of
    the rows it deleted and inserted, in the same transaction. Returns the number of rows changed. ``table``:
    another table than ``UniqueFact``'s (a rebuild's new table)."""
    from django.db import connections

    conn = connections[using]
    params: list = []
    where = ""
    if subjects is not None:
        subjects = sorted(set(subjects))
        if not subjects:
            return 0
        if conn.vendor == "postgresql":
            where, params = "WHERE subject = ANY(%s)", [subjects]
        else:
            where, params = "WHERE subject IN (SELECT value FROM json_each(%s))", [json.dumps(subjects)]
    differs = "IS DISTINCT FROM" if conn.vendor == "postgresql" else "IS NOT"
    table = conn.ops.quote_name(table or UniqueFact._meta.db_table)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql" and conn.in_atomic_block:
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the window sorts of a whole rebuild, in memory
        cursor.execute(LINK_SQL.format(table=table, where=where, differs=differs), params)
        return cursor.rowcount


def _mark(started: datetime) -> None:
    RollupState.objects.update_or_create(key=STATE_KEY, defaults={"data_as_of": started, "finished_at": timezone.now()})


LOCK = "dashboards.rollups"


def rebuild(countries: Iterable[Country] | None = None, *, wait: bool = True) -> int | None:
    """Recompute every roll-up from scratch (the ``rebuild_rollups`` command). One writer at a time, across
    processes: two rebuilds at once would each delete the slices before the other's rows commit and then
    both insert, doubling every figure. A second writer waits; with ``wait=False`` it returns None at once."""
    with locks.exclusive(LOCK, wait=wait) as acquired:
        return _rebuild(countries) if acquired else None


def _rebuild(countries: Iterable[Country] | None) -> int:
    started = timezone.now()
    if countries is None:
        return _rebuild_all(started)
    written = 0
    for country in countries:
        written += replace(country)
    days = set(UniqueFact.objects.filter(country__in=countries).dates("day", "day"))
    with transaction.atomic():
        _replace_periods(None, days)
    return written


@transaction.atomic
def _rebuild_all(started: datetime) -> int:
    """Every roll-up from scratch, in one transaction (readers see the old figures until it commits): every
    daily people row is inserted at once, already linked, with no stored row to link to."""
    written = 0
    countries = list(Country.objects.all())
    if connection.vendor == "postgresql":
        rebuilt = _new_people_table()
    else:
        rebuilt = None
        UniqueFact.objects.all().delete()
    _load_aliases()
    for country in countries:
        _changed(country)
        daily, processing = compute(country)
        for model in (DailyFact, ProcessingFact):
            model.objects.filter(country=country).delete()
        written += write_counts(country)
        _insert(DailyFact, DAILY_FIELDS, daily)
        _insert(ProcessingFact, PROCESSING_FIELDS, processing)
        stage_people(country, aliases=False)
        written += len(daily) + len(processing)
    written += _insert_staged(None, into=rebuilt)
    if rebuilt:
        _swap_in(rebuilt)
    for country in countries:
        _replace_periods(country, None)
    _replace_periods(None, None)
    _mark(started)
    return written


# A full rebuild on PostgreSQL writes the daily people (millions of rows) into a new table without indexes, builds
# the indexes once, and puts it in the place of the old one: inserting into the indexed table cost more than all
# the rest. Readers see the old table until the swap; from the swap to the commit (the people per period, a few
# seconds) a reader of the table waits.
REBUILT_SUFFIX = "_rebuilt"


def _new_people_table() -> str:
    table = UniqueFact._meta.db_table
    new = f"{table}{REBUILT_SUFFIX}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {new}")
        cursor.execute(
            f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS "
            "INCLUDING STORAGE)"
        )
    return new


def _swap_in(new: str) -> None:
    """Give the new table the old one's indexes (same definitions), then its name and theirs, and drop the old."""
    table = UniqueFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid), c.conname FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'p' "
            "WHERE x.indrelid = %s::regclass",
            [table],
        )
        indexes = cursor.fetchall()
        for name, definition, _primary in indexes:
            head, _on, rest = definition.partition(" ON ")
            head = head[: -len(name)] + connection.ops.quote_name(f"{name[:50]}{REBUILT_SUFFIX}")
            rest = rest.replace(f"{table} ", f"{new} ", 1)  # "public.<table> USING btree (...)"
            cursor.execute(f"{head} ON {rest}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')", [table, new])
        old_sequence, new_sequence = cursor.fetchone()
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
        for name, _definition, primary in indexes:
            built = connection.ops.quote_name(f"{name[:50]}{REBUILT_SUFFIX}")
            if primary:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {primary} PRIMARY KEY USING INDEX {built}")
            else:
                cursor.execute(f"ALTER INDEX {built} RENAME TO {connection.ops.quote_name(name)}")
        cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {old_sequence.rpartition('.')[2]}")
        cursor.execute(f"ANALYZE {table}")  # the planner's statistics, which a new table lacks


def data_as_of() -> datetime | None:
    state = RollupState.objects.filter(key=STATE_KEY).first()
    return state.data_as_of if state else None


# --- finding what changed ---------------------------------------------------------------------------------


def _local_day(moment: datetime | None, zone) -> date | None:
    return timezone.localtime(moment, zone).date() if moment else None


def changed_slices(since: datetime) -> dict[int, set[date]]:
    """The (country, days) slices whose figures may have changed since ``since``.

    A change can move a figure from one day to another (a reopened case leaves the day it was closed; an
    appealed decision is decided again later), so for every case touched we take every day its history
    mentions: opening, closing, process dates, referrals and the dates kept in its timeline.
    """
    from cases.models import AuditEntry, Case, Consultation, Person, Referral, RegularizationProcess
    from registers.selectors import undone_days
    from statuscheck.models import Lookup
    from training.models import Enrolment, Session

    slices: dict[int, set[date]] = defaultdict(set)
    zones = {c.pk: c.zoneinfo for c in Country.objects.all()}

    for country_id, day in Consultation.objects.filter(created_at__gte=since).values_list("window__country_id", "date"):
        slices[country_id].add(day)

    # Reading a record or exporting a list changes no figure: only rows that record a change count.
    audit = AuditEntry.objects.filter(at__gte=since).exclude(
        action__in=[AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT]
    )
    case_ids = set(audit.exclude(case_id=None).values_list("case_id", flat=True))
    person_ids = set(audit.exclude(person_id=None).values_list("person_id", flat=True))
    person_ids |= set(Person.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    case_ids |= set(RegularizationProcess.objects.filter(updated_at__gte=since).values_list("case_id", flat=True))
    case_ids |= set(Referral.objects.filter(status_changed_at__gte=since).values_list("case_id", flat=True))
    cases = Case.objects.filter(Q(pk__in=case_ids) | Q(person_id__in=person_ids)).select_related("window")
    for case in cases.prefetch_related("processes", "referrals", "timeline"):
        zone = zones[case.window.country_id]
        days = slices[case.window.country_id]
        days.update(d for d in (_local_day(case.opened_at, zone), _local_day(case.closed_at, zone)) if d)
        for process in case.processes.all():
            days.update(d for d in (process.started_at, process.submitted_at, process.decided_at) if d)
        days.update(_local_day(r.sent_at, zone) for r in case.referrals.all())
        for entry in case.timeline.all():
            days.add(_local_day(entry.at, zone))
            on = entry.details.get("on") if isinstance(entry.details, dict) else None
            if on:
                with contextlib.suppress(ValueError):
                    days.add(date.fromisoformat(on))

    for country_id, day in handovers.changed_days(since, zones):
        slices[country_id].add(day)
    # An undone register import deleted its records: the import kept the days they counted on.
    for country_id, days in undone_days(since).items():
        slices[country_id].update(days)

    for country_id, at in Lookup.objects.filter(at__gte=since, country__isnull=False).values_list("country_id", "at"):
        slices[country_id].add(_local_day(at, zones[country_id]))

    # Subqueries rather than a join: an OR across the enrolments' join (and its DISTINCT) read every session's
    # enrolments. Each timestamp has its own index, and the new participants are a subquery of their own, so
    # that no condition of the OR reaches across a join (which would read every enrolment).
    enrolments = Enrolment.objects.filter(
        Q(created_at__gte=since)
        | Q(confirmed_at__gte=since)
        | Q(cancelled_at__gte=since)
        | Q(offered_at__gte=since)
        | Q(waitlisted_at__gte=since)
    )
    newcomers = Enrolment.objects.filter(participant__created_at__gte=since)
    sessions = Session.objects.filter(
        Q(finalised_at__gte=since)
        | Q(pk__in=enrolments.values("session_id"))
        | Q(pk__in=newcomers.values("session_id"))
    )
    for country_id, starts_on, ends_on in sessions.values_list("country_id", "starts_on", "ends_on"):
        slices[country_id].update({starts_on, ends_on})
    return {country_id: days for country_id, days in slices.items() if days}


def refresh_changed(now: datetime | None = None, *, wait: bool = True) -> dict[str, int] | None:
    """Bring the roll-ups up to date: recompute the slices touched since the last run (all of them on the
    first run). Returns the number of countries and days recomputed; None when ``wait=False`` and another
    writer holds the lock (the next run catches up)."""
    with locks.exclusive(LOCK, wait=wait) as acquired:
        return _refresh_changed(now) if acquired else None


def refresh_days(country_id: int, days: set[date]) -> int:
    """Recompute some days of a country at once, for a writer that knows which it changed (a register import:
    ``registers.signals.days_changed``). One roll-up writer at a time: waits for the others. Returns the
    rows written."""
    with locks.exclusive(LOCK, wait=True):
        country = Country.objects.filter(pk=country_id).first()
        return replace(country, set(days)) if country is not None and days else 0


def _refresh_changed(now: datetime | None) -> dict[str, int]:
    started = now or timezone.now()
    last = data_as_of()
    if last is None:
        _rebuild(None)
        return {"countries": Country.objects.count(), "days": -1}
    slices = changed_slices(last - OVERLAP)
    countries = Country.objects.in_bulk(list(slices))
    for country_id, days in slices.items():
        replace(countries[country_id], days)  # the region's people per period included
    _mark(started)
    return {"countries": len(slices), "days": sum(len(d) for d in slices.values())}

"""Benchmark of the dashboards at scale (not a test; never run in CI).

Fills an EMPTY PostgreSQL database with 1,000,000 consultations and 200,000 cases (with their people,
regularization processes and referrals) over three years in the 11 countries, plus some training, using
set-based SQL (generate_series); builds the roll-ups; then times both dashboards through the Django test
client (server time: URL resolution, views, queries and templates; no network).

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE vt_dash_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_dash_bench .venv/bin/python bench/dashboards.py

Options: --requests N (default 30), --keep (reuse the data already generated).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from privacy import crypto  # noqa: E402

CONSULTATIONS = 1_000_000
CASES = 200_000
DAYS = 3 * 365
START = "2023-12-01"  # three years up to the end of November 2026


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params if params is not None else {})


def reference_data():
    """Countries, windows and demo users (the ventanillas demo), a pathway and a partner per country."""
    from cases.models import RegularizationPathway
    from training.models import Course
    from ventanillas import demo
    from ventanillas.models import Country, PartnerOrganisation

    demo.load()
    for country in Country.objects.all():
        RegularizationPathway.objects.update_or_create(
            country=country, slug="bench", defaults={"name": f"Residencia {country.code}", "is_sample": True}
        )
        PartnerOrganisation.objects.update_or_create(country=country, name=f"Socio {country.code}")
    Course.objects.update_or_create(title="Bench course", defaults={"language": "es"})


def generate() -> None:
    from django.contrib.auth import get_user_model

    user_id = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    params = {"user": user_id, "start": START, "days": DAYS}
    windows = "(SELECT array_agg(id ORDER BY id) FROM ventanillas_informationwindow)"
    log("consultations")
    sql(
        f"""
        INSERT INTO cases_consultation (window_id, date, channel, topics, nationality, sex, age_group, referred,
                                        recorded_by_id, created_at)
        SELECT w.ids[1 + (g * 7) %% array_length(w.ids, 1)],
               %(start)s::date + ((g * 7919) %% %(days)s)::int,
               (ARRAY['walk_in','phone','whatsapp','outreach'])[1 + g %% 4], '["regularization"]',
               (ARRAY['HT','VE','NI','CU','CO','HN','GT','SV','','XX'])[1 + (g / 3) %% 10],
               (ARRAY['female','male','female','male','unknown'])[1 + (g / 7) %% 5],
               (ARRAY['0-11','12-17','18-29','30-59','60+','unknown'])[1 + (g / 11) %% 6],
               g %% 9 = 0, %(user)s, %(start)s::timestamptz
        FROM generate_series(1::bigint, {CONSULTATIONS}) g, (SELECT {windows} AS ids) w
        """,  # noqa: S608 (constants of this script, not input)
        params,
    )
    log("people")
    sql(
        f"""
        INSERT INTO cases_person (id, window_id, given_names, family_names, name_tokens, birth_date_estimated,
            age_group, sex, gender, nationality, document_type, document_number_hash, document_country, phone_hash,
            preferred_language, legal_basis, created_by_id, created_at, updated_at)
        SELECT g, w.ids[1 + (g * 13) %% array_length(w.ids, 1)], %(given)s, %(family)s, '{{}}',
               false, (ARRAY['0-11','12-17','18-29','30-59','60+'])[1 + (g / 5) %% 5],
               (ARRAY['female','male'])[1 + g %% 2], 'unknown',
               (ARRAY['HT','VE','NI','CU','CO','HN','GT','SV','XX'])[1 + (g / 3) %% 9], '', '', '', '', 'es',
               'consent', %(user)s, %(start)s::timestamptz, %(start)s::timestamptz
        FROM generate_series(1::bigint, {CASES}) g, (SELECT {windows} AS ids) w
        """,  # noqa: S608 (constants of this script, not input)
        # Names are encrypted: one made-up name for everyone (this bench never searches by name).
        {**params, "given": crypto.encrypt("Persona"), "family": crypto.encrypt("Bench")},
    )
    sql("SELECT setval(pg_get_serial_sequence('cases_person', 'id'), (SELECT max(id) FROM cases_person))")
    sql("""INSERT INTO cases_personvulnerability (person_id, code)
           SELECT id, (ARRAY['disability','violence_survivor','pregnant'])[1 + id %% 3] FROM cases_person
           WHERE id %% 6 = 0""")
    log("cases")
    sql(
        """
        INSERT INTO cases_case (id, person_id, window_id, opened_by_id, opened_at, needs, status, closed_at,
                                close_reason)
        SELECT p.id, p.id, p.window_id, %(user)s,
               (%(start)s::date + ((p.id * 104729) %% (%(days)s - 200))::int)::timestamptz + interval '15 hours',
               '[]', CASE WHEN p.id %% 3 = 0 THEN 'closed' ELSE 'open' END,
               CASE WHEN p.id %% 3 = 0 THEN
                    (%(start)s::date + ((p.id * 104729) %% (%(days)s - 200))::int + 30 + (p.id %% 90)::int)::timestamptz
                    + interval '16 hours' END,
               CASE WHEN p.id %% 3 = 0 THEN 'resolved' ELSE '' END
        FROM cases_person p
        """,
        params,
    )
    sql("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))")
    log("processes")
    sql(
        """
        INSERT INTO cases_regularizationprocess (case_id, pathway_id, stage, started_at, submitted_at, decided_at,
                                                 approved, permit_type, updated_at)
        SELECT c.id, pw.id,
               CASE WHEN c.id %% 10 < 4 THEN 'approved' WHEN c.id %% 10 = 4 THEN 'denied'
                    WHEN c.id %% 10 = 5 THEN 'submitted' ELSE 'preparing' END,
               c.opened_at::date + 1,
               CASE WHEN c.id %% 10 < 6 THEN c.opened_at::date + 10 END,
               CASE WHEN c.id %% 10 < 5 THEN c.opened_at::date + 30 + ((c.id * 31) %% 160)::int END,
               CASE WHEN c.id %% 10 < 4 THEN true WHEN c.id %% 10 = 4 THEN false END,
               '', %(start)s::timestamptz
        FROM cases_case c
        JOIN ventanillas_informationwindow w ON w.id = c.window_id
        JOIN cases_regularizationpathway pw ON pw.country_id = w.country_id AND pw.slug = 'bench'
        WHERE c.id %% 10 < 8
        """,
        params,
    )
    log("referrals")
    sql(
        """
        INSERT INTO cases_referral (case_id, partner_id, service, status, sent_at, status_changed_at, feedback,
                                    created_by_id)
        SELECT c.id, po.id, 'legal', (ARRAY['sent','accepted','completed','declined'])[1 + c.id %% 4],
               c.opened_at + interval '2 days', c.opened_at + interval '9 days', '', %(user)s
        FROM cases_case c
        JOIN ventanillas_informationwindow w ON w.id = c.window_id
        JOIN ventanillas_partnerorganisation po ON po.country_id = w.country_id AND po.name LIKE 'Socio %%'
        WHERE c.id %% 5 = 0
        """,
        params,
    )
    log("training")
    sql(
        """
        INSERT INTO training_session (course_id, country_id, starts_on, ends_on, start_time, end_time, venue,
            online_link, capacity, seats_taken, published, finalised_at, cancel_reason, meeting_days)
        SELECT (SELECT id FROM training_course WHERE title = 'Bench course'), c.id,
               %(start)s::date + s * 20, %(start)s::date + s * 20 + 2, '09:00', '13:00', 'Sala', '', 40, 0, true,
               (%(start)s::date + s * 20 + 2)::timestamptz + interval '20 hours', '', '[]'
        FROM ventanillas_country c, generate_series(0, 50) s
        """
        if _has_column("training_session", "meeting_days")
        else """
        INSERT INTO training_session (course_id, country_id, starts_on, ends_on, start_time, end_time, venue,
            online_link, capacity, seats_taken, published, finalised_at)
        SELECT (SELECT id FROM training_course WHERE title = 'Bench course'), c.id,
               %(start)s::date + s * 20, %(start)s::date + s * 20 + 2, '09:00', '13:00', 'Sala', '', 40, 0, true,
               (%(start)s::date + s * 20 + 2)::timestamptz + interval '20 hours'
        FROM ventanillas_country c, generate_series(0, 50) s
        """,
        params,
    )
    sql(
        """
        INSERT INTO training_participant (email, name, phone, institution, sector, sex, language, created_at,
                                          country_id)
        SELECT 'bench' || g || '@example.org', 'Participante ' || g, '', 'Ministerio',
               (ARRAY['government','judiciary','civil_society','media','academia','private'])[1 + g %% 6],
               (ARRAY['female','male'])[1 + g %% 2], 'es', '2023-11-01'::timestamptz,
               (SELECT id FROM ventanillas_country ORDER BY id LIMIT 1 OFFSET g %% 11)
        FROM generate_series(1, 15000) g
        """
    )
    sql(
        """
        INSERT INTO training_enrolment (session_id, participant_id, status, source, created_at, cancel_reason)
        SELECT s.id, p.id, CASE WHEN p.id %% 7 = 0 THEN 'no_show' ELSE 'completed' END, 'bulk', s.starts_on - 20, ''
        FROM training_session s
        JOIN LATERAL (SELECT id FROM training_participant WHERE country_id = s.country_id
                      ORDER BY id OFFSET (s.id * 17) %% 1300 LIMIT 25) p ON true
        """
    )
    sql("ANALYZE")


def _has_column(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", [table, column]
        )
        return cursor.fetchone() is not None


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
        return cursor.fetchone()[0]


def timed_requests(client: Client, url: str, n: int) -> list[float]:
    for _warm in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _i in range(n):
        begin = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    return times


def describe(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{name}: p50 {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the data already in the database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL=postgres://...).")
    call_command("migrate", verbosity=0)
    if not args.keep or count("cases_consultation") < CONSULTATIONS:
        if count("cases_consultation"):
            sys.exit("The database already holds consultations: use an empty database, or --keep.")
        begin = time.perf_counter()
        reference_data()
        generate()
        log(f"data generated in {time.perf_counter() - begin:.0f} s")
    from dashboards import rollups
    from dashboards.models import DailyFact, ProcessingFact, UniqueFact

    log(
        f"{count('cases_consultation'):,} consultations, {count('cases_case'):,} cases, "
        f"{count('cases_regularizationprocess'):,} processes, {count('cases_referral'):,} referrals, "
        f"{count('training_enrolment'):,} enrolments"
    )
    begin = time.perf_counter()
    rollups.rebuild()
    sql("VACUUM ANALYZE dashboards_dailyfact")
    sql("VACUUM ANALYZE dashboards_uniquefact")
    sql("VACUUM ANALYZE dashboards_processingfact")
    log(
        f"roll-ups rebuilt in {time.perf_counter() - begin:.0f} s: {DailyFact.objects.count():,} daily rows, "
        f"{UniqueFact.objects.count():,} people-day rows, {ProcessingFact.objects.count():,} processing rows"
    )

    from cases.models import Consultation

    window_id = Consultation.objects.values_list("window_id", flat=True).first()
    sql(
        "INSERT INTO cases_consultation (window_id, date, channel, topics, nationality, sex, age_group, referred, "
        "recorded_by_id, created_at) SELECT %s, current_date - g, 'walk_in', '[]', '', 'female', 'unknown', false, "
        "(SELECT min(id) FROM auth_user), now() FROM generate_series(0, 4) g",
        [window_id],
    )
    begin = time.perf_counter()
    result = rollups.refresh_changed()
    log(f"incremental refresh after 5 new consultations: {time.perf_counter() - begin:.2f} s ({result})")

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], DEBUG=False):
        officer, regional = Client(), Client()
        officer.force_login(users.get(username="officer-cr"))
        regional.force_login(users.get(username="regional"))
        results = []
        for name, client, url in [
            ("country dashboard, a year (CR, 2025, by sex)", officer, "/es/staff/dashboards/cr/?period=year&on=2025-06-01&by=sex"),
            ("country dashboard, a month (CR, March 2026)", officer, "/es/staff/dashboards/cr/?period=month&on=2026-03-01&by=nationality"),
            ("regional dashboard, a year (2025, by sex)", regional, "/es/staff/dashboards/region/?period=year&on=2025-06-01&by=sex"),
            ("regional dashboard, a quarter (Q1 2026, by age)", regional, "/es/staff/dashboards/region/?period=quarter&on=2026-02-01&by=age_group"),
        ]:  # fmt: skip
            results.append(describe(name, timed_requests(client, url, args.requests)))
    print()
    for line in results:
        print(line)


if __name__ == "__main__":
    main()

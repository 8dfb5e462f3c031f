# ruff: noqa: S608 - the SQL is built from this file's constants and integers, never from input
"""Fill PostgreSQL with the programme's scale, for the benchmark (``make bench``); never in production.

    DATABASE_URL=postgres://... python manage.py seed_scale            # 1,000,000 consultations ...
    DATABASE_URL=postgres://... python manage.py seed_scale --scale 0.1

At ``--scale 1``: 1,000,000 consultations, 200,000 people each with a case (a third closed), 160,000
regularization processes (half decided), 40,000 referrals and 60,000 training participants with an
enrolment each, over three years (December 2023 to November 2026) in the 11 countries, on top of the demo
(its countries, windows, logins and public content). Every step is one set-based ``INSERT ... SELECT``
over ``generate_series``, in chunks with a progress bar; the rows of each step have their own block of
ids, so a run that stops (or a larger ``--scale`` later) resumes where the last one ended. The
dashboards' roll-ups are rebuilt at the end unless they already cover the data (``--rollups`` forces it).

Columns added later by other changes are filled with their type's empty value, so the command keeps
working as the models grow.
"""

from __future__ import annotations

import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases import name_index
from privacy import crypto

START = "2023-12-01"
DAYS = 3 * 365
CHUNK = 50_000
# Each generated table's rows take ids from their own block, far above what the demo and people create.
BASE = 100_000_000
FULL = {"consultations": 1_000_000, "people": 200_000, "participants": 60_000}

GIVEN = [
    "maria",
    "jose",
    "ana",
    "juan",
    "carlos",
    "luis",
    "rosa",
    "carmen",
    "pedro",
    "jorge",
    "marta",
    "elena",
    "sofia",
    "daniela",
    "jean",
    "pierre",
    "marie",
    "wilner",
    "rose",
    "lucia",
    "miguel",
    "andres",
    "fernando",
    "gabriela",
    "valentina",
    "camila",
    "diego",
    "manuel",
    "isabel",
    "patricia",
    "roberto",
    "ricardo",
    "yolanda",
    "esther",
    "nadege",
    "jocelyne",
    "fabiola",
    "kervens",
    "stephanie",
]
FAMILY = [
    "perez",
    "gomez",
    "rodriguez",
    "hernandez",
    "garcia",
    "martinez",
    "lopez",
    "gonzalez",
    "sanchez",
    "ramirez",
    "torres",
    "flores",
    "rivera",
    "diaz",
    "cruz",
    "morales",
    "reyes",
    "gutierrez",
    "ortiz",
    "jimenez",
    "castillo",
    "vargas",
    "romero",
    "herrera",
    "medina",
    "aguilar",
    "castro",
    "ruiz",
    "mendoza",
    "alvarez",
    "joseph",
    "pierre",
    "louis",
    "jean",
    "baptiste",
    "charles",
    "etienne",
    "dorvil",
    "francois",
    "toussaint",
    "villalobos",
    "solis",
    "mora",
    "rojas",
    "chaves",
    "quesada",
    "arias",
    "calderon",
    "campos",
    "salazar",
    "nunez",
    "vega",
    "brenes",
    "ulate",
    "zamora",
    "murillo",
    "fonseca",
    "barrantes",
]


def sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params if params is not None else {})
        return cursor.rowcount


def scalar(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        row = cursor.fetchone()
        return row[0] if row else None


EMPTY = {
    "character varying": "''",
    "text": "''",
    "boolean": "false",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "numeric": "0",
    "jsonb": "'[]'::jsonb",
    "date": "%(start)s::date",
    "timestamp with time zone": "%(start)s::timestamptz",
    "uuid": "gen_random_uuid()",
}


def insert(table: str, values: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO table (columns) SELECT expressions FROM source, filling every other NOT NULL column
    without a default with its type's empty value."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        for column, data_type in cursor.fetchall():
            if column not in values:
                if data_type not in EMPTY:
                    raise CommandError(f"{table}.{column} ({data_type}) has no value in seed_scale.")
                values = {**values, column: EMPTY[data_type]}
    columns = ", ".join(values)
    expressions = ", ".join(values.values())
    return sql(f"INSERT INTO {table} ({columns}) SELECT {expressions} FROM {source}", params)


def array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"


class Progress:
    def __init__(self, label: str, total: int, done: int) -> None:
        self.label, self.total, self.begin = label, max(total, 1), time.perf_counter()
        self.show(done)

    def show(self, done: int) -> None:
        width = 30
        filled = int(width * min(done, self.total) / self.total)
        elapsed = time.perf_counter() - self.begin
        sys.stdout.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{self.total:,} {elapsed:5.0f} s"
        )
        sys.stdout.flush()

    def end(self) -> None:
        sys.stdout.write("\n")


class Command(BaseCommand):
    help = "Fill PostgreSQL with the programme's scale for the benchmark (resumable)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full scale (default 1)")
        parser.add_argument("--rollups", action="store_true", help="rebuild the dashboards' roll-ups even if present")

    def handle(self, *args, scale: float, rollups: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale fills PostgreSQL (DATABASE_URL=postgres://...).")
        if not settings.DEBUG:
            raise CommandError("seed_scale loads the demo logins: run it with DEBUG=1, never in production.")
        sizes = {name: max(1, int(count * scale)) for name, count in FULL.items()}
        call_command("migrate", verbosity=0)
        if not scalar("SELECT count(*) FROM auth_user WHERE username = 'staff-cr'"):
            self.stdout.write("demo data (countries, windows, logins, public content)")
            call_command("load_demo", verbosity=0)
        self.reference_data()
        self.params = {
            "user": scalar("SELECT id FROM auth_user WHERE username = 'staff-cr'"),
            "start": START,
            "days": DAYS,
        }
        added = self.consultations(sizes["consultations"])
        added += self.people_and_cases(sizes["people"])
        added += self.training(sizes["participants"])
        for table in (
            "cases_consultation",
            "cases_person",
            "cases_case",
            "cases_regularizationprocess",
            "cases_referral",
            "training_participant",
            "training_enrolment",
            "training_session",
        ):
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        if added:
            self.stdout.write("ANALYZE")
            sql("ANALYZE")
        if rollups or added or not scalar("SELECT count(*) FROM dashboards_dailyfact"):
            from dashboards import rollups as dashboard_rollups

            begin = time.perf_counter()
            self.stdout.write("dashboards' roll-ups (rebuild)")
            dashboard_rollups.rebuild()
            # VACUUM too: linking the people rows rewrites them, and a custom period's count reads only the
            # index where the visibility map says the table's pages are all visible.
            sql("VACUUM ANALYZE")
            self.stdout.write(f"roll-ups rebuilt in {time.perf_counter() - begin:.0f} s")
        for table in (
            "cases_consultation",
            "cases_person",
            "cases_case",
            "cases_regularizationprocess",
            "training_participant",
            "training_enrolment",
        ):
            self.stdout.write(f"{table}: {scalar(f'SELECT count(*) FROM {table}'):,}")

    def reference_data(self) -> None:
        from cases.models import FactKind, PathwayFact, RegularizationPathway
        from training.models import Course
        from ventanillas.models import Country, PartnerOrganisation

        for country in Country.objects.all():
            pathway, created = RegularizationPathway.objects.get_or_create(
                country=country,
                slug="bench",
                defaults={
                    "name": f"Residencia {country.code}",
                    "name_es": f"Residencia {country.code}",
                    "is_sample": True,
                },
            )
            if created:  # the announced time is a fact of the pathway, as on every pathway
                PathwayFact.objects.create(pathway=pathway, kind=FactKind.TIME, days=90, text_es="Unos 90 días.")
            PartnerOrganisation.objects.get_or_create(country=country, name=f"Socio {country.code}")
        Course.objects.get_or_create(title="Bench course", defaults={"title_es": "Bench course", "language": "es"})

    def _resume(self, table: str, base: int) -> int:
        return (scalar(f"SELECT max(id) FROM {table} WHERE id > %s", [base]) or base) - base

    def _chunks(self, label: str, table: str, base: int, total: int, step) -> int:
        done = self._resume(table, base)
        progress = Progress(label, total, done)
        added = 0
        while done < total:
            upto = min(done + CHUNK, total)
            with transaction.atomic():  # a chunk is all there or not at all, so a new run resumes after it
                step(done + 1, upto)
            added += upto - done
            done = upto
            progress.show(done)
        progress.end()
        return added

    def consultations(self, total: int) -> int:
        windows = "(SELECT array_agg(id ORDER BY id) FROM ventanillas_informationwindow)"
        base = BASE

        def step(first: int, last: int) -> None:
            insert(
                "cases_consultation",
                {
                    "id": f"{base} + g",
                    "window_id": "w.ids[1 + (g * 7) %% array_length(w.ids, 1)]",
                    "date": "%(start)s::date + ((g * 7919) %% %(days)s)::int",
                    "channel": "(ARRAY['walk_in','phone','whatsapp','outreach'])[1 + g %% 4]",
                    "topics": "'[\"regularization\"]'::jsonb",
                    "nationality": "(ARRAY['HT','VE','NI','CU','CO','HN','GT','SV','','XX'])[1 + (g / 3) %% 10]",
                    "sex": "(ARRAY['female','male','female','male','unknown'])[1 + (g / 7) %% 5]",
                    "age_group": "(ARRAY['0-11','12-17','18-29','30-59','60+','unknown'])[1 + (g / 11) %% 6]",
                    "referred": "g %% 9 = 0",
                    "recorded_by_id": "%(user)s",
                    "created_at": "%(start)s::timestamptz",
                },
                f"generate_series({first}::bigint, {last}::bigint) g, (SELECT {windows} AS ids) w",
                self.params,
            )

        return self._chunks("consultations", "cases_consultation", base, total, step)

    def people_and_cases(self, total: int) -> int:
        windows = "(SELECT array_agg(id ORDER BY id) FROM ventanillas_informationwindow)"
        base = BASE
        pieces: dict[str, list[int]] = {}

        def word_tokens(word: str) -> list[int]:
            if word not in pieces:
                pieces[word] = name_index.tokens(name_index.stored_pieces(word))
            return pieces[word]

        def names(first: int, last: int) -> dict:
            """Each person's name (the same choice as ever by g), encrypted, and its tokens, as the portal
            stores them: encrypting and hashing happen in Python, so they travel as arrays."""
            given, family, tokens = [], [], []
            for g in range(first, last + 1):
                words = (
                    GIVEN[g % len(GIVEN)],
                    FAMILY[(g // len(GIVEN)) % len(FAMILY)],
                    FAMILY[(g // (len(GIVEN) * len(FAMILY)) + g) % len(FAMILY)],
                )
                given.append(crypto.encrypt(words[0]))
                family.append(crypto.encrypt(f"{words[1]} {words[2]}"))
                held = sorted({t for word in words for t in word_tokens(word)})
                tokens.append("{" + ",".join(map(str, held)) + "}")
            return {"g": list(range(first, last + 1)), "given": given, "family": family, "tokens": tokens}

        def people(first: int, last: int) -> None:
            insert(
                "cases_person",
                {
                    "id": f"{base} + n.g",
                    "window_id": "w.ids[1 + (n.g * 13) %% array_length(w.ids, 1)]",
                    "given_names": "n.given",
                    "family_names": "n.family",
                    "name_tokens": "n.tokens::bigint[]",
                    "date_of_birth": "'1960-01-01'::date + ((n.g * 37) %% 18000)::int",
                    "age_group": "(ARRAY['0-11','12-17','18-29','30-59','60+'])[1 + (n.g / 5) %% 5]",
                    "sex": "(ARRAY['female','male'])[1 + n.g %% 2]",
                    "gender": "'unknown'",
                    "nationality": "(ARRAY['HT','VE','NI','CU','CO','HN','GT','SV','XX'])[1 + (n.g / 3) %% 9]",
                    "preferred_language": "'es'",
                    "legal_basis": "'consent'",
                    "created_by_id": "%(user)s",
                    "created_at": "%(start)s::timestamptz",
                    "updated_at": "%(start)s::timestamptz",
                },
                "unnest(%(g)s::bigint[], %(given)s::text[], %(family)s::text[], %(tokens)s::text[]) "
                f"AS n(g, given, family, tokens), (SELECT {windows} AS ids) w",
                {**self.params, **names(first, last)},
            )
            sql(
                f"""INSERT INTO cases_personvulnerability (person_id, code)
                    SELECT {base} + g, (ARRAY['disability','violence_survivor','pregnant'])[1 + g %% 3]
                    FROM generate_series({first}::bigint, {last}::bigint) g WHERE g %% 6 = 0"""
            )
            opened = "(%(start)s::date + ((p.id * 104729) %% (%(days)s - 200))::int)::timestamptz"
            insert(
                "cases_case",
                {
                    "id": "p.id",
                    "person_id": "p.id",
                    "window_id": "p.window_id",
                    "opened_by_id": "%(user)s",
                    "opened_at": f"{opened} + interval '15 hours'",
                    "needs": "'[]'::jsonb",
                    "status": "CASE WHEN p.id %% 3 = 0 THEN 'closed' ELSE 'open' END",
                    "closed_at": f"CASE WHEN p.id %% 3 = 0 THEN {opened} + interval '30 days' END",
                    "close_reason": "CASE WHEN p.id %% 3 = 0 THEN 'resolved' ELSE '' END",
                },
                f"cases_person p WHERE p.id BETWEEN {base + first} AND {base + last}",
                self.params,
            )
            insert(
                "cases_regularizationprocess",
                {
                    "id": "c.id",
                    "case_id": "c.id",
                    "pathway_id": "pw.id",
                    "stage": "CASE WHEN c.id %% 10 < 4 THEN 'approved' WHEN c.id %% 10 = 4 THEN 'denied' "
                    "WHEN c.id %% 10 = 5 THEN 'submitted' ELSE 'preparing' END",
                    "started_at": "c.opened_at::date + 1",
                    "submitted_at": "CASE WHEN c.id %% 10 < 6 THEN c.opened_at::date + 10 END",
                    "decided_at": "CASE WHEN c.id %% 10 < 5 THEN c.opened_at::date + 30 + ((c.id * 31) %% 160)::int END",
                    "approved": "CASE WHEN c.id %% 10 < 4 THEN true WHEN c.id %% 10 = 4 THEN false END",
                    "updated_at": "%(start)s::timestamptz",
                },
                f"""cases_case c JOIN ventanillas_informationwindow w ON w.id = c.window_id
                    JOIN cases_regularizationpathway pw ON pw.country_id = w.country_id AND pw.slug = 'bench'
                    WHERE c.id BETWEEN {base + first} AND {base + last} AND c.id %% 10 < 8""",
                self.params,
            )
            insert(
                "cases_referral",
                {
                    "case_id": "c.id",
                    "partner_id": "po.id",
                    "service": "'legal'",
                    "status": "(ARRAY['sent','accepted','completed','declined'])[1 + c.id %% 4]",
                    "sent_at": "c.opened_at + interval '2 days'",
                    "status_changed_at": "c.opened_at + interval '9 days'",
                    "created_by_id": "%(user)s",
                },
                f"""cases_case c JOIN ventanillas_informationwindow w ON w.id = c.window_id
                    JOIN ventanillas_partnerorganisation po ON po.country_id = w.country_id AND po.name LIKE 'Socio %%'
                    WHERE c.id BETWEEN {base + first} AND {base + last} AND c.id %% 5 = 0""",
                self.params,
            )

        return self._chunks("people, cases", "cases_person", base, total, people)

    def training(self, total: int) -> int:
        base = BASE
        if not scalar("SELECT count(*) FROM training_session WHERE id > %s", [base]):
            insert(
                "training_session",
                {
                    "id": f"{base} + c.id * 100 + s",
                    "course_id": "(SELECT id FROM training_course WHERE title = 'Bench course')",
                    "country_id": "c.id",
                    "starts_on": "%(start)s::date + s * 20",
                    "ends_on": "%(start)s::date + s * 20 + 2",
                    "start_time": "'09:00'",
                    "end_time": "'13:00'",
                    "capacity": "200",
                    "published": "true",
                    "finalised_at": "(%(start)s::date + s * 20 + 2)::timestamptz + interval '20 hours'",
                    "meeting_days": "'[]'::jsonb",
                },
                "ventanillas_country c, generate_series(0, 50) s",
                self.params,
            )

        # Names, addresses and institutions are encrypted columns: one ciphertext each, made once here (SQL
        # cannot encrypt); the e-mail hash only has to be unique (no benchmark looks a participant up by it).
        tokens = {
            "participant_name": crypto.encrypt("Participante de prueba"),
            "participant_email": crypto.encrypt("bench@example.org"),
            "participant_institution": crypto.encrypt("Ministerio"),
        }

        def participants(first: int, last: int) -> None:
            insert(
                "training_participant",
                {
                    "id": f"{base} + g",
                    "email": "%(participant_email)s",
                    "email_hash": "encode(sha256(convert_to('bench' || g, 'UTF8')), 'hex')",
                    "name": "%(participant_name)s",
                    "institution": "%(participant_institution)s",
                    "sector": "(ARRAY['government','judiciary','civil_society','media','academia','private'])[1 + g %% 6]",
                    "sex": "(ARRAY['female','male'])[1 + g %% 2]",
                    "language": "'es'",
                    "created_at": "'2023-11-01'::timestamptz",
                    "country_id": "s.country_id",
                },
                f"""generate_series({first}::bigint, {last}::bigint) g,
                    LATERAL (SELECT country_id FROM training_session WHERE id > {base}
                             ORDER BY id OFFSET g %% 561 LIMIT 1) s""",
                {**self.params, **tokens},
            )
            insert(
                "training_enrolment",
                {
                    "id": "p.id",
                    "session_id": "s.id",
                    "participant_id": "p.id",
                    "status": "CASE WHEN p.id %% 7 = 0 THEN 'no_show' ELSE 'completed' END",
                    "source": "'bulk'",
                    "created_at": "s.starts_on - 20",
                },
                f"""training_participant p,
                    LATERAL (SELECT id, starts_on FROM training_session WHERE id > {base} AND country_id = p.country_id
                             ORDER BY id OFFSET p.id %% 51 LIMIT 1) s
                    WHERE p.id BETWEEN {base + first} AND {base + last}""",
                self.params,
            )

        return self._chunks("participants", "training_participant", base, total, participants)

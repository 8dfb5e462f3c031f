"""Benchmark of register imports (not a test; never run in CI): the rate of a 100,000-row file, end to end.

Generates a KoBoToolbox-style consultations workbook (XLSX) and a CSV of the same rows for a window of an
EMPTY database of its own, then times each step as the clerk goes through it: the upload (the file read and
counted), the values left to decide, the preview (every row checked), and the run (``services.run`` until
done, chunks of 500 rows through ``cases.services.log_consultations``). Reports rows per second, the CPU time
of the process and its peak memory, which stays flat whatever the length (the sheet is streamed with expat).
People are matched one by one with the search before creating a person, so their rate is given separately,
on a smaller file (``--people``).

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE vt_import_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vt_import_bench .venv/bin/python bench/imports.py

Options: --rows N (100,000), --people N (2,000), --format xlsx|csv (xlsx). Goal: 1,000 rows/s or more.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

GOAL = 1000  # rows per second
HEADERS = ["start", "grupo/fecha", "grupo/nacionalidad", "grupo/sexo", "grupo/edad", "grupo/canal", "_uuid"]
GIVEN = ["María", "José", "Ana", "Luis", "Rosa", "Jean", "Marie", "Pierre", "Carmen", "Jorge", "Wilner", "Daniela",
         "Fabiola", "Ernesto", "Yolanda", "Rubén", "Nadège", "Frantz", "Osmel", "Keila"]  # fmt: skip
FAMILY = ["Pérez", "Gómez", "Joseph", "Pierre", "Rodríguez", "Hernández", "Louis", "Castillo", "Morales", "Díaz",
          "Jean-Baptiste", "Alvarado", "Charles", "Mejía", "Saint-Fleur", "Quintero", "Baptiste", "Zelaya"]  # fmt: skip
NATIONALITIES = ["Haití", "Venezuela", "Nicaragua", "haitiana", "Cuba", "HND", "CO", "Honduras"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def consultation_rows(count: int):
    start = date(2024, 1, 1)
    for n in range(count):
        day = start + timedelta(days=n % 700)
        yield [f"{day}T09:00:00", day.isoformat(), NATIONALITIES[n % 8], ["mujer", "hombre"][n % 2], 5 + n % 70,
               ["presencial", "teléfono", "whatsapp"][n % 3], f"bench-{n:07d}"]  # fmt: skip


def people_rows(count: int):
    start = date(2024, 1, 1)
    for n in range(count):
        day = start + timedelta(days=n % 700)
        born = date(1950, 1, 1) + timedelta(days=n * 37 % 20000)
        yield [f"{GIVEN[n % len(GIVEN)]} {GIVEN[n * 7 % len(GIVEN)]}", f"{FAMILY[n * 3 % len(FAMILY)]} {FAMILY[n % len(FAMILY)]}",
               born.isoformat(), ["F", "M"][n % 2], "HT", f"B{n:08d}", day.isoformat(), day.isoformat()]  # fmt: skip


def workbook(headers: list[str], rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Registro")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text(headers: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def timed(label: str, work):
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    log(f"{label}: {seconds:.1f} s, {cpu:.1f} s of this process's CPU (peak memory {peak_mb():.0f} MB)")
    return result, seconds


def run_import(window, user, kind: str, name: str, content: bytes, rows: int) -> dict:
    from registers import services

    register, upload_s = timed("upload (read and count)", lambda: services.upload(
        window=window, by=user, kind=kind, name=name, content=content))  # fmt: skip
    services.save_columns(register=register, columns=register.columns)
    _left, decide_s = timed("values to decide", lambda: services.unmatched(register))
    services.save_values(register=register, decisions={})
    _preview, preview_s = timed("preview (every row checked)", lambda: services.preview(register))
    services.confirm(register=register, by=user)

    def everything():
        while services.run(register.pk) == "more":
            pass

    _done, run_s = timed("run", everything)
    register.refresh_from_db()
    return {"rows": rows, "upload": upload_s, "decide": decide_s, "preview": preview_s, "run": run_s,
            "rate": rows / run_s, "counts": register.counts, "peak_mb": peak_mb()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    options = parser.parse_args()

    from django.contrib.auth import get_user_model

    from ventanillas.models import Country, InformationWindow, Membership, Role

    # DEBUG=1 spares the production settings' requirements; the query log it keeps would grow with the file.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    country, _new = Country.objects.get_or_create(code="CR", defaults={
        "name": "Costa Rica", "default_language": "es", "public_languages": ["es"], "time_zone": "America/Costa_Rica",
        "currency": "CRC"})  # fmt: skip
    window, _new = InformationWindow.objects.get_or_create(country=country, slug=f"bench-{time.time_ns()}",
                                                           defaults={"name": "Bench", "city": "San José"})  # fmt: skip
    user, _new = get_user_model().objects.get_or_create(username=f"bench-import-{window.pk}")
    Membership.objects.get_or_create(user=user, role=Role.WINDOW_STAFF, window=window)

    build = workbook if options.format == "xlsx" else text
    log(f"generating {options.rows:,} consultations ({options.format})")
    content = build(HEADERS, consultation_rows(options.rows))
    log(f"file: {len(content) / 1e6:.1f} MB, peak memory {peak_mb():.0f} MB")
    result = run_import(window, user, "consultations", f"r.{options.format}", content, options.rows)
    met = "met" if result["rate"] >= GOAL else "NOT met"
    log(f"consultations: {result['rate']:,.0f} rows/s in the run (goal {GOAL:,}: {met}); {result['counts']}")
    again = run_import(window, user, "consultations", f"r.{options.format}", content, options.rows)
    log(f"the same file again: {again['rate']:,.0f} rows/s, {again['counts']}")

    if options.people:
        headers = ["nombres", "apellidos", "fecha de nacimiento", "sexo", "nacionalidad", "numero de documento",
                   "fecha de consentimiento", "fecha de apertura"]  # fmt: skip
        log(f"generating {options.people:,} people with their cases")
        people = build(headers, people_rows(options.people))
        result_p = run_import(window, user, "people", f"p.{options.format}", people, options.people)
        log(f"people: {result_p['rate']:,.0f} rows/s in the run; {result_p['counts']}")


if __name__ == "__main__":
    main()

"""Registers written as the windows keep them: KoBoToolbox exports in Spanish (XLSX), plain CSV files."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from openpyxl import Workbook

KOBO_PEOPLE = [
    "start",
    "end",
    "datos_personales/nombres",
    "datos_personales/apellidos",
    "datos_personales/fecha_nacimiento",
    "datos_personales/sexo",
    "datos_personales/nacionalidad",
    "documento/numero_documento",
    "consentimiento/fecha_consentimiento",
    "caso/fecha_apertura",
    "caso/servicios",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]
GIVEN = ["María", "José", "Ana", "Luis", "Rosa", "Jean", "Marie", "Pierre", "Carmen", "Jorge", "Wilner", "Daniela"]
FAMILY = ["Pérez", "Gómez", "Joseph", "Pierre", "Rodríguez", "Hernández", "Louis", "Castillo", "Morales", "Díaz"]
NATIONALITIES = ["Haití", "Venezuela", "Nicaragua", "haitiana", "Cuba", "HND", "CO", "Nicaragüense"]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Registro"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def kobo_people(count: int, *, months: list[date], odd_nationalities=(), seed: int = 7) -> list[list]:
    """A KoBoToolbox export of a window's intake form: one person per row, each with a case opened on a day
    of the given months; ``odd_nationalities`` are written on some rows in place of a known one."""
    rng = random.Random(seed)
    rows = [list(KOBO_PEOPLE)]
    for n in range(count):
        month = months[n % len(months)]
        opened = month + timedelta(days=n % 27)
        nationality = NATIONALITIES[n % len(NATIONALITIES)]
        if odd_nationalities and n % 50 == 0:
            nationality = odd_nationalities[(n // 50) % len(odd_nationalities)]
        rows.append(
            [
                f"{opened.isoformat()}T09:00:00.000-06:00",
                f"{opened.isoformat()}T09:20:00.000-06:00",
                f"{GIVEN[n % len(GIVEN)]} {chr(65 + n % 26)}{n:05d}",  # unique words: no accidental duplicates
                f"{FAMILY[n % len(FAMILY)]} Q{n:05d}x",
                (date(1970, 1, 1) + timedelta(days=rng.randrange(15000))).isoformat(),
                ["mujer", "hombre", "Femenino", "M"][n % 4],
                nationality,
                f"P{n:07d}",
                opened.isoformat(),
                opened.isoformat(),
                ["legal", "regularization health", "information"][n % 3],
                100000 + n,
                f"uuid-{n:06d}",
                f"{opened.isoformat()}T15:00:00",
                n + 1,
            ]
        )
    return rows

"""A clerk brings in a KoBoToolbox export of 2,000 people in Spanish: decides the three nationalities the
portal does not know, confirms, sees the likely duplicates proposed (held, nothing written for them, until
decided: here, all the people registered before), and the dashboards' figures of those months change; the same file again adds nothing; undo puts the figures back."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.urls import reverse

from cases.models import Case, Person
from dashboards import rollups
from dashboards.models import DailyFact
from registers.models import RegisterImport
from tests.cases.factories import make_person

from .files import kobo_people, xlsx

MONTHS = [date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)]
ODD = ["Haiti/RD", "Venezuela Rep. Bol.", "Nicaragua-CR"]


def cases_opened(country, month: date) -> int:
    end = month.replace(month=month.month + 1)
    facts = DailyFact.objects.filter(
        country=country, indicator="cases_opened", dimension="", day__gte=month, day__lt=end
    )
    return facts.aggregate(n=Sum("count"))["n"] or 0


def upload(client, window, content: bytes) -> int:
    answer = client.post(
        reverse("registers:upload"),
        {"window": window.pk, "kind": "people", "file": SimpleUploadedFile("registro.xlsx", content)},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return int(re.search(r"/(\d+)/columns/", answer["Location"]).group(1))


# The search before creating a person reads its candidates through PostgreSQL's index of name words; on
# SQLite it compares every name of the window in Python, so there the journey runs on a tenth of the file.
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.django_db
@pytest.mark.usefixtures("tasks_in_process")
@pytest.mark.parametrize(
    "size",
    [
        200,
        pytest.param(2000, marks=[pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL"), pytest.mark.timeout(1800)]),
    ],
)
def test_a_clerk_imports_a_kobo_export_of_people(size, staff_cr_client, staff_cr, window_cr, cr):
    rows = kobo_people(size, months=MONTHS, odd_nationalities=ODD)
    # 20 people the window had already registered, as the file writes them: the same names and birth dates.
    for row in rows[1:21]:
        make_person(window_cr, staff_cr, given_names=row[2], family_names=row[3],
                    date_of_birth=date.fromisoformat(row[4]))  # fmt: skip
    rollups.refresh_changed()
    before = {month: cases_opened(cr, month) for month in MONTHS}
    content = xlsx(rows)
    client = staff_cr_client

    pk = upload(client, window_cr, content)
    columns = client.get(reverse("registers:columns", args=[pk]))
    assert columns.status_code == 200
    form = {f"col_{i}": v for i, v in RegisterImport.objects.get(pk=pk).columns.items()}
    # Suggested from the KoBoToolbox headers in Spanish, group prefixes ignored.
    assert {form["col_2"], form["col_3"], form["col_6"], form["col_8"], form["col_9"]} == {
        "given_names", "family_names", "nationality", "consent_date", "case_opened",
    }  # fmt: skip
    answer = client.post(reverse("registers:columns", args=[pk]), form)
    assert answer.status_code == 302

    values = client.get(reverse("registers:values", args=[pk]))
    page = values.content.decode()
    assert all(odd in page for odd in ODD)  # listed for a decision, not guessed
    pending = values.context["form"].pending
    assert sorted(raw for _name, raw, _n in pending) == sorted(ODD)
    choice = {"Haiti/RD": "HT", "Venezuela Rep. Bol.": "VE", "Nicaragua-CR": "NI"}
    answer = client.post(
        reverse("registers:values", args=[pk]), {f"v_{i}": choice[raw] for i, (_n, raw, _c) in enumerate(pending)}
    )
    assert answer.status_code == 302

    preview = client.get(reverse("registers:preview", args=[pk]))
    assert preview.context["preview"].ready == size
    assert Person.objects.count() == 20  # nothing written before the confirmation

    client.post(reverse("registers:preview", args=[pk]))  # tasks run eagerly in tests
    register = RegisterImport.objects.get(pk=pk)
    assert register.status == "done"
    assert register.counts["likely_duplicates"] == 20
    # A likely duplicate is never created twice: its row waits, nothing written, for the clerk's decision.
    assert register.counts["people_created"] == size - 20
    assert Person.objects.count() == size
    detail = client.get(reverse("registers:detail", args=[pk])).content.decode()
    assert "20 filas esperan su decisión" in detail
    page = client.get(reverse("registers:duplicates", args=[pk])).content.decode()
    proposed = re.findall(r'href="[^"]*/people/(\d+)/"', page)
    assert sorted(map(int, proposed)) == list(Person.objects.order_by("pk")[:20].values_list("pk", flat=True))
    assert "La misma persona" in page and "Todas son las personas registradas antes" in page
    # The clerk decides all at once: they are the people registered before, whose records get the cases.
    answer = client.post(reverse("registers:duplicates", args=[pk]), {"all": "same"})
    assert answer.status_code == 302
    register.refresh_from_db()
    assert register.counts["people_matched"] == 20 and register.counts["cases_opened"] == size
    assert Person.objects.count() == size
    assert all(p.cases.count() == 1 for p in Person.objects.order_by("pk")[:20])

    rollups.refresh_changed()
    after = {month: cases_opened(cr, month) for month in MONTHS}
    opened = {
        month: Case.objects.filter(opened_at__month=month.month, opened_at__year=2025).count() for month in MONTHS
    }
    assert all(after[m] == before[m] + opened[m] and opened[m] >= size // 4 for m in MONTHS)

    again = upload(client, window_cr, content)
    client.post(reverse("registers:columns", args=[again]), form)
    client.get(reverse("registers:values", args=[again]))  # the decisions were kept for the window
    client.post(reverse("registers:preview", args=[again]))
    assert RegisterImport.objects.get(pk=again).counts == {"already_imported": size}
    assert Person.objects.count() == size

    client.post(reverse("registers:undo", args=[pk]))
    assert Person.objects.count() == 20
    rollups.refresh_changed()
    assert {month: cases_opened(cr, month) for month in MONTHS} == before

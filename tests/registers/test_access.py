"""A clerk imports only into their own window, and sees only their windows' imports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registers import fields as F
from registers import services
from registers.models import RegisterImport

from .files import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [["fecha", "sexo"], ["2025-03-01", "mujer"]]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_clerk_cannot_import_into_another_window(staff_cr_client, window_cr2):
    answer = staff_cr_client.post(
        reverse("registers:upload"),
        {"window": window_cr2.pk, "kind": "consultations", "file": SimpleUploadedFile("r.csv", csv_bytes(ROWS))},
    )
    assert answer.status_code == 400 and "window" in answer.context["form"].errors
    assert not RegisterImport.objects.exists()


def test_another_country_s_clerk_gets_a_404_and_an_officer_reads_but_does_not_change(
    window_cr, staff_cr, staff_pa, officer_cr
):
    register = services.upload(
        window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=csv_bytes(ROWS)
    )
    pa, officer = client_for(staff_pa), client_for(officer_cr)
    for name in ("detail", "columns", "values", "preview"):
        assert pa.get(reverse(f"registers:{name}", args=[register.pk])).status_code == 404
    assert pa.post(reverse("registers:undo", args=[register.pk])).status_code == 404
    assert register.pk not in [r.pk for r in pa.get(reverse("registers:list")).context["imports"]]
    assert officer.get(reverse("registers:detail", args=[register.pk])).status_code == 200
    assert officer.get(reverse("registers:columns", args=[register.pk])).status_code == 403
    assert officer.get(reverse("registers:upload")).status_code == 403

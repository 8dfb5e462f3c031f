"""Empty lists speak of what they list: Spanish and French nouns carry a gender, so a shared "None."
("Ninguno.") reads wrong next to feminine nouns such as "Citas"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_case_page_in_spanish_says_what_is_missing(staff_cr_client, process_cr):
    with translation.override("es"):
        url = reverse("cases:case-detail", args=[process_cr.case_id])
    html = staff_cr_client.get(url).content.decode()
    assert "Todavía no hay citas." in html
    assert "Todavía no hay seguimientos." in html
    assert "Todavía no hay derivaciones." in html
    assert "Ninguno." not in html


def test_my_tasks_in_spanish_names_each_empty_list(staff_cr_client):
    with translation.override("es"):
        url = reverse("cases:tasks")
    html = staff_cr_client.get(url).content.decode()
    assert "Nada atrasado." in html and "Nada pendiente esta semana." in html
    assert "No tiene ningún caso abierto asignado." in html
    assert "Ninguno." not in html

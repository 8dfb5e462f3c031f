"""A guide tied to a pathway shows its steps, documents, fee, authority and the processing time rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from cases.models import RegularizationProcess, Stage
from tests.cases.factories import make_case, pathway_with_documents
from tests.hub.factories import guide

URL = "/es/cr/guides/residencia/"


@pytest.fixture
def pathway(cr):
    # The factory sets untranslated names too: write them as Spanish whatever the last request activated.
    with translation.override("es"):
        return _pathway(cr)


def _pathway(cr):
    return pathway_with_documents(
        country=cr,
        slug="residencia-temporal",
        issuing_authority_es="Dirección General de Migración",
        legal_basis_es="Ley 8764",
        legal_basis_url="https://example.org/ley-8764",
        fee_amount=Decimal("90.00"),
        fee_currency="USD",
        typical_processing_days=90,
    )


def _decided(pathway, case, count, days, decided_on):
    for _ in range(count):
        RegularizationProcess.objects.create(
            case=case,
            pathway=pathway,
            stage=Stage.APPROVED,
            started_at=decided_on - timedelta(days=days + 10),
            submitted_at=decided_on - timedelta(days=days),
            decided_at=decided_on,
            approved=True,
        )


def test_a_guide_shows_the_pathways_steps_documents_fee_and_authority(client, cr, pathway):
    guide(cr, pathway=pathway)
    html = client.get(URL).content.decode()
    assert "Reunir los documentos" in html and "Presentar la solicitud" in html
    assert "Pasaporte vigente" in html and "Certificado de antecedentes" in html
    assert "Fotografías</span> (si lo tiene)" in html
    assert "90 USD" in html
    assert "Dirección General de Migración" in html
    assert 'Ley 8764</span> · <a href="https://example.org/ley-8764">' in html


def test_a_fee_change_on_the_pathway_reaches_every_language(client, cr, pathway):
    guide(cr, pathway=pathway, texts={"es": ("Residencia", "", "Texto."), "en": ("Residence", "", "Text.")})
    pathway.fee_amount = Decimal("95.00")
    pathway.save()
    assert "95 USD" in client.get("/es/cr/guides/residencia/").content.decode()
    assert "95 USD" in client.get("/en/cr/guides/residencia/").content.decode()


def test_a_free_pathway_says_so_and_warns_against_intermediaries(client, cr, pathway):
    pathway.is_free = True
    pathway.save()
    guide(cr, pathway=pathway)
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert '<span class="fee-free">Free.</span>' in html
    assert "Do not pay intermediaries who promise to speed it up." in html


def test_pathway_text_missing_in_the_readers_language_is_marked_with_its_lang(client, cr, pathway):
    guide(cr, pathway=pathway, texts={"es": ("Residencia", "", "Texto."), "en": ("Residence", "", "Text.")})
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert '<span lang="es">Reunir los documentos</span>' in html


def test_with_fewer_than_ten_decided_processes_the_typical_time_is_shown(client, cr, pathway, window_cr, staff_cr):
    guide(cr, pathway=pathway)
    _decided(pathway, make_case(window_cr, staff_cr), 9, 30, date.today() - timedelta(days=5))
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "About 90 days: the usual time announced for this procedure" in html
    assert "real median" not in html


def test_with_ten_decided_processes_the_real_median_is_shown(client, cr, pathway, window_cr, staff_cr):
    guide(cr, pathway=pathway)
    case = make_case(window_cr, staff_cr)
    _decided(pathway, case, 6, 30, date.today() - timedelta(days=5))
    _decided(pathway, case, 4, 50, date.today() - timedelta(days=5))
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert (
        "About 30 days: the real median time at the windows, from 10 processes decided in the last 12 months." in html
    )


def test_decisions_older_than_twelve_months_do_not_count(client, cr, pathway, window_cr, staff_cr):
    guide(cr, pathway=pathway)
    _decided(pathway, make_case(window_cr, staff_cr), 10, 30, date.today() - timedelta(days=400))
    assert "About 90 days: the usual time" in client.get("/en/cr/guides/residencia/").content.decode()


def test_without_any_figure_the_time_is_not_published(client, cr, pathway):
    pathway.typical_processing_days = None
    pathway.save()
    guide(cr, pathway=pathway)
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "Processing time</dt>\n    <dd>Not published.</dd>" in html


def test_a_guide_without_a_pathway_shows_its_own_text_only(client, cr):
    guide(cr)
    html = client.get(URL).content.decode()
    assert 'class="pathway' not in html and "Reúna sus documentos." in html


def test_printing_a_guide_with_a_pathway_gives_the_checklist_only(client, cr, pathway):
    from django.contrib.staticfiles import finders

    guide(cr, pathway=pathway)
    html = client.get(URL).content.decode()
    assert '<div class="guide-body guide-text print-hide" lang="es">' in html
    assert '<ul class="checklist">' in html
    css = Path(finders.find("hub/hub.css")).read_text()
    print_rules = css[css.index("@media print") :]
    assert ".print-hide" in print_rules and ".feedback" in print_rules and ".share" in print_rules

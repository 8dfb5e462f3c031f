"""A guide tied to a pathway shows its steps, documents, fee, authority and the processing time rule."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from cases.models import FactKind, FactStatus, PathwayFact, RegularizationProcess, Stage
from tests.cases.factories import make_case, pathway_with_documents
from tests.hub.factories import guide

URL = "/es/cr/guides/residencia/"


@pytest.fixture
def pathway(cr):
    # The factory sets untranslated names too: write them as Spanish whatever the last request activated.
    with translation.override("es"):
        return _pathway(cr)


def _pathway(cr):
    pathway = pathway_with_documents(
        country=cr, slug="residencia-temporal", issuing_authority="Dirección General de Migración"
    )
    PathwayFact.objects.create(
        pathway=pathway,
        kind=FactKind.LEGAL_BASIS,
        name="Ley 8764",
        name_language="es",
        status=FactStatus.CONFIRMED,
        source_name="La Gaceta",
        source_url="https://example.org/ley-8764",
        checked_on=date(2026, 11, 29),
    )
    PathwayFact.objects.create(pathway=pathway, kind=FactKind.FEE, amount=Decimal("90.00"), currency="USD")
    return pathway


def _fee(pathway):
    return pathway.facts.get(kind=FactKind.FEE)


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
    assert '<span lang="es">Ley 8764</span>' in html
    assert (
        'Fuente: <a href="https://example.org/ley-8764">La Gaceta</a>. Verificado el 29 de noviembre de 2026.' in html
    )


def test_a_fee_change_on_the_pathway_reaches_every_language(client, cr, pathway):
    guide(cr, pathway=pathway, texts={"es": ("Residencia", "", "Texto."), "en": ("Residence", "", "Text.")})
    fee = _fee(pathway)
    fee.amount = Decimal("95.00")
    fee.save()
    assert "95 USD" in client.get("/es/cr/guides/residencia/").content.decode()
    assert "95 USD" in client.get("/en/cr/guides/residencia/").content.decode()


def test_a_free_pathway_says_so_and_warns_against_intermediaries(client, cr, pathway):
    fee = _fee(pathway)
    fee.amount = Decimal(0)
    fee.save()
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
    assert "Announced: about 90 days." in html
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
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "Announced: about 90 days." in html and "real median" not in html


def test_without_any_figure_the_time_is_not_published(client, cr, pathway):
    pathway.facts.filter(kind=FactKind.TIME).delete()
    guide(cr, pathway=pathway)
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert re.search(r"Processing time</dt>\s*<dd>\s*Not published.</dd>", html)


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


def _status_of(html: str, text: str) -> str:
    """The status shown next to the fact whose item contains ``text``."""
    for item in re.findall(r'<li class="fact".*?</li>', html, flags=re.S):
        if text in item:
            return re.search(r'data-status="([a-z_]+)"', item).group(1)
    raise AssertionError(f"no fact with {text!r}")


def test_every_fact_says_how_sure_it_is_in_the_readers_language(client, cr, pathway):
    fee = _fee(pathway)
    fee.status = FactStatus.DISPUTED
    fee.note_en = "Another source gives 95 USD."
    fee.save()
    PathwayFact.objects.create(
        pathway=pathway,
        kind=FactKind.FEE,
        amount=Decimal(1000),
        currency="USD",
        status=FactStatus.APPLIES_ONLY,
        applies_to_es="nacionales de países de la CARICOM",
        applies_to_en="CARICOM nationals",
    )
    guide(cr, pathway=pathway, texts={"es": ("Residencia", "", "Texto."), "en": ("Residence", "", "Text.")})
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert _status_of(html, "90 USD") == "disputed"
    assert "Disputed: the sources do not agree. Confirm at an information window before you pay or act." in html
    assert "Another source gives 95 USD." in html
    assert _status_of(html, "1,000 USD") == "applies_only"
    assert 'Applies only to: <span lang="en">CARICOM nationals</span>.' in html
    assert _status_of(html, "Ley 8764") == "confirmed"
    assert _status_of(html, "Dirección General de Migración") == "to_verify"
    assert "To verify: confirm at an information window before you act." in html
    assert _status_of(html, "Pasaporte vigente") == "to_verify"
    # Every fact on the page carries a status.
    facts = re.findall(r'<li class="fact".*?</li>', html, flags=re.S)
    assert len(facts) == 2 + 1 + 1 + 1 + 3  # fees, time, authority, legal basis, documents
    assert all("data-status=" in item for item in facts)
    kreyol = client.get("/ht/cr/guides/residencia/").content.decode()
    assert "Kontèste: sous yo pa dakò. Verifye nan yon fenèt enfòmasyon anvan ou peye oswa ou fè anyen." in kreyol


def test_a_fee_box_and_the_guide_text_cannot_disagree_the_fee_lives_only_in_its_fact(client, cr, pathway):
    """The guide's text never carries its own copy of a fee: the box reads the one fact."""
    guide(cr, pathway=pathway)
    html = client.get(URL).content.decode()
    assert html.count("90 USD") == 1


def test_a_demo_pathways_observed_time_is_never_called_real(client, cr, pathway, window_cr, staff_cr):
    pathway.is_sample = True
    pathway.save()
    guide(cr, pathway=pathway)
    _decided(pathway, make_case(window_cr, staff_cr), 12, 40, date.today() - timedelta(days=5))
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "real median" not in html
    assert "About 40 days, computed from 12 demonstration processes: invented figures, not a measurement." in html
    assert "Demonstration data." in html


def test_without_demo_data_no_page_carries_the_demo_banner(client, cr, pathway):
    guide(cr, pathway=pathway)
    assert "Demonstration data." not in client.get(URL).content.decode()

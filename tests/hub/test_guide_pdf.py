"""A guide downloads as a one-page PDF with its facts, their status and a QR code to the page online."""

from __future__ import annotations

import io
import re
from datetime import time
from decimal import Decimal

from django.utils import translation
from pypdf import PdfReader

from cases.models import FactKind, FactStatus, PathwayFact
from tests.cases.factories import pathway_with_documents
from tests.hub.factories import guide


def _pdf(client, url) -> tuple[int, str]:
    """(pages, the text drawn on them), read back from the PDF."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_a_guide_downloads_as_one_page_with_its_facts_and_their_status(client, cr):
    with translation.override("es"):
        pathway = pathway_with_documents(country=cr, slug="temporal")
    PathwayFact.objects.create(
        pathway=pathway, kind=FactKind.FEE, amount=Decimal(1250), currency="USD", status=FactStatus.DISPUTED
    )
    for n in range(30):  # a long list still fits on the one sheet
        pathway.steps.create(order=10 + n, title=f"Paso adicional {n}", title_es=f"Paso adicional {n}")
    guide(cr, pathway=pathway, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Texto.")}, is_sample=True)
    pages, text = _pdf(client, "/es/cr/guides/residencia/pdf/")
    assert pages == 1
    assert "Residencia temporal" in text
    assert re.search(r"1[ .]?250 USD", text)
    assert "En disputa" in text
    assert "Pasaporte vigente" in text
    assert "Contenido de muestra" in text  # a sample says so on paper too
    assert "http://testserver/es/cr/guides/residencia/" in text  # the address the QR code opens


def test_the_pdf_link_is_on_the_guide_page_and_a_missing_guide_is_a_404(client, cr):
    guide(cr)
    assert 'href="/es/cr/guides/residencia/pdf/"' in client.get("/es/cr/guides/residencia/").content.decode()
    assert client.get("/es/cr/guides/nada/pdf/").status_code == 404


def test_a_kreyol_pdf_is_in_kreyol(client, cr):
    guide(cr, texts={"es": ("Residencia", "", "Texto."), "ht": ("Rezidans", "Kijan pou mande l.", "Tèks.")})
    _pages, text = _pdf(client, "/ht/cr/guides/residencia/pdf/")
    assert "Rezidans" in text and "Kijan pou mande l." in text


def test_the_printed_guide_says_where_to_ask_with_address_phone_and_hours(client, cr, window_cr):
    window_cr.phone = "+506 2222 3333"
    window_cr.save()
    window_cr.hours.all().delete()
    window_cr.hours.create(weekday=0, opens=time(8), closes=time(12))
    guide(cr)
    _pages, text = _pdf(client, "/es/cr/guides/residencia/pdf/")
    assert window_cr.name in text and window_cr.address in text
    assert "+506 2222 3333" in text and "08:00-12:00" in text


def test_each_language_downloads_under_its_own_name_in_an_embedded_font_that_draws_every_letter(client, cr):
    texts = {"es": ("Residencia", "", "Texto."), "ht": ("Rezidans tanporè", "", "Tèks."),
             "fr": ("Résidence : cœur de l’été", "", "Texte.")}  # fmt: skip
    guide(cr, texts=texts)
    names = set()
    for lang in ("es", "ht", "fr"):
        response = client.get(f"/{lang}/cr/guides/residencia/pdf/")
        names.add(response["Content-Disposition"])
        reader = PdfReader(io.BytesIO(response.content))
        fonts = []

        def seen(text, _cm, _tm, font, _size, fonts=fonts):
            if text.strip() and font is not None:
                fonts.append(font)

        reader.pages[0].extract_text(visitor_text=seen)
        assert fonts
        for font in fonts:  # every font text is drawn in is embedded, not left to the viewer
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
        assert reader.trailer["/Root"]["/Lang"] == lang
    assert len(names) == 3 and any("rezidans-tanpore" in name for name in names)
    _pages, text = _pdf(client, "/fr/cr/guides/residencia/pdf/")
    assert "cœur de l’été" in text


def _structure(content: bytes) -> tuple[PdfReader, list[dict]]:
    """The PDF and its structure elements in reading order: [{"S": "/H1", "MCID": 0, "Lang": ..., "Alt": ...}]."""
    reader = PdfReader(io.BytesIO(content))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    document = tree["/K"].get_object()
    assert document["/S"] == "/Document"
    elements = []
    for ref in document["/K"]:
        element = ref.get_object()
        assert element["/Pg"].get_object() == reader.pages[0].get_object()
        elements.append(
            {"S": element["/S"], "MCID": element["/K"], "Lang": element.get("/Lang"), "Alt": element.get("/Alt")}
        )
    return reader, elements


def test_the_printed_guide_is_a_tagged_pdf_a_screen_reader_reads_in_order_and_language(client, cr, window_cr):
    with translation.override("es"):
        pathway = pathway_with_documents(country=cr, slug="temporal")
    guide(cr, pathway=pathway, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Texto.")})
    content = client.get("/fr/cr/guides/residencia/pdf/").content  # no French text: shown in Spanish
    reader, elements = _structure(content)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "fr", "the document speaks the reader's language (its headings and notes)"
    assert elements[0] == {"S": "/H1", "MCID": 0, "Lang": "es", "Alt": None}, "the Spanish title, marked Spanish"
    assert [e["MCID"] for e in elements] == list(range(len(elements))), "read in the order they are drawn"
    headings = [e for e in elements if e["S"] == "/H2"]
    assert len(headings) >= 3, "the pathway, its steps, its documents and the windows are sections"
    assert any(e["S"] == "/P" and e["Lang"] == "es" for e in elements), "the window's Spanish name is marked"
    figure = next(e for e in elements if e["S"] == "/Figure")
    assert figure["Alt"].endswith("http://testserver/fr/cr/guides/residencia/"), "the QR code is read as its address"
    # Each element points at a marked sequence of the page's drawing, and the page points back to them.
    page = reader.pages[0]
    drawing = page.get_contents().get_data().decode("latin-1")
    marks = re.findall(r"/(\w+) <</MCID (\d+)>> BDC", drawing)
    assert [(tag, int(mcid)) for tag, mcid in marks] == [(e["S"][1:], e["MCID"]) for e in elements]
    assert drawing.count(" BDC") == drawing.count("EMC")
    parents = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert parents[0] == page["/StructParents"] == 0 and len(parents[1]) == len(elements)


def test_the_embedded_font_draws_every_letter_the_five_languages_write():
    """Every letter, digit, punctuation mark and currency sign of the portal's strings in the five languages
    and of its data (guides, pathways, windows) is in the font the guides embed: none prints as an empty box.
    (Symbols such as arrows are the pages' own, never a guide's.)"""
    import json
    import unicodedata
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics

    from hub.pdf import BOLD, FONT, _fonts
    from tests.e2e.languages import _catalogs

    _fonts()
    letters = {char for strings in _catalogs().values() for text in strings.values() for char in text}
    letters |= {char for text in _catalogs()["en"] for char in text}  # English is the msgids

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list):
            for part in value.values() if isinstance(value, dict) else value:
                yield from strings(part)

    for path in (Path(__file__).resolve().parents[2] / "data").rglob("*.json"):
        letters |= {char for text in strings(json.loads(path.read_text(encoding="utf-8"))) for char in text}
    letters = {char for char in letters if unicodedata.category(char)[0] in "LNP" or unicodedata.category(char) == "Sc"}
    assert {"ñ", "ç", "œ", "ò", "ë"} <= letters, "the letters that matter most are among them"
    for name in (FONT, BOLD):
        covered = set(pdfmetrics.getFont(name).face.charToGlyph)
        missing = sorted(char for char in letters if ord(char) not in covered)
        assert missing == [], f"{name} lacks {missing}"

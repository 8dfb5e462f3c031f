"""A guide downloads as a one-page PDF with its facts, their status and a QR code to the page online."""

from __future__ import annotations

import base64
import re
import zlib
from decimal import Decimal

from django.utils import translation

from cases.models import FactKind, FactStatus, PathwayFact
from tests.cases.factories import pathway_with_documents
from tests.hub.factories import guide


def _pdf(client, url) -> tuple[int, str]:
    """(pages, the text drawn on them), read from the PDF's own content streams."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    raw = response.content
    pages = len(re.findall(rb"/Type /Page\b", raw))
    drawn = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", raw, flags=re.S):
        try:  # reportlab writes /ASCII85Decode /FlateDecode streams
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        for part in re.findall(rb"\((.*?)(?<!\\)\) Tj", content):
            part = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), part).replace(b"\\", b"")
            drawn.append(part.decode("cp1252"))
    return pages, " ".join(" ".join(drawn).split())


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

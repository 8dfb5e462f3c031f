"""The certificate names the programme, the partner institution and the trainer, has a signature line and a
QR code that opens the certificate's public check page, which tells the course, the day and whether the
certificate is valid, and nothing about the person."""

from __future__ import annotations

import re
import zlib

import pytest
import segno
from django.utils import translation
from django.utils.formats import date_format

from training import services
from ventanillas.models import PartnerOrganisation

from .test_public_views import issue_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(cr, trainer):
    trainer.first_name, trainer.last_name = "Rosa", "Quirós"
    trainer.save()
    partner = PartnerOrganisation.objects.create(name="Instituto Nacional de Aprendizaje", acronym="INA", country=cr)
    return issue_certificate(cr, trainer, partner=partner)


def _page_streams(pdf: bytes) -> str:
    """The text of the PDF's content streams (reportlab writes them ASCII85 and Flate encoded)."""
    import base64

    out = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        header, data = match.group(1), match.group(2).strip()
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data.removeprefix(b"<~").removesuffix(b"~>"))
        if b"FlateDecode" in header:
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        out.append(data.decode("latin-1"))
    return "\n".join(out)


def _qr_matrix(stream: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code drawn as squares on the page, as (row, column) from its top left."""
    squares = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f\*?", stream)]
    size = min(w for _x, _y, w, _h in squares)
    squares = [s for s in squares if abs(s[2] - size) < 1e-6 and abs(s[3] - size) < 1e-6]
    left, top = min(s[0] for s in squares), max(s[1] for s in squares)
    return {(round((top - y) / size), round((x - left) / size)) for x, y, _w, _h in squares}


def test_the_pdf_names_the_programme_partner_and_trainer_with_a_signature_line(trainer_client, certificate):
    pdf = trainer_client.get(f"/en/training/staff/certificates/{certificate.pk}/certificate.pdf").content
    text = _page_streams(pdf)
    assert "(Ventanillas Informativas)" in text
    # In the participant's language (Spanish here).
    assert "En alianza con Instituto Nacional de Aprendizaje" in text
    assert r"Formador\(a\): Rosa Quir" in text  # PDF escapes brackets; "ó" is in the font's own encoding
    assert "(Firma)" in text
    assert re.search(r"[\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S", text)  # the line to sign on


def test_the_qr_code_opens_the_certificates_check_page(trainer_client, certificate):
    pdf = trainer_client.get(f"/en/training/staff/certificates/{certificate.pk}/certificate.pdf").content
    check_url = f"http://testserver/en/training/certificates/{certificate.token}/"
    expected = {
        (r, c)
        for r, row in enumerate(segno.make(check_url, error="m").matrix_iter(border=0))
        for c, dark in enumerate(row)
        if dark
    }
    drawn = _qr_matrix(_page_streams(pdf))
    assert drawn == expected


def test_the_check_page_tells_course_date_and_validity_and_nothing_about_the_person(client, certificate):
    page = client.get(f"/en/training/certificates/{certificate.token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "This certificate is valid." in html and certificate.course_title in html
    with translation.override("en"):
        assert date_format(certificate.completed_on, "DATE_FORMAT") in html
    for personal in ("Ana", "P&eacute;rez", "Pérez", certificate.code, "Rosa", "Instituto"):
        assert personal not in html
    assert "no-store" in page["Cache-Control"]


def test_a_revoked_certificate_shows_as_revoked_on_the_check_page(client, certificate, trainer):
    services.revoke_certificate(certificate=certificate, by=trainer, reason="error")
    html = client.get(f"/en/training/certificates/{certificate.token}/").content.decode()
    assert "It is no longer valid." in html and "This certificate is valid." not in html


def test_the_check_page_cannot_be_found_by_guessing(client, certificate):
    assert len(certificate.token) >= 40
    assert client.get(f"/en/training/certificates/{certificate.code}/").status_code == 404
    assert client.get(f"/en/training/certificates/{certificate.token[:-1]}x/").status_code == 404

"""The certificate as a one-page PDF (reportlab), in the participant's language: the programme, the participant,
the course, the partner institution, the trainer over a signature line, and a QR code (segno) that opens the
certificate's public check page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from .models import Certificate


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    language = certificate.enrolment.participant.language or settings.LANGUAGE_CODE
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    with translation.override(language):
        pdf.setTitle(_("Certificate of completion"))
        pdf.setLineWidth(3)
        pdf.rect(1.5 * cm, 1.5 * cm, width - 3 * cm, height - 3 * cm)
        pdf.setFont("Helvetica", 14)
        pdf.drawCentredString(width / 2, height - 4 * cm, certificate.programme or settings.PORTAL_NAME)
        pdf.setFont("Helvetica-Bold", 28)
        pdf.drawCentredString(width / 2, height - 6 * cm, _("Certificate of completion"))
        pdf.setFont("Helvetica", 14)
        pdf.drawCentredString(width / 2, height - 8 * cm, _("This certifies that"))
        pdf.setFont("Helvetica-Bold", 24)
        pdf.drawCentredString(width / 2, height - 9.5 * cm, certificate.participant_name)
        pdf.setFont("Helvetica", 14)
        pdf.drawCentredString(width / 2, height - 11 * cm, _("completed the course"))
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawCentredString(width / 2, height - 12.5 * cm, certificate.course_title)
        pdf.setFont("Helvetica", 13)
        line = _("%(hours)s hours, completed on %(date)s") % {
            "hours": formats.number_format(certificate.hours, decimal_pos=1),
            "date": formats.date_format(certificate.completed_on, "DATE_FORMAT"),
        }
        pdf.drawCentredString(width / 2, height - 14 * cm, line)
        if certificate.partner_name:
            pdf.drawCentredString(
                width / 2,
                height - 15 * cm,
                _("In partnership with %(partner)s") % {"partner": certificate.partner_name},
            )
        # The signature line, with the trainer's name under it.
        pdf.setLineWidth(1)
        pdf.line(3 * cm, 5 * cm, 11 * cm, 5 * cm)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(3 * cm, 4.4 * cm, _("Signature"))
        if certificate.trainer_name:
            pdf.drawString(3 * cm, 3.8 * cm, _("Trainer: %(name)s") % {"name": certificate.trainer_name})
        pdf.drawCentredString(width / 2, 3 * cm, _("Verification code: %(code)s") % {"code": certificate.code})
        pdf.drawCentredString(width / 2, 2.4 * cm, verify_url)
        _draw_qr(pdf, verify_url, x=width - 6 * cm, y=2.2 * cm, size=3.5 * cm)
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(width - 4.25 * cm, 1.8 * cm, _("Scan to check this certificate"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_qr(pdf: canvas.Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` as vector squares, its lower left corner at (x, y), ``size`` wide."""
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(border=2))
    module = size / len(rows)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)

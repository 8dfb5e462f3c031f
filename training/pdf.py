"""The certificate as a one-page PDF (reportlab), in the participant's language."""

from __future__ import annotations

import io

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
        pdf.drawCentredString(width / 2, height - 4 * cm, settings.PORTAL_NAME)
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
        pdf.setFont("Helvetica", 11)
        pdf.drawCentredString(width / 2, 3 * cm, _("Verification code: %(code)s") % {"code": certificate.code})
        pdf.drawCentredString(width / 2, 2.4 * cm, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

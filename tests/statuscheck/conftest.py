from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.factories import make_case, make_person, pathway_with_documents


@pytest.fixture
def process(window_cr, staff_cr):
    """A Kreyòl-speaking person's process at the San José window, one document received, an appointment."""
    from cases import services

    window_cr.address = "Avenida 2, calle 5"
    window_cr.phone = "+506 2222 3333"
    window_cr.save()
    pathway = pathway_with_documents(country=window_cr.country, slug="residencia-temporal")
    person = make_person(
        window_cr,
        staff_cr,
        consents=("processing", "contact_whatsapp"),
        preferred_language="ht",
        whatsapp="+50688887777",
        date_of_birth=None,
        document_type="passport",
        document_number="P7654321",
        notes="Llegó con su hija; teme volver.",
    )
    case = make_case(window_cr, staff_cr, person=person)
    process = services.start_process(case=case, pathway=pathway, by=staff_cr)
    first = process.checklist.order_by("order").first()
    services.set_checklist_status(item=first, status="received", by=staff_cr)
    services.book_appointment(
        process=process,
        at=timezone.now() + timedelta(days=3),
        place="DGME, La Uruca",
        purpose="Entrevista",
        by=staff_cr,
    )
    return process


@pytest.fixture
def issued(process, staff_cr):
    from statuscheck import services

    access, pin = services.issue_pin(process=process, by=staff_cr)
    return access, pin

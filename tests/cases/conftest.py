from __future__ import annotations

import pytest

from tests.cases.factories import make_case, make_person, pathway_with_documents


@pytest.fixture
def pathway_cr(cr):
    return pathway_with_documents(country=cr, slug="residencia-temporal")


@pytest.fixture
def person_cr(window_cr, staff_cr):
    return make_person(window_cr, staff_cr, date_of_birth=None, document_type="passport", document_number="P1234567")


@pytest.fixture
def case_cr(window_cr, staff_cr, person_cr):
    return make_case(window_cr, staff_cr, person=person_cr)


@pytest.fixture
def process_cr(case_cr, pathway_cr, staff_cr):
    from cases import services

    return services.start_process(case=case_cr, pathway=pathway_cr, by=staff_cr)


@pytest.fixture
def english():
    """Messages asserted in English (the source language) and URLs reversed under /en/.

    Not autouse: a module asks for it with ``pytestmark = [..., pytest.mark.usefixtures("english")]``,
    so that tests of what the portal renders in other languages and formats (reminders in the
    recipient's language, 24-hour times) run in the project's own default language.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _costa_rica_clock():
    """Cases tests act as the Costa Rican window staff, whose pages run on Costa Rica's clock (the staff
    time-zone middleware): "today" in a test must be that window's day, not the server's UTC day."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    timezone.activate(ZoneInfo("America/Costa_Rica"))
    yield
    timezone.deactivate()

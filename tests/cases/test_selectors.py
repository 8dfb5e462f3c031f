from __future__ import annotations

from datetime import date

import pytest

from cases.selectors import ProcessingTime, pathway_processing_time
from tests.cases.factories import PathwayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_pathway_without_decisions_shows_its_typical_processing_time():
    pathway = PathwayFactory(typical_processing_days=60)
    assert pathway_processing_time(pathway, today=date(2026, 6, 1)) == ProcessingTime(
        days=60, source="typical", sample_size=0
    )


def test_a_pathway_with_neither_decisions_nor_typical_time_has_no_figure():
    pathway = PathwayFactory(typical_processing_days=None)
    assert pathway_processing_time(pathway) == ProcessingTime(days=None, source=None, sample_size=0)

"""The dashboards' known world (Costa Rica and Panama, March and April 2025) mapped to a DHIS2 instance."""

from __future__ import annotations

import pytest

from interop.models import DataElementMapping, OrgUnit
from tests.dashboards.conftest import world  # noqa: F401 - the figures the mapping sends

from .standin import TOKEN, StandIn

CR_UNIT, PA_UNIT = "CRorgunit01", "PAorgunit01"
CONSULTATIONS, CASES, MEDIAN, PEOPLE = "DEconsult01", "DEcases0001", "DEmedian001", "DEpeople001"
FEMALE, MALE, VENEZUELAN = "COCfemale01", "COCmale0001", "COCvenezue1"


@pytest.fixture
def mapping(world, cr, pa):  # noqa: F811
    OrgUnit.objects.create(country=cr, org_unit=CR_UNIT)
    OrgUnit.objects.create(country=pa, org_unit=PA_UNIT)
    for indicator, dimension, value, element, combo in [
        ("consultations", "", "", CONSULTATIONS, ""),
        ("consultations", "sex", "female", CONSULTATIONS, FEMALE),
        ("consultations", "sex", "male", CONSULTATIONS, MALE),
        ("cases_opened", "", "", CASES, ""),
        ("people_assisted", "nationality", "VE", PEOPLE, VENEZUELAN),
        ("processing_median", "", "", MEDIAN, ""),
    ]:
        DataElementMapping.objects.create(
            indicator=indicator, dimension=dimension, value=value, data_element=element, category_option_combo=combo
        )


@pytest.fixture
def server(settings):
    """A running stand-in DHIS2 that knows the mapped organisation units and data elements, and the settings
    that point the portal at it."""
    with StandIn(
        org_units={CR_UNIT, PA_UNIT},
        data_elements={CONSULTATIONS, CASES, MEDIAN, PEOPLE},
        counts={CONSULTATIONS, CASES, PEOPLE},
    ) as server:
        settings.DHIS2_URL = server.url
        settings.DHIS2_TOKEN = TOKEN
        settings.DHIS2_DATA_SET = "DSventana01"
        settings.DHIS2_TIMEOUT = 5
        yield server

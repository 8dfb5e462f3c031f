"""The same figures as an ADX message: valid against the ADX schema, one group per country, DHIS2's
identifiers, and the very values of the JSON data value set."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from django.core.management import CommandError, call_command

from interop import dhis2

from .conftest import CONSULTATIONS, CR_UNIT, FEMALE, PA_UNIT

pytestmark = pytest.mark.django_db

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("adx.xsd"))
NS = {"adx": dhis2.ADX_NAMESPACE}


@pytest.fixture
def data_set(settings):
    settings.DHIS2_DATA_SET = "DSventana01"


def test_the_adx_message_is_valid_and_holds_the_values_of_the_data_value_set(mapping, data_set):
    march = dhis2.parse_period("202503")
    found = dhis2.values(march)
    message = dhis2.adx(march, found, exported=datetime(2025, 4, 2, 7, 0, tzinfo=UTC))
    SCHEMA.validate(message.decode())
    root = ElementTree.fromstring(message)  # noqa: S314 - the message the portal itself wrote
    assert root.tag == f"{{{dhis2.ADX_NAMESPACE}}}adx" and root.get("exported") == "2025-04-02T07:00:00Z"
    groups = root.findall("adx:group", NS)
    assert [g.get("orgUnit") for g in groups] == [CR_UNIT, PA_UNIT]
    assert {(g.get("period"), g.get("dataSet")) for g in groups} == {("2025-03-01/P1M", "DSventana01")}
    in_adx = {
        (g.get("orgUnit"), v.get("dataElement"), v.get("categoryOptionCombo", "")): v.get("value")
        for g in groups
        for v in g.findall("adx:dataValue", NS)
    }
    in_json = {
        (v["orgUnit"], v["dataElement"], v.get("categoryOptionCombo", "")): v["value"]
        for v in dhis2.data_value_set(march, found)["dataValues"]
    }
    assert in_adx == in_json and (CR_UNIT, CONSULTATIONS, FEMALE) in in_adx


def test_the_schema_refuses_a_message_it_should(mapping, data_set):
    message = dhis2.adx(dhis2.parse_period("2025"), dhis2.values(dhis2.parse_period("2025"))).decode()
    SCHEMA.validate(message)
    assert 'period="2025-01-01/P1Y"' in message
    assert not SCHEMA.is_valid(message.replace('period="2025-01-01/P1Y"', 'period="2025"'))
    assert not SCHEMA.is_valid(message.replace('dataSet="DSventana01"', ""))


def test_the_command_writes_adx_and_says_when_the_data_set_is_missing(mapping, settings):
    settings.DHIS2_DATA_SET = ""
    with pytest.raises(CommandError, match="DHIS2_DATA_SET"):
        call_command("dhis2", "2025Q1", "--format", "adx", stdout=io.StringIO())
    settings.DHIS2_DATA_SET = "DSventana01"
    out = io.StringIO()
    call_command("dhis2", "2025Q1", "--format", "adx", stdout=out)
    SCHEMA.validate(out.getvalue())
    assert 'period="2025-01-01/P3M"' in out.getvalue()

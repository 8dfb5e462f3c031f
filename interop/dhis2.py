"""The programme's published figures as DHIS2 reads them: a data value set (JSON) and the same as ADX XML.

Figures come from ``dashboards.published`` only, the same cells the dashboards show (rounded to base 5,
a hidden figure left out), for the cells the administrators mapped (``interop.models``). Periods are in
DHIS2's own format: ``202603`` (a month), ``2026Q1`` (a quarter), ``2026`` (a year); ADX writes the same
period as a start and a duration (``2026-03-01/P1M``). See docs/interop.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.etree import ElementTree  # nosec B405

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from dashboards import published
from dashboards.indicators import INDICATORS
from dashboards.periods import MONTH, QUARTER, YEAR, Period, containing

from .models import DataElementMapping, OrgUnit

# ElementTree (nosec above) writes the portal's own ADX here and never parses anything received.
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4]))?\Z")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the programme's figures lie well inside


def parse_period(code: str) -> Period:
    """The month, quarter or year a DHIS2 period names; ValueError, in words, for anything else."""
    found = _PERIOD.match(code.strip())
    if not found or not FIRST_YEAR <= int(found["year"]) <= LAST_YEAR:
        raise ValueError(
            gettext("%(code)s is not a DHIS2 period: write a month as 202603, a quarter as 2026Q1, a year as 2026.")
            % {"code": code}
        )
    year = int(found["year"])
    if found["month"]:
        return containing(MONTH, date(year, int(found["month"]), 1))
    if found["quarter"]:
        return containing(QUARTER, date(year, 3 * int(found["quarter"]) - 2, 1))
    return containing(YEAR, date(year, 1, 1))


def period_code(period: Period) -> str:
    """DHIS2's name of a month, quarter or year (a custom run of months has none: ValueError)."""
    if period.kind == MONTH:
        return f"{period.start:%Y%m}"
    if period.kind == QUARTER:
        return f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"
    if period.kind == YEAR:
        return str(period.start.year)
    raise ValueError("DHIS2 takes a month, a quarter or a year")


def adx_period(period: Period) -> str:
    """The period as ADX writes it: its first day and its length (ISO 8601)."""
    length = {MONTH: "P1M", QUARTER: "P3M", YEAR: "P1Y"}[period.kind]
    return f"{period.start.isoformat()}/{length}"


@dataclass(frozen=True)
class Value:
    org_unit: str
    data_element: str
    category_option_combo: str  # "" for the default combination
    value: int | float


def _number(cell) -> str:
    return str(int(cell)) if isinstance(cell, int) or float(cell).is_integer() else str(cell)


def values(period: Period) -> list[Value]:
    """The published figure of each mapped cell, for each mapped country; hidden figures are left out."""
    # A mapping the registry no longer backs (an indicator renamed, a breakdown it no longer offers) sends nothing.
    mappings = [
        m
        for m in DataElementMapping.objects.all()
        if m.indicator in INDICATORS and (not m.dimension or m.dimension in INDICATORS[m.indicator].dimensions)
    ]
    by_dimension: dict[str, list[DataElementMapping]] = defaultdict(list)
    for mapping in mappings:
        by_dimension[mapping.dimension].append(mapping)
    out: list[Value] = []
    for unit in OrgUnit.objects.select_related("country").order_by("country__code"):
        ids = [unit.country_id]
        for dimension, found in sorted(by_dimension.items()):
            codes = sorted({m.indicator for m in found})
            if dimension:
                groups = sorted({m.value for m in found})
                cells = published.grouped(codes, ids, period.start, period.end, by=dimension, groups=groups)
            else:
                cells = {
                    code: {"": cell} for code, cell in published.totals(codes, ids, period.start, period.end).items()
                }
            for mapping in found:
                cell = cells[mapping.indicator].get(mapping.value)
                if cell is None:
                    continue  # hidden: DHIS2 gets no value rather than a made-up one
                out.append(Value(unit.org_unit, mapping.data_element, mapping.category_option_combo, cell))
    return out


def data_value_set(period: Period, found: list[Value]) -> dict:
    """The JSON body of ``POST /api/dataValueSets``."""
    code = period_code(period)
    rows = []
    for v in found:
        row = {"dataElement": v.data_element, "period": code, "orgUnit": v.org_unit, "value": _number(v.value)}
        if v.category_option_combo:
            row["categoryOptionCombo"] = v.category_option_combo
        rows.append(row)
    body: dict = {"period": code, "dataValues": rows}
    if settings.DHIS2_DATA_SET:
        body["dataSet"] = settings.DHIS2_DATA_SET
    return body


def adx(period: Period, found: list[Value], *, exported: datetime | None = None) -> bytes:
    """The same figures as an ADX message: one group per organisation unit. ADX names the data set of each
    group, so DHIS2_DATA_SET must be set (ValueError otherwise)."""
    if not settings.DHIS2_DATA_SET:
        raise ValueError("ADX needs the DHIS2 data set: set DHIS2_DATA_SET")
    ElementTree.register_namespace("", ADX_NAMESPACE)
    stamp = (exported or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ElementTree.Element(f"{{{ADX_NAMESPACE}}}adx", {"exported": stamp})
    groups: dict[str, ElementTree.Element] = {}
    for v in found:
        if v.org_unit not in groups:
            attributes = {"orgUnit": v.org_unit, "period": adx_period(period), "dataSet": settings.DHIS2_DATA_SET}
            groups[v.org_unit] = ElementTree.SubElement(root, f"{{{ADX_NAMESPACE}}}group", attributes)
        attributes = {"dataElement": v.data_element, "value": _number(v.value)}
        if v.category_option_combo:
            # DHIS2's own ADX attribute: the category option combination by its identifier.
            attributes["categoryOptionCombo"] = v.category_option_combo
        ElementTree.SubElement(groups[v.org_unit], f"{{{ADX_NAMESPACE}}}dataValue", attributes)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)

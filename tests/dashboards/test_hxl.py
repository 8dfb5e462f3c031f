"""Figures exports with an HXL hashtag row, read back by HXL's own library (libhxl) as HDX and the HXL tools
read them: the tags, one row per figure with its country and period, the published figures only."""

from __future__ import annotations

import hxl
import pytest

from cases.models import AuditEntry

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def read(response, tmp_path, fmt: str):
    """The download as libhxl reads it (a local file, as a user would hand it to the HXL tools)."""
    path = tmp_path / f"figures.{fmt}"
    path.write_bytes(response.content)
    return hxl.data(str(path), hxl.InputOptions(allow_local=True)).cache()


def errors(dataset) -> list:
    """What HXL's built-in schema calls an error (a #date that is not a date, a number that is not a number)."""
    report = hxl.validate(dataset)
    return [issue for issue in report["issues"] if issue["severity"] == "error"]


def test_a_breakdown_as_csv_carries_the_hashtags_and_the_published_figures(world, officer_cr_client, tmp_path):
    response = officer_cr_client.get("/en/staff/dashboards/cr/export/by-sex.csv", {**MARCH, "hxl": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('cr-by-sex-20250301-20250331-hxl.csv"')
    data = read(response, tmp_path, "csv")
    tags = data.display_tags
    assert tags[:5] == ["#country+code", "#date+start", "#date+end", "#group+sex+code", "#group+sex+name"]
    assert "#indicator+num+consultations" in tags and "#reached+ind+people_assisted" in tags
    assert errors(data) == []
    rows = list(data)
    assert rows and all(row.get("#country+code") == "CR" for row in rows)
    assert {(row.get("#date+start"), row.get("#date+end")) for row in rows} == {("2025-03-01", "2025-03-31")}
    # The total row (no group code) holds the dashboard's rounded figure: 7 consultations are never 7.
    page = officer_cr_client.get("/en/staff/dashboards/cr/", {**MARCH, "by": "sex"}).context["breakdown"]
    shown = page.total.cells[page.column_keys.index("consultations")]
    (total,) = [row for row in rows if not row.get("#group+sex+code")]
    assert total.get("#indicator+num+consultations") == str(shown) != "7"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.details["hxl"] is True and entry.details["format"] == "csv"


def test_the_regional_comparison_as_xlsx_names_each_country_by_its_code(world, regional_client, tmp_path):
    response = regional_client.get("/en/staff/dashboards/region/export/countries.xlsx", {**MARCH, "hxl": "1"})
    data = read(response, tmp_path, "xlsx")
    assert "#country+name" in data.display_tags and "#reached+beneficiaries" in data.display_tags
    codes = {row.get("#country+name"): row.get("#country+code") for row in data}
    assert codes["Costa Rica"] == "CR" and {"CR", "PA"} <= set(codes.values())
    assert codes["Total"] in ("", None)  # the region's total row: no one country
    assert errors(data) == []


def test_a_hidden_figure_is_an_empty_cell_and_the_series_keeps_its_dates(world, officer_cr_client, tmp_path):
    summary = read(officer_cr_client.get("/en/staff/dashboards/cr/export/summary.csv", {**MARCH, "hxl": "1"}),
                   tmp_path, "csv")  # fmt: skip
    median = next(row for row in summary if row.get("#indicator+code") == "processing_median")
    assert median.get("#indicator+num+current") in ("", None)  # hidden: fewer than ten decisions, not "—"
    assert errors(summary) == []
    series = read(officer_cr_client.get("/en/staff/dashboards/cr/export/series.csv", {**MARCH, "hxl": "1"}),
                  tmp_path, "csv")  # fmt: skip
    buckets = [row.get("#date+bucket") for row in series if row.get("#date+bucket")]
    assert buckets[0] == "2025-03-01" and all(day.startswith("2025-03-") for day in buckets)  # weeks of March
    assert errors(series) == []


def test_without_the_option_the_export_is_as_before(world, officer_cr_client, tmp_path):
    response = officer_cr_client.get("/en/staff/dashboards/cr/export/by-sex.csv", MARCH)
    assert "#country" not in response.content.decode("utf-8-sig")
    with pytest.raises(hxl.HXLException):
        read(response, tmp_path, "csv").display_tags  # noqa: B018 - reading the tags is the check


def test_the_dashboard_offers_each_table_with_hxl_hashtags(world, officer_cr_client):
    html = officer_cr_client.get("/es/staff/dashboards/cr/", MARCH).content.decode()
    assert "/es/staff/dashboards/cr/export/by-sex.xlsx?" in html and "&amp;hxl=1" in html
    assert "etiquetas HXL" in html  # said in the page's language

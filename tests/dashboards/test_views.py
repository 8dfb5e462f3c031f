"""The dashboards as their users see them: who may open which, periods, tables, charts and exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from cases.models import AuditEntry

from .conftest import APRIL, MARCH

pytestmark = pytest.mark.django_db


def url(country="cr", **params) -> str:
    base = f"/en/staff/dashboards/{country}/"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_country_officer_sees_the_figures_of_their_country(world, officer_cr_client):
    response = officer_cr_client.get(url(**MARCH, by="sex"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dashboard: Costa Rica" in html
    assert "Data as of" in html
    # 7 consultations: 4 women and 3 men, both hidden.
    table = response.context["breakdown"]
    consultations = table.column_keys.index("consultations")
    assert [row.cells[consultations] for row in table.rows] == ["<5", "<5"]
    assert table.total.cells[consultations] == 7
    assert "<svg" in html and 'aria-hidden="true"' in html
    assert "February 2025" in html  # the period before is beside it


def test_window_staff_see_the_figures_of_their_own_country(world, staff_cr_client):
    assert staff_cr_client.get(url(**MARCH)).status_code == 200


def test_another_countrys_dashboard_is_not_found(world, staff_pa_client, officer_cr_client):
    assert staff_pa_client.get(url(**MARCH)).status_code == 404
    assert officer_cr_client.get(url("pa")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/en/staff/dashboards/region/").status_code == 302


def test_the_dashboards_answer_only_get(world, officer_cr_client, regional_client):
    assert officer_cr_client.post(url()).status_code == 405
    assert regional_client.post("/en/staff/dashboards/region/").status_code == 405


def test_the_index_takes_a_country_officer_straight_to_their_country(world, officer_cr_client):
    response = officer_cr_client.get("/en/staff/dashboards/")
    assert response.status_code == 302 and response["Location"].endswith("/staff/dashboards/cr/")


def test_someone_without_any_country_is_refused(world):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/en/staff/dashboards/").status_code == 403
    assert client.get(url()).status_code == 404


def test_only_regional_officers_see_the_regional_dashboard(world, officer_cr_client, regional_client):
    assert officer_cr_client.get("/en/staff/dashboards/region/").status_code == 403
    response = regional_client.get("/en/staff/dashboards/region/", MARCH)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    consultations = comparison.column_keys.index("consultations")
    rows = {row.label: row.cells[consultations] for row in comparison.rows}
    # Panama's 3 is hidden, and the total (10) minus Costa Rica's 7 would reveal it: Costa Rica goes too.
    assert rows == {"Costa Rica": "<5", "Panamá": "<5"}
    assert comparison.total.cells[consultations] == 10


def test_regional_officers_pick_any_country(world, regional_client):
    assert regional_client.get(url("pa", **MARCH)).status_code == 200


def test_a_processing_time_needs_ten_decisions(world, officer_cr_client):
    response = officer_cr_client.get(url(**APRIL))
    rows = {row.key: row.cells for row in response.context["summary"].rows}
    assert rows["processing_median"][0] is None  # four decisions only
    assert rows["regularized"][0] == "<5"


def test_a_bad_custom_period_is_explained_and_kept(world, officer_cr_client):
    response = officer_cr_client.get(url(period="custom", start="2025-03-31", end="2025-03-01"))
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert response.context["form"]["start"].value() == "2025-03-31"
    assert "summary" not in response.context


def test_a_custom_period_compares_with_the_same_number_of_days_before(world, officer_cr_client):
    response = officer_cr_client.get(url(period="custom", start="2025-03-01", end="2025-04-30"))
    assert response.context["previous"].days == response.context["period"].days == 61


def test_csv_export_holds_the_table_as_shown_and_is_audited(world, officer_cr, officer_cr_client):
    response = officer_cr_client.get("/en/staff/dashboards/cr/export/by-sex.csv", MARCH)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('cr-by-sex-20250301-20250331.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Breakdown: Sex", "Costa Rica"]
    assert rows[1] == ["Period", "2025-03-01", "2025-03-31"]
    assert rows[2][0] == "Data as of"
    header = rows[4]
    female = next(r for r in rows if r and r[0] == "Female")
    total = next(r for r in rows if r and r[0] == "Total")
    assert female[header.index("Consultations")] == "<5"
    assert total[header.index("Consultations")] == "7"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == officer_cr and entry.object_type == "dashboards.indicators"
    assert entry.details == {"country": "CR", "start": "2025-03-01", "end": "2025-03-31", "format": "csv"}


def test_xlsx_export_of_the_regional_comparison(world, regional_client):
    response = regional_client.get("/en/staff/dashboards/region/export/countries.xlsx", MARCH)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[4]
    costa_rica = next(r for r in values if r[0] == "Costa Rica")
    assert header[1] == "Consultations"
    assert costa_rica[header.index("Consultations")] in (7, "<5")


def test_exports_are_scoped_and_checked(world, staff_pa_client, officer_cr_client):
    assert staff_pa_client.get("/en/staff/dashboards/cr/export/summary.csv").status_code == 404
    assert officer_cr_client.get("/en/staff/dashboards/cr/export/nothing.csv").status_code == 404
    assert officer_cr_client.get("/en/staff/dashboards/cr/export/summary.pdf").status_code == 404
    assert officer_cr_client.get("/en/staff/dashboards/region/export/countries.csv").status_code == 403
    assert officer_cr_client.post("/en/staff/dashboards/cr/export/summary.csv").status_code == 405


def test_targets_show_what_was_achieved(world, cr, officer_cr_client):
    from dashboards.models import Target

    Target.objects.create(country=cr, year=2025, indicator="consultations", value=100)
    response = officer_cr_client.get(url(**MARCH))
    row = response.context["targets"].rows[0]
    assert row.cells == [100, 9, 9]


def test_the_staff_home_links_to_the_dashboards(world, officer_cr_client):
    assert "/en/staff/dashboards/" in officer_cr_client.get("/en/staff/").content.decode()


@pytest.mark.parametrize("language", ["en", "es", "fr", "nl", "ht"])
def test_xlsx_export_of_a_breakdown_opens_in_every_language(world, officer_cr_client, language):
    # The breakdown's title ("Breakdown: Sex") holds a colon, which a spreadsheet sheet name may not.
    response = officer_cr_client.get(f"/{language}/staff/dashboards/cr/export/by-sex.xlsx", MARCH)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert ":" not in sheet.title and sheet.title

"""The dashboards as their users see them: who may open which, periods, tables, charts and exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from cases.models import AuditEntry, Consultation
from dashboards import rollups

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
    # 7 consultations: 4 women and 3 men. Each figure is rounded to a multiple of 5 next to it, a count
    # below 5 always to 0, and the total on its own: nothing reads "<5" any longer (it was undone by the
    # figures beside it).
    table = response.context["breakdown"]
    consultations = table.column_keys.index("consultations")
    shown = {row.key: row.cells[consultations] for row in table.rows}
    assert shown.get("female", 0) == 0 and shown.get("male", 0) == 0
    assert table.total.cells[consultations] in (0, 5, 10)
    summary = {row.key: row.cells for row in response.context["summary"].rows}
    assert summary["consultations"][0] == table.total.cells[consultations]  # one cell, one rounding
    assert "<5" not in html and "rounded to a multiple of 5" in html
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
    # Costa Rica's 7 and Panama's 3 are each rounded as on their own dashboards; the total 10 stays 10.
    assert rows["Costa Rica"] in (0, 5, 10) and rows["Panamá"] == 0
    assert comparison.total.cells[consultations] == 10
    own = regional_client.get(url("cr", **MARCH)).context["summary"]
    assert {row.key: row.cells[0] for row in own.rows}["consultations"] == rows["Costa Rica"]


def test_regional_officers_pick_any_country(world, regional_client):
    assert regional_client.get(url("pa", **MARCH)).status_code == 200


def test_a_processing_time_needs_ten_decisions(world, officer_cr_client):
    response = officer_cr_client.get(url(**APRIL))
    rows = {row.key: row.cells for row in response.context["summary"].rows}
    assert rows["processing_median"][0] is None  # four decisions only
    assert rows["regularized"][0] == 0  # three approvals: below 5, never shown as 5
    assert "—" in response.content.decode()


def test_a_bad_custom_period_is_explained_and_kept(world, officer_cr_client):
    response = officer_cr_client.get(url(period="custom", start="2025-03-31", end="2025-03-01"))
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert response.context["form"]["start"].value() == "2025-03-31"
    assert "summary" not in response.context


def test_a_custom_run_of_months_compares_with_as_many_months_before(world, officer_cr_client):
    response = officer_cr_client.get(url(period="custom", start="2025-03-01", end="2025-04-30"))
    previous = response.context["previous"]
    assert (previous.start, previous.end) == (date(2025, 1, 1), date(2025, 3, 1))


def test_a_custom_period_off_the_month_grid_is_refused_with_the_nearest_days(world, officer_cr_client):
    response = officer_cr_client.get(url(period="custom", start="2025-03-05", end="2025-04-20"))
    assert response.status_code == 200 and "summary" not in response.context
    errors = response.context["form"].errors
    assert "March 1, 2025" in errors["start"][0] and "April 1, 2025" in errors["start"][0]
    assert "March 31, 2025" in errors["end"][0] and "April 30, 2025" in errors["end"][0]
    assert "whole months, quarters and years" in errors["end"][0]
    assert response.context["form"]["start"].value() == "2025-03-05"  # what was typed is kept


def test_csv_export_holds_the_table_as_shown_and_is_audited(world, officer_cr, officer_cr_client):
    response = officer_cr_client.get("/en/staff/dashboards/cr/export/by-sex.csv", MARCH)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('cr-by-sex-20250301-20250331.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Breakdown: Sex", "Costa Rica"]
    assert rows[1] == ["Period", "2025-03-01", "2025-03-31"]
    assert rows[2][0] == "Data as of"
    header = rows[4]
    total = next(r for r in rows if r and r[0] == "Total")
    page = officer_cr_client.get(url(**MARCH, by="sex")).context["breakdown"]
    # 4 women and 3 men: each below 5, so each row is 0 and left out, as on the page.
    assert not any(r and r[0] in ("Female", "Male") for r in rows) and page.rows == []
    assert total[header.index("Consultations")] == str(page.total.cells[page.column_keys.index("consultations")])
    assert any(r and "rounded to a multiple of 5" in r[0] for r in rows)
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
    assert costa_rica[header.index("Consultations")] in (0, 5, 10)


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
    target, achieved, share = response.context["targets"].rows[0].cells
    # 9 consultations in 2025, rounded: the share is worked out from the published figure.
    assert target == 100 and achieved in (0, 5, 10) and share == achieved


def test_the_staff_home_links_to_the_dashboards(world, officer_cr_client):
    assert "/en/staff/dashboards/" in officer_cr_client.get("/en/staff/").content.decode()


@pytest.mark.parametrize("language", ["en", "es", "fr", "nl", "ht"])
def test_xlsx_export_of_a_breakdown_opens_in_every_language(world, officer_cr_client, language):
    # The breakdown's title ("Breakdown: Sex") holds a colon, which a spreadsheet sheet name may not.
    response = officer_cr_client.get(f"/{language}/staff/dashboards/cr/export/by-sex.xlsx", MARCH)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert ":" not in sheet.title and sheet.title


def test_countries_are_compared_in_the_alphabetical_order_of_the_readers_language(world, regional_client):
    from ventanillas.models import Country

    Country.objects.create(code="DO", name="República Dominicana", name_es="República Dominicana",
                           name_en="Dominican Republic", default_language="es", public_languages=["es"],
                           time_zone="America/Santo_Domingo", currency="DOP")  # fmt: skip
    Country.objects.create(code="BZ", name="Belice", name_es="Belice", name_en="Belize", default_language="en",
                           public_languages=["en"], time_zone="America/Belize", currency="BZD")  # fmt: skip
    english = regional_client.get("/en/staff/dashboards/region/", MARCH).context["comparison"]
    spanish = regional_client.get("/es/staff/dashboards/region/", MARCH).context["comparison"]
    assert [row.label for row in english.rows] == ["Belize", "Costa Rica", "Dominican Republic", "Panamá"]
    assert [row.label for row in spanish.rows] == ["Belice", "Costa Rica", "Panamá", "República Dominicana"]


def test_a_wide_table_can_be_reached_and_scrolled_with_the_keyboard(world, officer_cr_client):
    html = officer_cr_client.get(url(**MARCH, by="nationality")).content.decode()
    assert html.count('class="table-responsive" tabindex="0" role="region" aria-label="') >= 3
    assert 'aria-label="Breakdown: Nationality · March 2025"' in html


def test_charts_have_a_scale_period_labels_and_a_withheld_bar_unlike_a_zero(world, officer_cr_client):
    from dashboards.charts import bar_charts
    from dashboards.tables import Row, Table
    from dashboards.templatetags.dashboards import figure

    table = Table("series", "Over time", ["Median"], [Row("January", [0]), Row("February", [None]),
                                                      Row("March", [40])], short_labels=["Jan", "Feb", "Mar"])  # fmt: skip
    zero, hidden, forty = bar_charts(table, figure)[0].bars
    assert zero.zero and zero.height == 0 and not zero.hidden
    assert hidden.hidden and hidden.height > 0 and hidden.text == "—"  # drawn as a hatched stub, not as nothing
    assert forty.height > hidden.height
    chart = bar_charts(table, figure)[0]
    assert [tick.text for tick in chart.ticks] == ["0", "25", "50"]
    html = officer_cr_client.get(url(**MARCH)).content.decode()
    assert 'text-anchor="end"' in html  # the value axis
    assert ">03/03/2025<" in html or ">3/3/2025<" in html or ">03/03/25<" in html  # the week under its bar


def test_the_same_figure_reads_the_same_for_a_month_and_for_a_custom_period_of_the_same_days(world, officer_cr_client):
    month = officer_cr_client.get(url(**MARCH)).context["summary"]
    custom = officer_cr_client.get(url(period="custom", start="2025-03-01", end="2025-03-31")).context["summary"]
    assert [row.cells[0] for row in month.rows] == [row.cells[0] for row in custom.rows]


def test_beneficiaries_are_added_up_from_the_rounded_figures(world, officer_cr_client):
    for params in (MARCH, APRIL, {"period": "quarter", "on": "2025-03-01"}):
        rows = {row.key: row.cells[0] for row in officer_cr_client.get(url(**params)).context["summary"].rows}
        assert rows["beneficiaries"] == rows["consultations"] + rows["people_assisted"] + rows["trained"]


@pytest.mark.parametrize(
    ("language", "haiti", "venezuela", "not_stated"),
    [("fr", "Haïti", "Venezuela", "Non indiqué"), ("ht", "Ayiti", "Venezyela", "Pa di"),
     ("es", "Haití", "Venezuela", "No indicado")],
)  # fmt: skip
def test_the_breakdown_by_nationality_names_the_countries_in_the_readers_language(
    world, officer_cr_client, window_cr, staff_cr, language, haiti, venezuela, not_stated
):
    # Ten consultations of each nationality in March: rows that publish only zeros are left out.
    for nationality in ("HT", "VE", ""):  # and ten more that say none, so that every row shows
        for day in range(10):
            Consultation.objects.create(
                window=window_cr, date=date(2025, 3, 12 + day), nationality=nationality, recorded_by=staff_cr
            )
    rollups.rebuild()
    response = officer_cr_client.get(f"/{language}/staff/dashboards/cr/", {**MARCH, "by": "nationality"})
    table = response.context["breakdown"]
    labels = {row.key: row.label for row in table.rows}
    assert labels["HT"] == haiti and labels["VE"] == venezuela and labels[""] == not_stated
    # Countries in the order of their names, the answers naming no country after them.
    assert [row.key for row in table.rows] == [*sorted(["HT", "VE"], key=lambda k: labels[k]), ""]
    # Still the published figures: 3 Haitians and 4 Venezuelans assisted are never shown as they are.
    people = table.column_keys.index("people_assisted")
    assert {row.cells[people] for row in table.rows if row.key in ("HT", "VE")} == {0}
    assert f">{haiti}<" in response.content.decode()


def test_names_in_another_language_are_marked_on_a_kreyol_dashboard(world, officer_cr_client, window_cr, staff_cr):
    # Ten consultations of a nationality Kreyòl names in French (the page's fallback), and the window's own
    # Spanish name, both in breakdowns read in Kreyòl.
    for day in range(10):
        Consultation.objects.create(
            window=window_cr, date=date(2025, 3, 2 + day), nationality="MN", recorded_by=staff_cr
        )
    rollups.rebuild()
    page = officer_cr_client.get("/ht/staff/dashboards/cr/", {**MARCH, "by": "nationality"}).content.decode()
    assert '<th scope="row" class="fw-normal"><span lang="fr">Mongolie</span></th>' in page
    page = officer_cr_client.get("/ht/staff/dashboards/cr/", {**MARCH, "by": "window"}).content.decode()
    assert f'<span lang="es">{window_cr.name}</span>' in page

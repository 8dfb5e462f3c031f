"""The emergency's figures leave the page as the other dashboards' do: CSV and XLSX exports (audited), a
country's and the region's overview, and the token API; always the same rounded figures, a small count never
shown as itself nor pinned by a total, and nothing at all for a third country's officer."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from cases.models import AuditEntry
from dashboards.emergency import emergency_figures, regional_table
from dashboards.models import ApiToken
from emergencies import services
from tests.factories import Role, UserFactory, WindowFactory, country, member

from .factories import declare, officer_of, shelter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ht, do = country("HT"), country("DO")
    window = WindowFactory(country=ht, region="Ouest", slug="pap")
    WindowFactory(country=do, region="Santo Domingo", slug="sd")
    emergency = declare(ht)
    big = shelter(emergency, emergency.declared_by, name="Grand abri")
    small = shelter(emergency, emergency.declared_by, name="Petit abri")
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=window)
    for _n in range(20):
        services.register_arrival(point=big, by=clerk, data={"household_size": 3, "language": "ht", "needs": ["food"]})
    for _n in range(2):  # 2 households at the small point: never shown as 2, never pinned from the total
        services.register_arrival(point=small, by=clerk, data={"household_size": 1, "language": "ht"})
    regional = UserFactory()
    member(regional, Role.REGIONAL_OFFICER)
    return {
        "emergency": emergency,
        "officer": emergency.declared_by,
        "regional": regional,
        "third": officer_of(do),  # an officer of another country: sees nothing of Haiti's emergency
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token(user) -> dict:
    _row, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_table_downloads_as_csv_and_xlsx_with_the_pages_figures_and_each_download_is_audited(world):
    emergency = world["emergency"]
    client = _client(world["officer"])
    figures = emergency_figures(emergency)
    response = client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/export/points.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = {row[0]: row[1:] for row in rows if row and row[0] in ("Grand abri", "Petit abri", "Total")}
    assert body["Petit abri"][0] in ("0",)  # 2 households: shown as 0
    assert body["Total"][0] == str(figures.households)
    assert [int(body[name][0]) for name in ("Grand abri", "Petit abri")] == [h for _n, h, _p in figures.by_point]
    xlsx = client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/export/needs.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    exports = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="dashboards.indicators")
    assert sorted(exports.values_list("object_id", flat=True)) == [
        f"emergency{emergency.pk}-needs", f"emergency{emergency.pk}-points"]  # fmt: skip
    assert client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/export/people.csv").status_code == 404


def test_the_small_point_cannot_be_pinned_from_the_total_and_the_other_rows(world):
    """With 20 households at one point and 2 at the other, rounding each alone could show 20 + 0 beside a
    total of 25, proving the small point non-zero; the rows are protected against the total."""
    from dashboards.suppression import bounds

    figures = emergency_figures(world["emergency"])
    big, small = (households for _name, households, _people in figures.by_point)
    low = bounds(figures.households)[0] - bounds(big)[1]
    assert small == 0 and low <= 0  # the small point may hold nobody, as far as the figures tell


def test_the_region_and_the_country_overview_show_every_emergency_with_the_same_figures(world):
    emergency = world["emergency"]
    figures = emergency_figures(emergency)
    table, emergencies = regional_table([emergency.country])
    assert emergencies == [emergency]
    assert table.rows[0].cells == [figures.households, figures.people, figures.messages_sent]
    page = _client(world["regional"]).get("/en/staff/dashboards/region/emergencies/")
    assert page.status_code == 200 and f"/en/staff/dashboards/emergencies/{emergency.pk}/" in page.content.decode()
    assert _client(world["officer"]).get("/en/staff/dashboards/region/emergencies/").status_code == 403
    assert _client(world["officer"]).get("/en/staff/dashboards/ht/emergencies/").status_code == 200
    download = _client(world["regional"]).get("/en/staff/dashboards/region/emergencies/export.csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert download.status_code == 200 and any("Hurricane" in line for line in lines)
    # One emergency: its total is its own row's figures (one rounding of one count, never two to intersect).
    assert table.total.cells == table.rows[0].cells


def test_the_api_answers_with_the_same_figures_to_a_token_of_the_country_and_404_to_a_third_country(world):
    emergency = world["emergency"]
    figures = emergency_figures(emergency)
    body = Client().get(f"/en/staff/dashboards/api/v1/emergencies/{emergency.pk}/", **_token(world["officer"])).json()
    assert body["tables"]["totals"]["rows"][0]["value"] == figures.households
    assert body["disclosure_control"]["base"] == 5
    country = Client().get("/en/staff/dashboards/api/v1/countries/ht/emergencies/", **_token(world["officer"]))
    assert country.json()["table"]["rows"][0]["households"] == figures.households
    region = Client().get("/en/staff/dashboards/api/v1/region/emergencies/", **_token(world["regional"]))
    assert region.status_code == 200 and region.json()["emergencies"][0]["id"] == emergency.pk
    assert (
        Client().get("/en/staff/dashboards/api/v1/region/emergencies/", **_token(world["officer"])).status_code == 403
    )
    assert Client().get(f"/en/staff/dashboards/api/v1/emergencies/{emergency.pk}/").status_code == 401


def test_a_third_countrys_officer_sees_nothing(world):
    emergency, third = world["emergency"], world["third"]
    client = _client(third)
    for url in (
        f"/es/staff/dashboards/emergencies/{emergency.pk}/",
        f"/es/staff/dashboards/emergencies/{emergency.pk}/export/days.csv",
        "/es/staff/dashboards/ht/emergencies/",
        "/es/staff/dashboards/ht/emergencies/export.csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/es/staff/dashboards/region/emergencies/").status_code == 403
    api = Client()
    headers = _token(third)
    assert api.get(f"/es/staff/dashboards/api/v1/emergencies/{emergency.pk}/", **headers).status_code == 404
    assert api.get("/es/staff/dashboards/api/v1/countries/ht/emergencies/", **headers).status_code == 404
    # Their own country's overview shows no Haitian emergency.
    own = client.get("/es/staff/dashboards/do/emergencies/").content.decode()
    assert f"/emergencies/{emergency.pk}/" not in own

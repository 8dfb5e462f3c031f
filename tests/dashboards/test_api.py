"""The figures API: tokens, scoping like the pages, suppressed figures, the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from dashboards.models import ApiToken

pytestmark = pytest.mark.django_db

API = "/en/staff/dashboards/api/v1"


def test_without_a_valid_token_the_api_answers_401(world):
    client = Client()
    response = client.get(f"{API}/countries/cr/consultations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{API}/indicators/", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_a_revoked_token_no_longer_works(world, officer_cr):
    token, raw = ApiToken.issue(user=officer_cr, name="report builder")
    token.revoke()
    assert Client().get(f"{API}/indicators/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_only_the_hash_of_a_token_is_stored(world, officer_cr):
    token, raw = ApiToken.issue(user=officer_cr, name="report builder")
    assert raw not in token.key_hash and token.prefix == raw[:8]


def officer_cr_client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_country_officer_reads_an_indicator_of_their_country(world, officer_cr, token_for):
    auth = token_for(officer_cr)
    response = Client().get(f"{API}/countries/cr/consultations/?period=month&on=2025-03-01&by=sex", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["indicator"]["code"] == "consultations"
    value = body["period"].pop("value")
    assert body["period"] == {"kind": "month", "label": "March 2025", "start": "2025-03-01", "end": "2025-03-31"}
    assert value in (0, 5, 10)  # 7, rounded like on the page
    page = officer_cr_client_for(officer_cr).get("/en/staff/dashboards/cr/", {"period": "month", "on": "2025-03-01"})
    assert {row.key: row.cells[0] for row in page.context["summary"].rows}["consultations"] == value
    assert body["previous"]["start"] == "2025-02-01" and body["previous"]["value"] == 0
    assert {row["value"] for row in body["breakdown"]["rows"]} <= {"female", "male"}
    # 4 women and 3 men: a count below 5 is always 0, and a row of 0 is left out.
    assert body["breakdown"]["rows"] == []
    assert body["breakdown"]["total"] == value
    series = [point["figure"] for point in body["series"]]
    assert series[0] == 0 and series[1] in (0, 5, 10)  # 1-2 March, then the week of 3 March (7 consultations)
    assert body["disclosure_control"]["base"] == 5
    assert body["data_as_of"]
    assert ApiToken.objects.get(user=officer_cr).last_used_at is not None


def test_processing_times_are_withheld_under_ten_decisions(world, officer_cr, token_for):
    response = Client().get(
        f"{API}/countries/cr/processing_median/?period=month&on=2025-04-01", **token_for(officer_cr)
    )
    assert response.json()["period"]["value"] is None


def test_another_countrys_figures_are_not_found(world, staff_pa, token_for):
    auth = token_for(staff_pa)
    assert Client().get(f"{API}/countries/cr/consultations/", **auth).status_code == 404
    assert Client().get(f"{API}/countries/pa/consultations/", **auth).status_code == 200
    countries = Client().get(f"{API}/countries/", **auth).json()["countries"]
    assert [c["code"] for c in countries] == ["PA"]


def test_unknown_indicator_bad_period_and_breakdown(world, officer_cr, token_for):
    auth = token_for(officer_cr)
    assert Client().get(f"{API}/countries/cr/nothing/", **auth).status_code == 404
    bad = Client().get(f"{API}/countries/cr/consultations/?period=custom&start=2025-03-02&end=2025-03-01", **auth)
    assert bad.status_code == 400 and "end" in bad.json()["fields"]
    assert Client().get(f"{API}/countries/cr/consultations/?by=pathway", **auth).status_code == 400
    assert Client().post(f"{API}/countries/cr/consultations/", **auth).status_code == 405


def test_the_region_is_for_regional_officers(world, officer_cr, regional, token_for):
    assert Client().get(f"{API}/region/consultations/", **token_for(officer_cr)).status_code == 403
    response = Client().get(f"{API}/region/consultations/?period=month&on=2025-03-01", **token_for(regional))
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["value"] == 10
    countries = {c["code"]: c["figure"] for c in body["countries"]}
    assert countries["CR"] in (0, 5, 10) and countries["PA"] == 0  # 7 rounded; 3, below 5, is never shown as 5


def test_the_registry_and_the_schema_describe_the_api(world, officer_cr, token_for):
    indicators = Client().get(f"{API}/indicators/", **token_for(officer_cr)).json()["indicators"]
    assert {"consultations", "regularized", "processing_p90", "trained"} <= {i["code"] for i in indicators}
    schema = Client().get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/countries/{country}/consultations/" in schema["paths"]
    assert "/region/regularized/" in schema["paths"]
    by = next(p for p in schema["paths"]["/region/enrolled/"]["get"]["parameters"] if p["name"] == "by")
    assert by["schema"]["enum"] == ["sex", "sector"]  # only the breakdowns this indicator has


def test_every_token_api_address_is_in_the_schema_with_its_parameters():
    """A client generated from the description reaches every view behind a token, the emergency figures
    included: each URL pattern of a token view (an indicator's pattern once per indicator) is a path of the
    schema, with a parameter for each part of the address."""
    import re

    schema = Client().get(f"{API}/openapi.json").json()  # loads the URLconf, its converters first
    from dashboards import indicators, urls

    wanted = set()
    for pattern in urls.urlpatterns:
        if not getattr(pattern.callback, "token_api", False):
            continue
        route = str(pattern.pattern)
        assert route.startswith("api/v1/"), route
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.removeprefix("api/v1/"))
        if "{indicator}" in path:
            wanted |= {path.replace("{indicator}", code) for code in indicators.INDICATORS}
        else:
            wanted.add(path)
    assert {"/emergencies/{pk}/", "/countries/{country}/emergencies/", "/region/emergencies/"} <= wanted
    assert wanted - set(schema["paths"]) == set()
    for path in wanted:
        named = {p["name"] for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "path"}
        assert named == set(re.findall(r"{(\w+)}", path)), path


def test_a_period_off_the_grid_gets_400_naming_the_grid(world, officer_cr, token_for):
    auth = token_for(officer_cr)
    swept = Client().get(f"{API}/countries/cr/consultations/?period=custom&start=2025-02-01&end=2025-03-07", **auth)
    assert swept.status_code == 400
    body = swept.json()
    assert "end" in body["fields"] and "whole months, quarters and years" in body["grid"]
    run = Client().get(f"{API}/countries/cr/consultations/?period=custom&start=2025-02-01&end=2025-04-30", **auth)
    assert run.status_code == 200
    control = run.json()["disclosure_control"]
    assert control["period_is_sum_of"] == [
        {"start": "2025-02-01", "end": "2025-02-28"}, {"start": "2025-03-01", "end": "2025-03-31"},
        {"start": "2025-04-01", "end": "2025-04-30"}]  # fmt: skip
    schema = Client().get(f"{API}/openapi.json").json()
    assert "whole months, quarters and years" in schema["info"]["description"]


def test_requests_and_periods_are_counted_per_token_and_a_sweep_is_stopped(world, officer_cr, token_for, settings):
    from dashboards.models import ApiTokenDay

    settings.API_PERIODS_PER_DAY = 3
    auth = token_for(officer_cr)
    answers = [
        Client().get(f"{API}/countries/cr/consultations/", {"period": "month", "on": f"2025-{m:02}-01"}, **auth)
        for m in (1, 2, 3, 3, 4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert "too many different periods" in answers[-1].json()["error"]
    day = ApiTokenDay.objects.get()
    assert (day.requests, day.periods, day.refused) == (5, 3, 1)
    settings.API_REQUESTS_PER_HOUR = 5
    assert Client().get(f"{API}/countries/cr/consultations/", **auth).status_code == 429
    day.refresh_from_db()
    assert day.refused == 2


def test_administrators_see_each_tokens_use(world, officer_cr, token_for, admin_user):
    from tests.conftest import _client_for

    admin_client = _client_for(admin_user)
    auth = token_for(officer_cr)
    for _n in range(3):
        Client().get(f"{API}/countries/cr/consultations/", {"period": "month", "on": "2025-03-01"}, **auth)
    page = admin_client.get("/admin/dashboards/apitoken/")
    assert page.status_code == 200
    row = page.content.decode()
    assert ">3<" in row  # requests today

"""Periods at the edges of the calendar: a day in year 1 or 9999 is refused with a message, never a 500
(the period before 0001-01 or after 9999 does not exist), on the pages, the exports and the API; and the API
answers what its own OpenAPI schema says."""

from __future__ import annotations

import jsonschema
import pytest
from django.test import Client
from referencing import Registry, Resource

pytestmark = pytest.mark.django_db

API = "/en/staff/dashboards/api/v1"
EDGES = [
    "on=0001-01-15",
    "on=0001-01-01",
    "on=9999-12-31",
    "period=year&on=9999-01-01",
    "period=quarter&on=0001-02-01",
    "period=custom&start=0001-01-01&end=0001-03-01",
    "period=custom&start=9999-01-01&end=9999-12-31",
]


@pytest.mark.parametrize("query", EDGES)
def test_a_dashboard_refuses_a_day_outside_the_programmes_years_with_a_message(world, officer_cr_client, query):
    response = officer_cr_client.get(f"/en/staff/dashboards/cr/?{query}")
    assert response.status_code == 200
    assert "Give a date between 2000-01-01 and" in response.content.decode()


@pytest.mark.parametrize("query", EDGES)
def test_an_export_for_such_a_period_says_why_it_cannot_be_made(world, officer_cr_client, regional_client, query):
    for client, url in [(officer_cr_client, "/en/staff/dashboards/cr/export/summary.csv"),
                        (regional_client, "/en/staff/dashboards/region/export/summary.xlsx")]:  # fmt: skip
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert "Give a date between 2000-01-01" in response.content.decode()


@pytest.mark.parametrize("query", EDGES)
def test_the_api_answers_400_for_such_a_period(world, officer_cr, regional, token_for, query):
    for user, url in [(officer_cr, f"{API}/countries/cr/consultations/"), (regional, f"{API}/region/trained/")]:
        response = Client().get(f"{url}?{query}", **token_for(user))
        assert response.status_code == 400
        assert response.json()["fields"]


def test_the_first_month_of_the_programme_still_has_a_period_before_it(world, officer_cr_client):
    response = officer_cr_client.get("/en/staff/dashboards/cr/?period=month&on=2000-01-01")
    assert response.status_code == 200 and "December 1999" in response.content.decode()


@pytest.mark.parametrize("param", ["start", "on", "end", "by", "period"])
def test_the_api_refuses_an_empty_parameter(world, officer_cr, token_for, param):
    response = Client().get(f"{API}/countries/cr/consultations/?{param}=", **token_for(officer_cr))
    assert response.status_code == 400 and param in response.json()["fields"]


def _validator(schema: dict, ref: str):
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents({**schema, "$schema": "https://json-schema.org/draft/2020-12/schema"})
    )
    return jsonschema.Draft202012Validator({"$ref": f"urn:api{ref}"}, registry=registry,
                                           format_checker=jsonschema.FormatChecker())  # fmt: skip


@pytest.mark.parametrize("code", ["consultations", "processing_median", "trained", "beneficiaries", "referrals"])
def test_every_answer_validates_against_the_published_schema(world, officer_cr, regional, token_for, code):
    schema = Client().get(f"{API}/openapi.json").json()
    figures = _validator(schema, "#/components/schemas/Figures")
    error = _validator(schema, "#/components/schemas/Error")
    for user, url in [(officer_cr, f"{API}/countries/cr/{code}/"), (regional, f"{API}/region/{code}/")]:
        for query in [
            "period=month&on=2025-03-01",
            "period=year&on=2025-06-01",
            "period=custom&start=2025-01-01&end=2025-04-30",
        ]:
            by = [
                p
                for p in schema["paths"][url.split("/v1", 1)[1].replace("/cr/", "/{country}/")]["get"]["parameters"]
                if p["name"] == "by"
            ]
            for dimension in by[0]["schema"]["enum"] if by else [""]:
                response = Client().get(
                    f"{url}?{query}&by={dimension}" if dimension else f"{url}?{query}", **token_for(user)
                )
                assert response.status_code == 200, response.content
                figures.validate(response.json())  # a count matches exactly one branch of Figure
        error.validate(Client().get(f"{url}?on=0001-01-01", **token_for(user)).json())

"""The read-only figures API: JSON, token authentication (``Authorization: Bearer <token>``), scoped like
the pages (another country's figures are a 404), rounded like everywhere else (``dashboards.published``)."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from helpers.validation import EARLIEST_DAY, latest_day
from ventanillas import access
from ventanillas.models import Country

from . import figures, indicators, periods, published, rollups, suppression, tables, usage
from .forms import GRID, PeriodForm
from .indicators import DIMENSIONS
from .models import ApiToken

PARAMETERS = ("period", "on", "start", "end", "by")
GRID_PERIODS = ["month", "quarter", "year"]
GRID_RULE = (
    "Figures are published on a grid of whole months, quarters and years; a month's series is cut in its weeks. "
    "A custom period must run from the first day of a month to the last day of a month (at most 36 months), "
    "and its figures are the sums of the published figures of the years, quarters and months it is made of "
    "(listed in disclosure_control.period_is_sum_of), with no processing time; any other period is refused "
    "with 400. Every count is rounded to a multiple of 5 by consistent random rounding: 0 stands for a true "
    "count from 0 to 9, 5 for 5 to 9, 10 for 5 to 14, any other p for p-4 to p+4. The figures of a year (the "
    "region and each country; the year, its quarters, months and weeks; totals and breakdown rows) are chosen "
    "together, so that no published sum proves that a count from 1 to 4 is not zero: rows need not add up to "
    "their total, nor months to their quarter."
)


def _error(message: str, status: int, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="figures"'
    return response


def token_required(view):
    """Authenticate the request by its bearer token; the token acts with its user's rights."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        token = ApiToken.objects.find(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _error(gettext("A valid API token is required."), 401)
        if token.is_expired:
            message = gettext("This API token has expired. Ask an administrator for a new one.")
            return _error(message, 401, reason="expired", expired_at=token.expires_at.isoformat())
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        if not usage.count_request(token):
            response = _error(gettext("This token has made too many requests this hour. Try again later."), 429)
            response["Retry-After"] = "3600"
            return response
        request.api_user = token.user
        request.api_token = token
        return view(request, *args, **kwargs)

    wrapped.token_api = True  # the OpenAPI description must list it (tests/dashboards/test_api.py)
    return wrapped


def _indicator_info(indicator) -> dict:
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "definition": str(indicator.definition),
        "kind": indicator.kind,
        "unit": indicator.unit,
        "dimensions": list(indicator.dimensions),
    }


def _period_json(period, value) -> dict:
    return {"kind": period.kind, "label": period.label, "start": period.start.isoformat(),
            "end": period.last_day.isoformat(), "value": value}  # fmt: skip


def _payload(request: HttpRequest, code: str, country: Country | None, country_list: list[Country]):
    indicator = indicators.INDICATORS.get(code)
    if indicator is None:
        raise Http404
    today = timezone.localdate(timezone=country.zoneinfo if country else None)
    empty = sorted(name for name in PARAMETERS if name in request.GET and not request.GET[name].strip())
    if empty:
        return _error(gettext("A parameter given must have a value."), 400, fields={name: [] for name in empty})
    form = PeriodForm(request.GET, today=today, dimensions=list(DIMENSIONS))
    if not form.is_valid():
        return _error(gettext("The period is not valid."), 400, fields=form.errors.get_json_data(),
                      grid=gettext(GRID))  # fmt: skip
    period = form.cleaned_data["period_obj"]
    if not usage.count_period(request.api_token, period.start, period.end):
        response = _error(gettext("This token has asked for too many different periods today. The figures of "
                                  "whole months, quarters and years are enough to rebuild any other period."),
                          429)  # fmt: skip
        response["Retry-After"] = "86400"
        return response
    previous = period.previous()
    ids = [c.pk for c in country_list]
    now = published.totals([code], ids, period.start, period.end)[code]
    before = published.totals([code], ids, previous.start, previous.end)[code]
    body = {
        "indicator": _indicator_info(indicator),
        "country": {"code": country.code, "name": country.name} if country else None,
        "period": _period_json(period, now),
        "previous": _period_json(previous, before),
        "data_as_of": (rollups.data_as_of() or timezone.now()).isoformat(),
        "disclosure_control": {
            "method": "consistent random rounding",
            "base": suppression.BASE,
            "grid": GRID_PERIODS,
            "period_is_sum_of": [
                {"start": a.isoformat(), "end": (b - timedelta(days=1)).isoformat()}
                for a, b in periods.pieces(period.start, period.end)
            ],
            "description": " ".join(tables.period_notes(period)),
            "minimum_decisions_for_processing_times": suppression.MIN_PROCESSING_SAMPLE,
        },
    }
    by = request.GET.get("by", "")
    if by:
        if by not in indicator.dimensions:
            return _error(gettext("This indicator has no such breakdown."), 400, dimensions=list(indicator.dimensions))
        found = published.grouped([code], ids, period.start, period.end, by=by)[code]
        # Values where nothing was published (0, or hidden) are left out, as on the pages.
        keys = [key for key in tables._ordered_keys(by, set(found)) if found[key]]
        body["breakdown"] = {
            "dimension": by,
            "rows": [
                {"value": key, "label": label, "figure": found[key]}
                for key, label in zip(keys, tables._value_labels(by, keys), strict=True)
            ],
            "total": now,
        }
    if indicator.kind in (indicators.COUNT, indicators.UNIQUE):
        table = tables.series(ids, period, codes=[code])
        body["series"] = [{"start": row.key, "label": row.label, "figure": row.cells[0]} for row in table.rows]
    if country is None:
        table = tables.countries(country_list, period, codes=[code])
        by_id = {str(c.pk): c for c in country_list}
        body["countries"] = [
            {"code": by_id[row.key].code, "name": by_id[row.key].name, "figure": row.cells[0]} for row in table.rows
        ]
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_safe
@token_required
def indicator_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"indicators": [_indicator_info(i) for i in indicators.INDICATORS.values()]},
                        json_dumps_params={"ensure_ascii": False})  # fmt: skip


@require_safe
@token_required
def country_list(request: HttpRequest) -> JsonResponse:
    countries = access.aggregate_countries(request.api_user).order_by("code")
    return JsonResponse(
        {"countries": [{"code": c.code, "name": c.name, "slug": c.slug} for c in countries]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@token_required
def country_indicator(request: HttpRequest, country: str, indicator: str) -> JsonResponse:
    found = access.aggregate_countries(request.api_user).filter(code=country.upper()).first()
    if found is None:
        return _error(gettext("Not found."), 404)
    with figures.memo():
        return _payload(request, indicator, found, [found])


@require_safe
@token_required
def region_indicator(request: HttpRequest, indicator: str) -> JsonResponse:
    from .views import may_see_region

    if not may_see_region(request.api_user):
        return _error(gettext("Only regional officers may read the figures of the whole region."), 403)
    with figures.memo():
        return _payload(request, indicator, None, tables.country_order(Country.objects.all()))


def _date_pattern(today) -> str:
    """A ``YYYY-MM-DD`` day within the years a period may reach (``forms.PeriodForm`` checks the same)."""
    years = "|".join(str(year) for year in range(EARLIEST_DAY.year, latest_day(today).year + 1))
    return f"^({years})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _openapi(base: str) -> dict:
    """The API as it answers: every path, parameter and response body, so that a client generated from it
    (or a tester fuzzing it) and the server agree. Rules between parameters that OpenAPI cannot express
    (a custom period needs both days, the last not before the first, at most three years) are stated in
    the descriptions and answered with 400."""
    today = timezone.localdate()
    day = {"type": "string", "format": "date", "pattern": _date_pattern(today)}
    period_params = [
        {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["month", "quarter", "year", "custom"]},
         "description": "Kind of period (default: month). A custom period needs start and end."},
        {"name": "on", "in": "query", "schema": day,
         "description": f"Any day of the month, quarter or year (default: today), from {EARLIEST_DAY.year} on."},
        {"name": "start", "in": "query", "schema": day,
         "description": "First day of a custom period: the first day of a month."},
        {"name": "end", "in": "query", "schema": day,
         "description": "Last day of a custom period: the last day of a month, not before start, at most 36 "
                        "months after it."},
    ]  # fmt: skip
    schemas = {
        # A count rounded to a multiple of 5 (consistent random rounding: a published 0 stands for a true
        # count from 0 to 9, 5 for 5 to 9, 10 for 5 to 14, any other p for p-4 to p+4), a processing time in days (a number),
        # or null for a processing time backed by fewer than ten decisions: exactly one branch fits any figure.
        "Figure": {"oneOf": [{"type": "number"}, {"type": "null"}],
                   "description": "A count rounded to a multiple of 5 (the same figure always rounds the same way; "
                                  "0 stands for a true count from 0 to 9, 5 for 5 to 9, 10 for 5 to 14, any "
                                  "other p for p-4 to p+4), a number of days, or null for a processing time backed by fewer than "
                                  "ten decisions."},
        "Period": {"type": "object", "required": ["kind", "label", "start", "end", "value"], "properties": {
            "kind": {"type": "string", "enum": ["month", "quarter", "year", "custom"]}, "label": {"type": "string"},
            "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
            "value": {"$ref": "#/components/schemas/Figure"}}},
        "Indicator": {"type": "object", "required": ["code", "name", "definition", "kind", "unit", "dimensions"],
                      "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "definition": {"type": "string"},
            "kind": {"type": "string", "enum": ["count", "unique", "processing", "derived", "ratio", "time"]},
            "unit": {"type": "string"}, "dimensions": {"type": "array", "items": {"type": "string"}}}},
        "Country": {"type": "object", "required": ["code", "name"], "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "slug": {"type": "string"}}},
        "Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "string"}, "fields": {"type": "object"}, "grid": {"type": "string"},
            "dimensions": {"type": "array", "items": {"type": "string"}}}},
        "Figures": {"type": "object", "required": ["indicator", "country", "period", "previous", "data_as_of",
                                                   "disclosure_control"], "properties": {
            "indicator": {"$ref": "#/components/schemas/Indicator"},
            "country": {"oneOf": [{"$ref": "#/components/schemas/Country"}, {"type": "null"}]},
            "period": {"$ref": "#/components/schemas/Period"},
            "previous": {"$ref": "#/components/schemas/Period"},
            "data_as_of": {"type": "string", "format": "date-time"},
            "disclosure_control": {"type": "object", "properties": {
                "method": {"type": "string"}, "base": {"type": "integer"}, "description": {"type": "string"},
                "grid": {"type": "array", "items": {"type": "string"}},
                "period_is_sum_of": {"type": "array", "items": {"type": "object", "properties": {
                    "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}}}},
                "minimum_decisions_for_processing_times": {"type": "integer"}}},
            "breakdown": {"type": "object", "required": ["dimension", "rows", "total"], "properties": {
                "dimension": {"type": "string"},
                "rows": {"type": "array", "items": {"type": "object", "required": ["value", "label", "figure"],
                         "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                                        "figure": {"$ref": "#/components/schemas/Figure"}}}},
                "total": {"$ref": "#/components/schemas/Figure"}}},
            "series": {"type": "array", "items": {"type": "object", "required": ["start", "label", "figure"],
                       "properties": {"start": {"type": "string"}, "label": {"type": "string"},
                                      "figure": {"$ref": "#/components/schemas/Figure"}}}},
            "countries": {"type": "array", "items": {"type": "object", "required": ["code", "name", "figure"],
                          "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                         "figure": {"$ref": "#/components/schemas/Figure"}}}}}},
        # Crisis mode's figures (docs/crisis.md): tables as the pages and downloads show them.
        "Cell": {"type": ["number", "string", "null"],
                 "description": "A count rounded as Figure says; an occupancy's state, people there and capacity "
                                "are as staff posted them (null when not posted)."},
        "Table": {"type": "object", "required": ["title", "columns", "rows", "total", "notes"], "properties": {
            "title": {"type": "string"},
            "columns": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "Each column's key and heading."},
            "rows": {"type": "array", "items": {"type": "object", "required": ["label", "key"], "properties": {
                "label": {"type": "string"}, "key": {"type": "string"}},
                "additionalProperties": {"$ref": "#/components/schemas/Cell"},
                "description": "The row's label and key, and one cell per column key."}},
            "total": {"oneOf": [{"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Cell"}},
                                {"type": "null"}]},
            "notes": {"type": "array", "items": {"type": "string"}}}},
        "DisclosureControl": {"type": "object", "required": ["method", "base", "description"], "properties": {
            "method": {"type": "string"}, "base": {"type": "integer"}, "description": {"type": "string"}}},
        "Emergency": {"type": "object", "required": ["emergency", "tables", "data_as_of", "disclosure_control"],
                      "properties": {
            "emergency": {"type": "object", "required": ["id", "country", "kind", "severity", "regions", "start",
                                                         "ended"], "properties": {
                "id": {"type": "integer"}, "country": {"type": "string"}, "kind": {"type": "string"},
                "severity": {"type": "string"}, "regions": {"type": "array", "items": {"type": "string"}},
                "start": {"type": "string", "format": "date"},
                "ended": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}}},
            "tables": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Table"},
                       "description": "totals, days, points, needs and occupancy."},
            "data_as_of": {"type": "string", "format": "date-time"},
            "disclosure_control": {"$ref": "#/components/schemas/DisclosureControl"}}},
        "Emergencies": {"type": "object", "required": ["country", "emergencies", "table", "data_as_of",
                                                       "disclosure_control"], "properties": {
            "country": {"oneOf": [{"$ref": "#/components/schemas/Country"}, {"type": "null"}]},
            "emergencies": {"type": "array", "items": {"type": "object", "required": ["id", "country", "kind"],
                            "properties": {"id": {"type": "integer"}, "country": {"type": "string"},
                                           "kind": {"type": "string"}}}},
            "table": {"$ref": "#/components/schemas/Table"},
            "data_as_of": {"type": "string", "format": "date-time"},
            "disclosure_control": {"$ref": "#/components/schemas/DisclosureControl"}}},
    }  # fmt: skip

    def body(name: str, description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}  # fmt: skip

    not_found = body("Error", "Unknown, or not yours.")
    # An address outside the API's patterns (a country code that is not two letters) is the site's 404 page.
    not_found["content"]["text/html"] = {"schema": {"type": "string"}}
    errors = {"401": body("Error", "Missing or invalid token."), "404": not_found,
              "429": body("Error", "Too many requests this hour, or too many distinct periods today.")}  # fmt: skip
    country_param = {"name": "country", "in": "path", "required": True,
                     "schema": {"type": "string", "pattern": "^[a-z]{2}$"}}  # fmt: skip
    paths: dict[str, dict] = {
        "/indicators/": {"get": {"summary": "The indicator registry", "responses": {
            "200": {"description": "Every indicator with its definition and breakdowns.", "content": {
                "application/json": {"schema": {"type": "object", "required": ["indicators"], "properties": {
                    "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}}}}}},
            "401": errors["401"], "429": errors["429"]}}},
        "/countries/": {"get": {"summary": "Countries whose figures the token may read", "responses": {
            "200": {"description": "Countries.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["countries"], "properties": {
                    "countries": {"type": "array", "items": {"$ref": "#/components/schemas/Country"}}}}}}},
            "401": errors["401"], "429": errors["429"]}}},
        "/emergencies/{pk}/": {"get": {
            "summary": "An emergency's figures: totals, per day, per service point, per need, occupancy",
            "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": body("Emergency", "The emergency's tables."), **errors}}},
        "/countries/{country}/emergencies/": {"get": {
            "summary": "A country's emergencies in force and those ended in the last 30 days, one row each",
            "parameters": [country_param],
            "responses": {"200": body("Emergencies", "The country's emergencies."), **errors}}},
        "/region/emergencies/": {"get": {
            "summary": "The region's emergencies in force and those ended in the last 30 days (regional officers)",
            "responses": {"200": body("Emergencies", "The region's emergencies."),
                          "403": body("Error", "Not a regional officer."), **errors}}},
    }  # fmt: skip
    for code, indicator in indicators.INDICATORS.items():
        params = list(period_params)
        if indicator.dimensions:
            params.append({"name": "by", "in": "query", "schema": {"type": "string", "enum": list(indicator.dimensions)},
                           "description": "A breakdown of the figure."})  # fmt: skip
        ok = body("Figures", "Figures.")
        bad = body("Error", "Invalid period or breakdown; a period off the grid names the grid.")
        paths[f"/countries/{{country}}/{code}/"] = {"get": {
            "summary": f"{code}: one country, for a period and the one before",
            "parameters": [country_param, *params], "responses": {"200": ok, "400": bad, **errors}}}  # fmt: skip
        paths[f"/region/{code}/"] = {"get": {
            "summary": f"{code}: the region, with each country (regional officers)",
            "parameters": params, "responses": {"200": ok, "400": bad, "403": body("Error", "Not a regional officer."),
                                                **errors}}}  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ventanillas figures API", "version": "1.1",
                 "description": "Read-only programme indicators. " + GRID_RULE + " Requests are counted per "
                                "token and limited per hour (429 past the limit)."},
        "servers": [{"url": base}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
        "paths": paths,
    }  # fmt: skip


@require_safe
def schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3 description of this API (public: it holds no figure)."""
    base = request.build_absolute_uri(reverse("dashboards:api-indicators")).rsplit("/indicators/", 1)[0]
    return JsonResponse(_openapi(base), json_dumps_params={"ensure_ascii": False})

"""The read-only figures API: JSON, token authentication (``Authorization: Bearer <token>``), scoped like
the pages (another country's figures are a 404), rounded like everywhere else (``dashboards.published``)."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from ventanillas import access
from ventanillas.models import Country

from . import figures, indicators, published, rollups, suppression, tables
from .forms import PeriodForm
from .indicators import DIMENSIONS, PROCESSING
from .models import ApiToken


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
        token = ApiToken.objects.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _error(gettext("A valid API token is required."), 401)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        request.api_user = token.user
        return view(request, *args, **kwargs)

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
    form = PeriodForm(request.GET, today=today, dimensions=list(DIMENSIONS))
    if not form.is_valid():
        return _error(gettext("The period is not valid."), 400, fields=form.errors.get_json_data())
    period = form.cleaned_data["period_obj"]
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
            "description": tables.protection_note(),
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
    if indicator.kind != PROCESSING and indicator.kind != indicators.DERIVED:
        table = tables.series(ids, period, codes=[code])
        body["series"] = [{"start": row.key, "label": row.label, "figure": row.cells[0]} for row in table.rows]
    if country is None:
        table = tables.countries(country_list, period, codes=[code])
        by_id = {str(c.pk): c for c in country_list}
        body["countries"] = [
            {"code": by_id[row.key].code, "name": by_id[row.key].name, "figure": row.cells[0]} for row in table.rows
        ]
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
@token_required
def indicator_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"indicators": [_indicator_info(i) for i in indicators.INDICATORS.values()]},
                        json_dumps_params={"ensure_ascii": False})  # fmt: skip


@require_GET
@token_required
def country_list(request: HttpRequest) -> JsonResponse:
    countries = access.aggregate_countries(request.api_user).order_by("code")
    return JsonResponse(
        {"countries": [{"code": c.code, "name": c.name, "slug": c.slug} for c in countries]},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@token_required
def country_indicator(request: HttpRequest, country: str, indicator: str) -> JsonResponse:
    found = access.aggregate_countries(request.api_user).filter(code=country.upper()).first()
    if found is None:
        return _error(gettext("Not found."), 404)
    with figures.memo():
        return _payload(request, indicator, found, [found])


@require_GET
@token_required
def region_indicator(request: HttpRequest, indicator: str) -> JsonResponse:
    from .views import may_see_region

    if not may_see_region(request.api_user):
        return _error(gettext("Only regional officers may read the figures of the whole region."), 403)
    with figures.memo():
        return _payload(request, indicator, None, tables.country_order(Country.objects.all()))


def _openapi(base: str) -> dict:
    period_params = [
        {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["month", "quarter", "year", "custom"]},
         "description": "Kind of period (default: month)."},
        {"name": "on", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Any day of the month, quarter or year (default: today)."},
        {"name": "start", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "First day of a custom period."},
        {"name": "end", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Last day of a custom period."},
        {"name": "by", "in": "query", "schema": {"type": "string", "enum": list(DIMENSIONS)},
         "description": "A breakdown dimension offered by the indicator."},
    ]  # fmt: skip
    indicator_param = {"name": "indicator", "in": "path", "required": True,
                       "schema": {"type": "string", "enum": list(indicators.INDICATORS)}}  # fmt: skip
    figure = {"oneOf": [{"type": "integer"}, {"type": "number"}, {"type": "null"}],
              "description": "A count rounded to a multiple of 5 (consistent random rounding: the same figure is "
                             "always rounded the same way; a published p stands for a true count from p-4 to p+4), "
                             "a number of days, or null for a processing time backed by fewer than ten "
                             "decisions."}  # fmt: skip
    period = {"type": "object", "properties": {"kind": {"type": "string"}, "label": {"type": "string"},
              "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
              "value": {"$ref": "#/components/schemas/Figure"}}}  # fmt: skip
    errors = {"401": {"description": "Missing or invalid token."}, "404": {"description": "Unknown, or not yours."}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Ventanillas figures API", "version": "1.0",
                 "description": "Read-only programme indicators; every count is rounded to a multiple of 5."},
        "servers": [{"url": base}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Figure": figure,
                "Period": period,
                "Indicator": {"type": "object", "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"}, "definition": {"type": "string"},
                    "kind": {"type": "string", "enum": ["count", "unique", "processing", "derived"]},
                    "unit": {"type": "string"}, "dimensions": {"type": "array", "items": {"type": "string"}}}},
                "Figures": {"type": "object", "properties": {
                    "indicator": {"$ref": "#/components/schemas/Indicator"},
                    "country": {"type": "object", "nullable": True},
                    "period": {"$ref": "#/components/schemas/Period"},
                    "previous": {"$ref": "#/components/schemas/Period"},
                    "data_as_of": {"type": "string", "format": "date-time"},
                    "breakdown": {"type": "object"}, "series": {"type": "array", "items": {"type": "object"}},
                    "countries": {"type": "array", "items": {"type": "object"}}}},
            },
        },
        "paths": {
            "/indicators/": {"get": {"summary": "The indicator registry", "responses": {
                "200": {"description": "Every indicator with its definition and breakdowns."}, **errors}}},
            "/countries/": {"get": {"summary": "Countries whose figures the token may read", "responses": {
                "200": {"description": "Countries."}, **errors}}},
            "/countries/{country}/{indicator}/": {"get": {
                "summary": "One indicator of one country, for a period and the one before",
                "parameters": [{"name": "country", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[a-z]{2}$"}}, indicator_param,
                               *period_params],
                "responses": {"200": {"description": "Figures.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Figures"}}}},
                              "400": {"description": "Invalid period or breakdown."}, **errors}}},
            "/region/{indicator}/": {"get": {
                "summary": "One indicator for the region, with each country (regional officers)",
                "parameters": [indicator_param, *period_params],
                "responses": {"200": {"description": "Figures.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Figures"}}}},
                              "400": {"description": "Invalid period or breakdown."},
                              "403": {"description": "Not a regional officer."}, **errors}}},
        },
    }  # fmt: skip


@require_GET
def schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3 description of this API (public: it holds no figure)."""
    base = request.build_absolute_uri(reverse("dashboards:api-indicators")).rsplit("/indicators/", 1)[0]
    return JsonResponse(_openapi(base), json_dumps_params={"ensure_ascii": False})

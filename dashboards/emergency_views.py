"""The figures of emergencies: one emergency's page, a country's and the region's overview, their CSV/XLSX
exports and the API's answers, for those who see the country's figures (``access.aggregate_countries``; the
region for regional officers). The same rounded figures everywhere (``dashboards.emergency``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from emergencies.models import Emergency
from ventanillas import access
from ventanillas.models import Country

from . import exports, tables
from .api import _error, token_required
from .emergency import emergency_figures, emergency_tables, regional_table, span
from .periods import CUSTOM, Period
from .suppression import BASE
from .views import may_see_region


def _emergency(user, pk: int) -> Emergency:
    rows = Emergency.objects.filter(country__in=access.aggregate_countries(user)).select_related("country")
    return get_object_or_404(rows.prefetch_related("texts"), pk=pk)


@login_required
@require_safe
def emergency_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    emergency = _emergency(request.user, pk)
    context = {"emergency": emergency, "figures": emergency_figures(emergency)}
    return render(request, "dashboards/emergency.html", context)


@login_required
@require_safe
def emergency_export(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    emergency = _emergency(request.user, pk)
    found = emergency_tables(emergency).get(table)
    if found is None or fmt not in exports.FORMATS:
        raise Http404
    found.key = f"emergency{emergency.pk}-{found.key}"
    return exports.respond(
        request, found, fmt=fmt, country=emergency.country, period=span(emergency), as_of=timezone.now()
    )


def _overview_countries(request: HttpRequest, country: str | None) -> tuple[Country | None, list[Country]]:
    """The country asked for (one whose figures the user sees, else 404), or the region (regional officers)."""
    if country is None:
        if not may_see_region(request.user):
            raise PermissionDenied
        return None, tables.country_order(Country.objects.all())
    found = get_object_or_404(access.aggregate_countries(request.user), code=country.upper())
    return found, [found]


def _window(now) -> Period:
    from .emergency import RECENT_DAYS

    today = timezone.localdate(now)
    return Period(CUSTOM, today - timedelta(days=RECENT_DAYS), today + timedelta(days=1))


@login_required
@require_safe
def emergencies_overview(request: HttpRequest, country: str | None = None) -> HttpResponse:
    country_obj, country_list = _overview_countries(request, country)
    table, emergencies = regional_table(country_list)
    context = {"table": table, "country": country_obj, "emergencies": emergencies}
    return render(request, "dashboards/emergencies.html", context)


@login_required
@require_safe
def emergencies_export(request: HttpRequest, fmt: str, country: str | None = None) -> HttpResponse:
    country_obj, country_list = _overview_countries(request, country)
    if fmt not in exports.FORMATS:
        raise Http404
    table, _emergencies = regional_table(country_list)
    now = timezone.now()
    return exports.respond(request, table, fmt=fmt, country=country_obj, period=_window(now), as_of=now)


# -- the API (token) -------------------------------------------------------------------------------------------


def _table_json(table) -> dict:
    def cells(row):
        return dict(zip(table.column_keys, row.cells, strict=True))

    return {
        "title": table.title,
        "columns": dict(zip(table.column_keys, table.columns, strict=True)),
        "rows": [{"label": row.label, "key": row.key, **cells(row)} for row in table.rows],
        "total": cells(table.total) if table.total else None,
        "notes": table.notes,
    }


def _control() -> dict:
    """The same description of the rounding as every page and download (``tables.PROTECTION_NOTE``)."""
    return {"method": "consistent random rounding", "base": BASE, "description": tables.protection_note()}


@require_safe
@token_required
def api_emergency(request: HttpRequest, pk: int) -> JsonResponse:
    emergency = Emergency.objects.filter(pk=pk, country__in=access.aggregate_countries(request.api_user)).first()
    if emergency is None:
        return _error(gettext("Not found."), 404)
    period = span(emergency)
    body = {
        "emergency": {
            "id": emergency.pk, "country": emergency.country.code, "kind": emergency.kind,
            "severity": emergency.severity, "regions": emergency.regions, "start": period.start.isoformat(),
            "ended": emergency.ended_at.isoformat() if emergency.ended_at else None,
        },
        "tables": {key: _table_json(table) for key, table in emergency_tables(emergency).items()},
        "data_as_of": timezone.now().isoformat(),
        "disclosure_control": _control(),
    }  # fmt: skip
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _api_overview(country_list, country) -> JsonResponse:
    table, emergencies = regional_table(country_list)
    body = {
        "country": {"code": country.code, "name": country.name} if country else None,
        "emergencies": [{"id": e.pk, "country": e.country.code, "kind": e.kind} for e in emergencies],
        "table": _table_json(table),
        "data_as_of": timezone.now().isoformat(),
        "disclosure_control": _control(),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_safe
@token_required
def api_country_emergencies(request: HttpRequest, country: str) -> JsonResponse:
    found = access.aggregate_countries(request.api_user).filter(code=country.upper()).first()
    if found is None:
        return _error(gettext("Not found."), 404)
    return _api_overview([found], found)


@require_safe
@token_required
def api_region_emergencies(request: HttpRequest) -> JsonResponse:
    if not may_see_region(request.api_user):
        return _error(gettext("Only regional officers may read the figures of the whole region."), 403)
    return _api_overview(tables.country_order(Country.objects.all()), None)

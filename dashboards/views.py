"""The dashboards: one per country, one for the region, and CSV/XLSX exports of any of their tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ventanillas import access
from ventanillas.models import Country, Role

from . import charts, exports, figures, indicators, rollups, tables
from .forms import PeriodForm
from .templatetags.dashboards import figure

COUNTRY_DIMENSIONS = ["sex", "age_group", "nationality", "vulnerability", "window", "pathway", "status", "service",
                      "sector"]  # fmt: skip
REGIONAL_DIMENSIONS = [d for d in COUNTRY_DIMENSIONS if d not in ("window", "pathway")]


def may_see_region(user) -> bool:
    return access.has_role(user, Role.REGIONAL_OFFICER)


def _country(request: HttpRequest, code: str) -> Country:
    """A country whose figures the user may see; any other is a 404, as if it did not exist."""
    return get_object_or_404(access.aggregate_countries(request.user), code=code.upper())


def _period_form(request: HttpRequest, today, dimensions: list[str]) -> PeriodForm:
    form = PeriodForm(request.GET or None, today=today, dimensions=dimensions)
    if not request.GET:
        form = PeriodForm({"period": "month", "on": today.isoformat()}, today=today, dimensions=dimensions)
    return form


def _context(request, *, country: Country | None, country_list: list[Country], dimensions: list[str]) -> dict:
    today = timezone.localdate(timezone=country.zoneinfo if country else None)
    form = _period_form(request, today, dimensions)
    context = {"form": form, "country": country, "data_as_of": rollups.data_as_of(), "may_see_region": may_see_region(
        request.user), "definitions": list(indicators.INDICATORS.values()),
               "zone": country.time_zone if country else timezone.get_current_timezone_name()}  # fmt: skip
    if not form.is_valid():
        return context
    period = form.cleaned_data["period_obj"]
    ids = [c.pk for c in country_list]
    summary = tables.summary(ids, period)
    series = tables.series(ids, period)
    context.update(
        period=period,
        previous=period.previous(),
        query=request.GET.urlencode() or "&".join(f"{k}={v}" for k, v in period.as_params().items()),
        headline=[row for row in summary.rows if row.key in indicators.HEADLINE],
        summary=summary,
        series=series,
        charts=charts.bar_charts(series, figure),
        breakdown=tables.breakdown(ids, period, form.cleaned_data["by"]),
        targets=tables.targets(country, period, today),
    )
    if country is None:
        context["comparison"] = tables.countries(country_list, period)
    return context


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Where the dashboards start: straight to the only country a user may see, else a choice."""
    countries = tables.country_order(access.aggregate_countries(request.user))
    if not countries:
        raise PermissionDenied
    if len(countries) == 1 and not may_see_region(request.user):
        return redirect("dashboards:country", country=countries[0].slug)
    return render(request, "dashboards/index.html", {"countries": countries, "may_see_region": may_see_region(
        request.user)})  # fmt: skip


@login_required
@require_safe
def country_dashboard(request: HttpRequest, country: str) -> HttpResponse:
    country_obj = _country(request, country)
    with figures.memo():
        context = _context(request, country=country_obj, country_list=[country_obj], dimensions=COUNTRY_DIMENSIONS)
    return render(request, "dashboards/dashboard.html", context)


@login_required
@require_safe
def regional_dashboard(request: HttpRequest) -> HttpResponse:
    if not may_see_region(request.user):
        raise PermissionDenied
    country_list = tables.country_order(Country.objects.all())
    with figures.memo():
        context = _context(request, country=None, country_list=country_list, dimensions=REGIONAL_DIMENSIONS)
    return render(request, "dashboards/dashboard.html", context)


def _export(request: HttpRequest, *, country: Country | None, country_list: list[Country], table: str, fmt: str):
    today = timezone.localdate(timezone=country.zoneinfo if country else None)
    form = PeriodForm(request.GET, today=today)
    if fmt not in exports.FORMATS:
        raise Http404
    if not form.is_valid():
        # A link with a period no table can have (a day in year 1 or 9999): say why, in words.
        errors = [str(message) for messages in form.errors.values() for message in messages]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    period = form.cleaned_data["period_obj"]
    with figures.memo():
        found = tables.by_key(table, country_list=country_list, country=country, period=period, today=today)
    if found is None:
        raise Http404
    hxl = request.GET.get("hxl") == "1"  # with an HXL hashtag row (docs/interop.md)
    return exports.respond(request, found, fmt=fmt, country=country, period=period, as_of=rollups.data_as_of(), hxl=hxl)


@login_required
@require_safe
def country_export(request: HttpRequest, country: str, table: str, fmt: str) -> HttpResponse:
    country_obj = _country(request, country)
    return _export(request, country=country_obj, country_list=[country_obj], table=table, fmt=fmt)


@login_required
@require_safe
def regional_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if not may_see_region(request.user):
        raise PermissionDenied
    return _export(
        request, country=None, country_list=tables.country_order(Country.objects.all()), table=table, fmt=fmt
    )

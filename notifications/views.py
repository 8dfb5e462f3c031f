"""Staff pages of the outbox: the stored reports, building one on demand, downloading it."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ventanillas import access

from . import services
from .forms import ReportRequestForm
from .models import Report

logger = logging.getLogger(__name__)


def _require_reader(request: HttpRequest) -> None:
    if not access.aggregate_countries(request.user).exists():
        raise PermissionDenied


def _start_build(report: Report) -> None:
    from .tasks import build_report

    try:
        build_report.delay(report.pk)
    except Exception:  # the broker is down: the beat's resume_reports starts it once the broker is back
        logger.warning("broker unreachable; report %s waits for the worker", report.pk)
        Report.objects.filter(pk=report.pk).update(error=services.WAITING_FOR_WORKER)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report, created = services.request_report(
            kind=data["kind"],
            country=data["country"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            by=request.user,
        )
        if created:
            transaction.on_commit(lambda: _start_build(report))
            messages.info(request, _("The report is being built."))
        return redirect(report)
    reports = Report.objects.visible_to(request.user).select_related("country")[:60]
    return render(request, "notifications/report_list.html", {"form": form, "reports": reports})


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    report = get_object_or_404(Report.objects.visible_to(request.user).select_related("country"), pk=pk)
    versions = Report.objects.filter(
        kind=report.kind, country=report.country_id, period_start=report.period_start
    ).order_by("-version")
    return render(
        request,
        "notifications/report_detail.html",
        {
            "report": report,
            "versions": versions,
            "refresh_seconds": 3,
            "zone": report.country.time_zone if report.country_id else "UTC",
        },
    )


@login_required
@require_POST
def report_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    """Build a new version of a report from today's figures; the older versions stay, each with its date."""
    _require_reader(request)
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    new, created = services.rebuild_report(report=report, by=request.user)
    if created:
        transaction.on_commit(lambda: _start_build(new))
        messages.info(request, _("A new version of the report is being built; the older one is kept."))
    return redirect(new)


@login_required
@require_safe
def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    _require_reader(request)
    report = get_object_or_404(
        Report.objects.visible_to(request.user), pk=pk, status__in=[Report.Status.READY, Report.Status.INCOMPLETE]
    )
    file = report.xlsx if fmt == "xlsx" else report.pdf
    if not file:
        raise Http404
    place = report.country.code.lower() if report.country_id else "region"
    suffix = f"-v{report.version}" if report.version > 1 else ""
    name = f"report-{place}-{report.period_start:%Y-%m}{suffix}.{fmt}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)

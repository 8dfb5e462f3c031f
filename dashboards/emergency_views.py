"""The figures page of one emergency, for those who see its country's figures (``access.aggregate_countries``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from emergencies.models import Emergency
from ventanillas import access

from .emergency import emergency_figures


@login_required
@require_safe
def emergency_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    rows = Emergency.objects.filter(country__in=access.aggregate_countries(request.user)).select_related("country")
    emergency = get_object_or_404(rows.prefetch_related("texts"), pk=pk)
    context = {"emergency": emergency, "figures": emergency_figures(emergency)}
    return render(request, "dashboards/emergency.html", context)

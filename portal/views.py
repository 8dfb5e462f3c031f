from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ventanillas import access
from ventanillas.selectors import public_countries

from .pagecache import public_page


@require_GET
@public_page(lambda: ["countries"])
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"countries": public_countries()})


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "portal/staff_home.html",
        {
            "memberships": access.memberships(user),
            "windows": access.visible_windows(user),
            "writable": access.staff_window_ids(user),
            "is_admin": access.is_administrator(user),
            "sees_figures": access.aggregate_countries(user).exists(),
        },
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the database answers. ``?worker=1`` also asks a Celery worker.
    Anything down answers 503 (never a 500) and names what is down, so the balancer and the person on call
    both read the same thing."""
    body: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception as exc:  # any driver error: the probe must answer
        body["database"] = f"unavailable: {type(exc).__name__}"
        return JsonResponse(body, status=503)
    if request.GET.get("worker"):
        from .tasks import ping

        nonce = uuid.uuid4().hex
        try:
            answer = ping.apply_async(args=[nonce]).get(timeout=5)
            body["worker"] = "ok" if answer["nonce"] == nonce else "wrong answer"
        except Exception as exc:
            body["worker"] = f"unavailable: {type(exc).__name__}"
            return JsonResponse(body, status=503)
    return JsonResponse(body)

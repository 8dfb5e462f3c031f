"""The benchmark's floor: what the framework costs in this project, with nothing of the portal's own.

Two pages, routed only when ``BENCH_FLOOR`` is on (``make bench`` sets it for its server; never in
production): one renders a small template, one reads one row. They run through the same middleware,
settings and server as every page, so ``bench/results`` can say what share of the framework's best each
page reaches.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.template import engines

TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><h1>{{ title }}</h1><p>{{ text }}</p></body></html>"
)


def template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TEMPLATE.render({"title": "Floor", "text": "A small template."}, request))


def one_row(request: HttpRequest) -> HttpResponse:
    name = get_user_model().objects.order_by("pk").values_list("username", flat=True).first()
    return HttpResponse(TEMPLATE.render({"title": "Floor", "text": name}, request))

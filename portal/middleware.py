"""Staff see times on their own clock; a request carrying characters no record may hold is refused first."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from privacy import audit
from ventanillas import access

# NUL and lone surrogates: PostgreSQL refuses them in text (a 500 from deep inside a view) and no reader can
# type them; nothing legitimate sends them.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unreadable(values) -> bool:
    return any(isinstance(value, str) and FORBIDDEN.search(value) for value in values)


def _json_strings(value) -> Iterator[str]:
    """Every string of a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _unreadable_json(body: bytes) -> bool:
    """A NUL byte, bytes that are not UTF-8 (a lone surrogate's among them: JSON is UTF-8), or a NUL or lone
    surrogate written as a JSON escape (``\\u0000``, ``\\ud800``) anywhere in the document. A body that is
    readable text but not JSON is left to the view, which refuses it in its own words."""
    if b"\x00" in body:
        return True
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return _unreadable(_json_strings(document))


class UnreadableInputMiddleware:
    """Answer 400 (the translated page) to a request whose path, query, form or JSON body holds a NUL or a lone
    surrogate, before any view reads it: webhooks and forms alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *request.GET.keys(), *(v for key in request.GET for v in request.GET.getlist(key))]
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type in FORM_TYPES:
                values += [*request.POST.keys(), *(v for key in request.POST for v in request.POST.getlist(key))]
            elif _is_json(request.content_type) and _unreadable_json(request.body):
                raise BadRequest("a NUL or a lone surrogate in the JSON body")
        if _unreadable(values):
            raise BadRequest("a NUL or a lone surrogate in the request")
        return self.get_response(request)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


class StaffTimeZoneMiddleware:
    """Show a signed-in user's dates and times in the zone of the country they work in.

    Times are stored in UTC, and Django renders them in the active zone: without this, a case opened at
    19:00 in San José reads as the next day on its own window's screens. The zone is that of the user's
    first window, else of their first country; people without one (regional officers, administrators)
    keep UTC, which every page that shows them says. Public pages name their country's zone themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = access.home_time_zone(request.user) if request.user.is_authenticated else None
        if not zone:
            return self.get_response(request)
        # override() restores whatever zone was active before, so nothing leaks into the thread's next request.
        with timezone.override(zone):
            return self.get_response(request)


# The apps whose URLs with a record's id lead to personal data.
RECORD_NAMESPACES = frozenset({"cases", "training", "notifications"})
RECORD_KWARGS = ("pk", "person", "case", "process", "appointment", "member")


class RefusedAccessAuditMiddleware:
    """Every refused access to a record (403, or the 404 that hides another country's record) leaves an
    audit row: who, which page, which record id, which status. The answer itself is left as it was."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            match = getattr(request, "resolver_match", None)
            if match is not None and RECORD_NAMESPACES & set(match.namespaces):
                record = next((str(match.kwargs[k]) for k in RECORD_KWARGS if k in match.kwargs), "")
                if record:
                    audit.record(
                        user=getattr(request, "user", None),
                        action=audit.REFUSED,
                        object_type=match.view_name,
                        object_id=record,
                        details={"status": response.status_code, "method": request.method},
                    )
        return response

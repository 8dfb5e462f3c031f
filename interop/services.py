"""Sending a period's figures to the configured DHIS2 server: a dry run first (DHIS2's ``dryRun=true``), the
import only when the dry run came back clean, and DHIS2's import summary of each kept (``Dhis2Import``).

The server and its personal access token come from the environment (``DHIS2_URL``, ``DHIS2_TOKEN``); the
token is sent in the ``Authorization`` header and never stored or logged. Each sending is audited like an
export of figures. See docs/interop.md.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

from django.conf import settings

from dashboards.periods import MONTH, QUARTER, YEAR, add_months, containing

from . import dhis2
from .models import Dhis2Import

logger = logging.getLogger(__name__)


class NotConfigured(Exception):
    """DHIS2_URL or DHIS2_TOKEN is not set: nothing can be sent."""


JSON, ADX = "json", "adx"
FORMATS = (JSON, ADX)
# What DHIS2's /api/dataValueSets is told the body is; ADX's identifiers are DHIS2 UIDs (DHIS2 reads codes
# in ADX unless told otherwise), as in the JSON body.
CONTENT_TYPES = {JSON: "application/json", ADX: "application/adx+xml"}
QUERY = {JSON: {}, ADX: {"idScheme": "UID"}}


def configured() -> bool:
    return bool(settings.DHIS2_URL and settings.DHIS2_TOKEN)


def payload(code: str, fmt: str) -> tuple[bytes, int]:
    """The period's published figures as the body DHIS2 takes in ``fmt``, and the number of values."""
    period = dhis2.parse_period(code)
    found = dhis2.values(period)
    if fmt == ADX:
        return dhis2.adx(period, found), len(found)
    return json.dumps(dhis2.data_value_set(period, found)).encode(), len(found)


def _post(body: bytes, *, fmt: str, dry_run: bool) -> tuple[int, dict | None, str]:
    """POST the data value set; (HTTP status, JSON answer or None, text when there is no JSON answer)."""
    query = urllib.parse.urlencode(
        {"dryRun": "true" if dry_run else "false", "importStrategy": "CREATE_AND_UPDATE", **QUERY[fmt]}
    )
    url = f"{settings.DHIS2_URL.rstrip('/')}/api/dataValueSets?{query}"
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        return 0, None, "DHIS2_URL is not an http(s) address"
    request = urllib.request.Request(  # noqa: S310 - the address comes from settings, not from users
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"ApiToken {settings.DHIS2_TOKEN}",
            "Content-Type": CONTENT_TYPES[fmt],
            "Accept": "application/json",  # DHIS2 answers an ADX import with the same JSON import summary
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.DHIS2_TIMEOUT) as response:  # noqa: S310  # nosec B310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:  # 409 carries the import summary of values refused
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return 0, None, f"no answer: {exc.__class__.__name__}"
    try:
        return status, json.loads(raw), ""
    except ValueError:
        return status, None, f"HTTP {status}: the answer is not JSON"


def import_summary(answer: dict) -> dict:
    """The ImportSummary in DHIS2's answer: inside a web message (``response``) since 2.38, bare before."""
    inner = answer.get("response")
    if isinstance(inner, dict) and inner.get("responseType") == "ImportSummary":
        return inner
    return answer


def _record(
    *, period: str, fmt: str, dry_run: bool, sent: int, status: int, answer: dict | None, text: str, user
) -> Dhis2Import:
    if answer is None:
        return Dhis2Import.objects.create(period=period, payload_format=fmt, dry_run=dry_run, values_sent=sent,
                                          started_by=user, status=Dhis2Import.Status.UNREACHABLE,
                                          description=text)  # fmt: skip
    summary = import_summary(answer)
    counts = summary.get("importCount") or {}
    known = {choice.value for choice in Dhis2Import.Status}
    state = str(summary.get("status", "")).upper()
    if state not in known or state == Dhis2Import.Status.UNREACHABLE:
        state = Dhis2Import.Status.ERROR
    description = summary.get("description") or answer.get("message") or ""
    if status >= 400 and state == Dhis2Import.Status.SUCCESS:
        state = Dhis2Import.Status.ERROR  # a refusal (401, 403, 500) never reads as success
    if status >= 400 and not description:
        description = f"HTTP {status}"
    return Dhis2Import.objects.create(
        period=period,
        payload_format=fmt,
        dry_run=dry_run,
        values_sent=sent,
        status=state,
        imported=int(counts.get("imported") or 0),
        updated=int(counts.get("updated") or 0),
        ignored=int(counts.get("ignored") or 0),
        deleted=int(counts.get("deleted") or 0),
        description=str(description)[:2000],
        conflicts=list(summary.get("conflicts") or []),
        summary=answer,
        started_by=user,
    )


def audit(user, period: str, sent: int, dry_run: bool, fmt: str = JSON) -> None:
    """Figures leaving: audited like an export of the dashboards (the period and how many values)."""
    from cases.models import AuditEntry
    from cases.services import record_audit

    record_audit(
        user=user,
        action=AuditEntry.Action.EXPORT,
        object_type="interop.dhis2",
        object_id=period,
        details={"period": period, "values": sent, "dry_run": dry_run, **({"format": fmt} if fmt != JSON else {})},
    )


def push(code: str, *, user=None, dry_run_only: bool = False, fmt: str | None = None) -> list[Dhis2Import]:
    """Send the period's figures, as a JSON data value set or ADX (``fmt``, by default ``DHIS2_FORMAT``): a
    dry run, then (unless ``dry_run_only``) the import if the dry run was a clean success. Returns the
    summaries kept, the dry run first. NotConfigured without a server (or, for ADX, without the data set);
    ValueError for a period DHIS2 does not name."""
    fmt = fmt or settings.DHIS2_FORMAT
    if not configured():
        raise NotConfigured("set DHIS2_URL and DHIS2_TOKEN")
    if fmt not in FORMATS:
        raise NotConfigured(f"DHIS2_FORMAT is {fmt!r}: json or adx")
    if fmt == ADX and not settings.DHIS2_DATA_SET:
        raise NotConfigured("ADX names the data set: set DHIS2_DATA_SET")
    code = dhis2.period_code(dhis2.parse_period(code))
    body, sent = payload(code, fmt)
    kept = []
    for dry_run in (True, False):
        audit(user, code, sent, dry_run, fmt)
        status, answer, text = _post(body, fmt=fmt, dry_run=dry_run)
        summary = _record(
            period=code, fmt=fmt, dry_run=dry_run, sent=sent, status=status, answer=answer, text=text, user=user
        )
        logger.info(
            "dhis2 %s %s (%s): %s, %s values", "dry run" if dry_run else "import", code, fmt, summary.status, sent
        )
        kept.append(summary)
        clean = summary.status == Dhis2Import.Status.SUCCESS and not summary.conflicts
        if dry_run_only or not clean:
            break
    return kept


def due_periods(today: date) -> list[str]:
    """The periods the schedule sends on ``today``: the month just ended, and the quarter and the year
    when they have just ended too."""
    this_month = containing(MONTH, today).start
    due = [dhis2.period_code(containing(MONTH, add_months(this_month, -1)))]
    if today.month in (1, 4, 7, 10):
        due.append(dhis2.period_code(containing(QUARTER, add_months(this_month, -3))))
    if today.month == 1:
        due.append(dhis2.period_code(containing(YEAR, date(today.year - 1, 1, 1))))
    return due

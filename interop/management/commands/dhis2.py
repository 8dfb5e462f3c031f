"""manage.py dhis2 PERIOD: the period's published figures as a DHIS2 data value set (JSON) or ADX, or pushed to
the configured DHIS2 server (a dry run first)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ... import dhis2, services


class Command(BaseCommand):
    help = (
        "Print a period's published figures as a DHIS2 data value set (--format json or adx; by default "
        "DHIS2_FORMAT, json unless set), or --push them to DHIS2_URL in that format: a dry run first, then the "
        "import if the dry run is clean (--dry-run stops after it). PERIOD is 202603 (a month), 2026Q1 (a "
        "quarter) or 2026 (a year)."
    )

    def add_arguments(self, parser):
        parser.add_argument("period")
        parser.add_argument("--format", choices=services.FORMATS, default=None)
        parser.add_argument("--push", action="store_true", help="Send to the DHIS2 server.")
        parser.add_argument("--dry-run", action="store_true", help="With --push: only DHIS2's dry run.")

    def handle(self, *args, period, format, push, dry_run, **options):
        try:
            found = dhis2.parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        format = format or settings.DHIS2_FORMAT
        if push:
            return self._push(period, dry_run, format)
        values = dhis2.values(found)
        services.audit(None, dhis2.period_code(found), len(values), dry_run=False)
        if format == "adx":
            try:
                self.stdout.write(dhis2.adx(found, values).decode())
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            self.stdout.write(json.dumps(dhis2.data_value_set(found, values), indent=2))

    def _push(self, period: str, dry_run: bool, fmt: str) -> None:
        try:
            kept = services.push(period, dry_run_only=dry_run, fmt=fmt)
        except services.NotConfigured as exc:
            raise CommandError(f"DHIS2 is not configured: {exc}.") from exc
        for summary in kept:
            kind = ("dry run" if summary.dry_run else "import") + f" ({summary.payload_format})"
            self.stdout.write(
                f"{summary.period} {kind}: {summary.status}, {summary.values_sent} values sent, "
                f"{summary.imported} imported, {summary.updated} updated, {summary.ignored} ignored, "
                f"{len(summary.conflicts)} conflicts"
            )
            for conflict in summary.conflicts:
                self.stdout.write(f"  {conflict.get('object', '')}: {conflict.get('value', '')}")
        if kept[-1].dry_run and not dry_run:
            raise CommandError("The dry run was not clean: nothing was imported (see the conflicts above).")

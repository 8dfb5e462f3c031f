from __future__ import annotations

from django.core.management.base import BaseCommand

from ventanillas.models import Country

from ... import rollups


class Command(BaseCommand):
    help = "Recompute the dashboards' roll-up tables from the records (all countries, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("countries", nargs="*", help="Country codes (default: all).")

    def handle(self, *args, countries, **options):
        if countries:
            found = list(Country.objects.filter(code__in=[c.upper() for c in countries]))
            written = rollups.rebuild(found)
        else:
            written = rollups.rebuild()
        self.stdout.write(f"{written} roll-up rows written.")

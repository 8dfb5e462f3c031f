"""Attack the published figures of any database as a country officer and as the regional officer
(``bench.attack``, docs/disclosure-control.md), and say what could be worked out:

    python manage.py attack_figures --country CR --year 2025
    python manage.py attack_figures --country CR --year 2025 --months 1,5,9 --others PA,GT --runs none

Everything the attack creates (its two users, their second factor and API tokens, the tokens' counts) is
rolled back at the end: the database is left as it was. Fails (exit status 1) on any disclosure found.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import setup_test_environment, teardown_test_environment

from bench import attack
from dashboards import indicators
from ventanillas.models import Country, Membership, Role


class Command(BaseCommand):
    help = "Attack the published figures with a linear program, as a country officer and the regional officer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--country", required=True, help="the country officer's country (code, e.g. CR)")
        parser.add_argument("--year", type=int, default=date.today().year - 1, help="the year attacked")
        parser.add_argument("--persona", choices=["both", "country", "regional"], default="both")
        parser.add_argument("--months", default="", help="months read, e.g. 1,5,9 (default: all twelve)")
        parser.add_argument(
            "--others", default="", help="countries the regional officer reads page by page (default: all)"
        )
        parser.add_argument("--runs", choices=["sampled", "full", "none"], default="sampled",
                            help="custom periods swept: a sample of runs of months, every one, or none")  # fmt: skip
        parser.add_argument("--indicators", default="", help="indicators solved for (default: every count)")

    def handle(self, *args, **options) -> None:
        try:
            country = Country.objects.get(code=options["country"].upper())
        except Country.DoesNotExist as missing:
            raise CommandError(f"no country {options['country']}") from missing
        months = [int(m) for m in options["months"].split(",") if m.strip()]
        others = None
        if options["others"]:
            others = list(Country.objects.filter(code__in=[c.strip().upper() for c in options["others"].split(",")]))
        codes = [c.strip() for c in options["indicators"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in indicators.INDICATORS]
        if unknown:
            raise CommandError(f"no indicator {', '.join(unknown)}")

        def say(text: str) -> None:
            self.stderr.write(text)

        # As in a test run: pages give the attacker their context, mail stays in memory, "testserver" is a host.
        setup_test_environment()
        try:
            found = self._attack(country, options, months, others, codes, say)
        finally:
            teardown_test_environment()
        self._report(found)

    def _attack(self, country, options, months, others, codes, say) -> attack.Outcome:
        with transaction.atomic():
            users = get_user_model().objects
            officer = regional = None
            if options["persona"] in ("both", "country"):
                officer = users.create(username=f"attack-officer-{country.code.lower()}", is_active=True)
                Membership.objects.create(user=officer, role=Role.COUNTRY_OFFICER, country=country)
            if options["persona"] in ("both", "regional"):
                regional = users.create(username="attack-regional", is_active=True)
                Membership.objects.create(user=regional, role=Role.REGIONAL_OFFICER)
            found = attack.attack(country, options["year"], officer=officer, regional=regional, others=others,
                                  months=months or None, runs=options["runs"], codes=codes or None, log=say)  # fmt: skip
            transaction.set_rollback(True)
        return found

    def _report(self, found: attack.Outcome) -> None:
        self.stdout.write(found.summary())
        for title, rows in (
            ("pinned down exactly", found.pinned),
            ("narrowed below three values", found.exposed),
            ("proved to be at least 1", found.existence),
            ("outside the solver's range (the attacker's model is wrong)", found.wrong),
            ("read differently in two places", found.conflicts),
        ):
            if rows:
                self.stdout.write(f"{title}: {len(rows)}")
                for row in rows[:50]:
                    self.stdout.write(f"  {row}")
        if found.exposed or found.existence or found.conflicts or found.wrong:
            raise CommandError("the figures give small counts away (above)")

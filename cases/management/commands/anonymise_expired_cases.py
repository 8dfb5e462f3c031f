from django.core.management.base import BaseCommand

from cases.services import anonymise_expired_cases


class Command(BaseCommand):
    help = "Anonymise closed cases older than their country's retention period, keeping only statistics."

    def handle(self, *args, **options) -> None:
        cases, people = anonymise_expired_cases()
        self.stdout.write(f"Anonymised {cases} case(s) and {people} person(s).")

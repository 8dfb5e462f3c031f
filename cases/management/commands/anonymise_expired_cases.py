from django.core.management.base import BaseCommand

from cases.services import run_retention


class Command(BaseCommand):
    help = (
        "The retention run: closed cases and people (with or without a case) past their country's period, "
        "outbox messages past theirs, old search hashes in the audit log. Prints what it anonymised."
    )

    def handle(self, *args, **options) -> None:
        report = run_retention()
        for name, count in report.items():
            self.stdout.write(f"{name}: {count}")

"""Re-encrypt every encrypted field with the first of FIELD_ENCRYPTION_KEYS and recompute every keyed hash
with the first of SEARCH_HASH_KEYS. Run it after putting a new key first; remove the old key afterwards.

Works in batches (one transaction each) and skips what is already done, so an interrupted run is simply
started again. Prints a progress bar per model.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from privacy import rotation


class Command(BaseCommand):
    help = "Re-encrypt personal data with the current field key and recompute keyed hashes (resumable)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--no-progress", action="store_true", help="Print one line per model only.")

    def handle(self, *args, batch_size: int, no_progress: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total_changed = 0
        for step in rotation.passes():
            total = step.model._base_manager.count()
            done = changed = 0
            for pks in rotation.batches(step, batch_size):
                changed += rotation.rotate_batch(step, pks)
                done += len(pks)
                if not no_progress:
                    self._bar(step.label, min(done, total), total)
            if not no_progress and total:
                self.stdout.write("")
            self.stdout.write(f"{step.label}: {changed} of {total} rows rewritten")
            total_changed += changed
        self.stdout.write(self.style.SUCCESS(f"done: {total_changed} rows rewritten"))

    def _bar(self, label: str, done: int, total: int, width: int = 30) -> None:
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        self.stdout.write(
            f"\r{label:<32} [{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}", ending=""
        )
        self.stdout.flush()

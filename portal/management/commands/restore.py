"""Restore an encrypted backup (portal.backup) into the configured database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore <stamp>.db.enc (and the <stamp>.media.enc beside it) into the configured database, which must "
        "be empty unless --force. Needs BACKUP_KEY; the restored personal data reads with the field keys."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The database file of the backup (<stamp>.db.enc).")
        parser.add_argument("--force", action="store_true", help="Replace the content of a non-empty database.")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, **options) -> None:
        db_file = Path(options["file"])
        if not db_file.name.endswith(".db.enc") or not db_file.is_file():
            raise CommandError(f"{db_file}: expected an existing <stamp>.db.enc file")
        media_file = db_file.with_name(db_file.name.removesuffix(".db.enc") + ".media.enc")
        if options["no_media"]:
            media_file = None
        elif not media_file.is_file():
            raise CommandError(f"{media_file} is missing (or use --no-media)")
        try:
            restore(db_file, media_file, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"restored {db_file.name}" + (" and its media" if media_file else "")))

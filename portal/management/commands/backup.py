"""Write an encrypted backup of the database and the uploaded files into BACKUP_DIR (portal.backup)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and MEDIA_ROOT, encrypted with BACKUP_KEY; keep the newest BACKUP_KEEP."

    def handle(self, *args, **options) -> None:
        try:
            db_file, media_file = backup()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"database: {db_file}\nmedia: {media_file}")

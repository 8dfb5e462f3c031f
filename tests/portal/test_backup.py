from __future__ import annotations

import io
import tarfile

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import backup


@pytest.fixture
def backup_key(settings, tmp_path):
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_KEY


def encrypted(data: bytes) -> bytes:
    out = io.BytesIO()
    writer = backup.EncryptingWriter(out)
    for start in range(0, len(data), 100_000):
        writer.write(data[start : start + 100_000])
    writer.close()
    return out.getvalue()


def test_a_backup_stream_reads_back_only_with_its_key(backup_key, settings, monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 1000)
    data = b"Nombre: Ana Perez, documento 12345\n" * 200
    stored = encrypted(data)
    assert b"Ana Perez" not in stored
    assert b"".join(backup.decrypted_chunks(io.BytesIO(stored))) == data

    settings.BACKUP_KEY = Fernet.generate_key().decode()
    with pytest.raises(backup.BackupError, match="does not open"):
        list(backup.decrypted_chunks(io.BytesIO(stored)))


def test_a_cut_or_changed_backup_is_refused(backup_key, monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 1000)
    stored = encrypted(b"x" * 5000)
    with pytest.raises(backup.BackupError, match="incomplete"):
        list(backup.decrypted_chunks(io.BytesIO(stored[: len(stored) // 2 + 300])))
    changed = bytearray(stored)
    changed[-10] ^= 1
    with pytest.raises(backup.BackupError):
        list(backup.decrypted_chunks(io.BytesIO(bytes(changed))))
    with pytest.raises(backup.BackupError, match="not a backup"):
        list(backup.decrypted_chunks(io.BytesIO(b"PGDMP" + stored)))


def test_the_media_archive_streams_through_the_encryption(backup_key, tmp_path):
    (tmp_path / "media" / "reports").mkdir(parents=True)
    (tmp_path / "media" / "reports" / "cr.pdf").write_bytes(b"%PDF report")
    out = io.BytesIO()
    writer = backup.EncryptingWriter(out)
    with tarfile.open(fileobj=writer, mode="w|gz") as archive:
        archive.add(tmp_path / "media", arcname=".")
    writer.close()
    out.seek(0)
    with tarfile.open(fileobj=backup.DecryptingReader(out), mode="r|gz") as archive:
        archive.extractall(tmp_path / "restored", filter="data")
    assert (tmp_path / "restored" / "reports" / "cr.pdf").read_bytes() == b"%PDF report"


def test_only_the_newest_backups_are_kept(backup_key, settings):
    settings.BACKUP_DIR.mkdir()
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (settings.BACKUP_DIR / f"{stamp}.db.enc").write_bytes(b"")
        (settings.BACKUP_DIR / f"{stamp}.media.enc").write_bytes(b"")
    settings.BACKUP_KEEP = 2

    deleted = backup.prune()

    assert sorted(p.name for p in deleted) == ["20260101T000000Z.db.enc", "20260101T000000Z.media.enc"]
    assert [stamp for stamp, _db, _media in backup.backup_files()] == ["20260103T000000Z", "20260102T000000Z"]


def test_no_backup_without_a_backup_key(settings):
    settings.BACKUP_KEY = ""
    with pytest.raises(Exception, match="BACKUP_KEY must be set"):
        backup.EncryptingWriter(io.BytesIO())


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(backup_key, tmp_path):
    db_file = tmp_path / "20260101T000000Z.db.enc"
    db_file.write_bytes(encrypted(b"dump"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(db_file), "--no-media")


def test_the_beat_backs_up_every_night_once_a_backup_key_is_set():
    from tests.portal.test_deploy import production_env

    script = (
        "from django.conf import settings; print(settings.CELERY_BEAT_SCHEDULE.get('portal-backup', {}).get('task'))"
    )
    with_key = production_env(BACKUP_KEY=Fernet.generate_key().decode())
    without_key = production_env(BACKUP_KEY="")
    assert manage_shell(script, with_key) == "portal.backup"
    assert manage_shell(script, without_key) == "None"


def manage_shell(script: str, env: dict[str, str]) -> str:
    from tests.portal.test_deploy import manage

    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]

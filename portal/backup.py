"""Encrypted backups of the database and the uploaded files, and their restore (manage.py backup / restore).

A backup is two files in BACKUP_DIR sharing a time stamp: `<stamp>.db.enc` (pg_dump's custom format) and
`<stamp>.media.enc` (a gzipped tar of MEDIA_ROOT). Each is a stream of chunks encrypted with BACKUP_KEY
(Fernet), a key kept apart from the field keys: restoring personal data needs both. The newest BACKUP_KEEP
backups are kept. PostgreSQL only. See README, "Backups".
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

MAGIC = b"VENTANILLAS-BACKUP-1\n"
CHUNK = 1024 * 1024
_HEADER = struct.Struct(">QB")  # chunk number, last chunk
_LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """A backup that cannot be written or read."""


def _fernet() -> Fernet:
    if not settings.BACKUP_KEY:
        raise ImproperlyConfigured("BACKUP_KEY must be set to write or read a backup (.env.example).")
    try:
        return Fernet(settings.BACKUP_KEY)
    except ValueError as exc:
        raise ImproperlyConfigured("BACKUP_KEY must be a Fernet key (44 characters).") from exc


class EncryptingWriter:
    """A write-only file object: what is written goes to `out` in encrypted, numbered chunks."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.fernet, self.buffer, self.number = out, _fernet(), bytearray(), 0
        out.write(MAGIC)

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, data: bytes, *, last: bool) -> None:
        token = self.fernet.encrypt(_HEADER.pack(self.number, last) + data)
        self.out.write(_LENGTH.pack(len(token)) + token)
        self.number += 1

    def close(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


def decrypted_chunks(source: BinaryIO) -> Iterator[bytes]:
    """The plain content of an encrypted stream; fails on a wrong key, a changed, reordered or cut file."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a backup file of this portal")
    fernet, expected = _fernet(), 0
    while True:
        length = source.read(_LENGTH.size)
        if len(length) < _LENGTH.size:
            raise BackupError("the backup file is incomplete")
        size = _LENGTH.unpack(length)[0]
        token = source.read(size)
        if len(token) < size:
            raise BackupError("the backup file is incomplete")
        try:
            plain = fernet.decrypt(token)
        except InvalidToken:
            raise BackupError("BACKUP_KEY does not open this backup, or the file was changed") from None
        number, last = _HEADER.unpack(plain[: _HEADER.size])
        if number != expected:
            raise BackupError("the backup file's chunks are out of order")
        yield plain[_HEADER.size :]
        if last:
            return
        expected += 1


class DecryptingReader:
    """A read-only file object over an encrypted stream (for tarfile)."""

    def __init__(self, source: BinaryIO) -> None:
        self.chunks, self.buffer = decrypted_chunks(source), b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        if size < 0:
            size = len(self.buffer)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client programs)")
    return path


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database: the password never appears on a command line."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups need PostgreSQL (DATABASE_URL=postgres://...)")
    values = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER")}
    values.update(PGPASSWORD=db.get("PASSWORD"), PGDATABASE=db["NAME"])
    return {**os.environ, **{k: str(v) for k, v in values.items() if v}}


def backup_files(directory: Path | None = None) -> list[tuple[str, Path, Path | None]]:
    """(stamp, database file, media file) of the backups in the directory, newest first."""
    directory = Path(directory or settings.BACKUP_DIR)
    found = []
    for db_file in directory.glob("*.db.enc"):
        stamp = db_file.name.removesuffix(".db.enc")
        media = directory / f"{stamp}.media.enc"
        found.append((stamp, db_file, media if media.exists() else None))
    return sorted(found, reverse=True)


def backup() -> tuple[Path, Path]:
    """Write an encrypted backup of the database and the media, then apply the retention; return the files."""
    _fernet()
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    db_file, media_file = directory / f"{stamp}.db.enc", directory / f"{stamp}.media.enc"

    partial = db_file.with_suffix(".part")
    partial.touch(mode=0o600)  # readable by the portal's user only
    with partial.open("wb") as out:
        writer = EncryptingWriter(out)
        dump = subprocess.Popen(  # noqa: S603 (fixed arguments; the connection comes from libpq's variables)
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_pg_env(),
        )
        while data := dump.stdout.read(CHUNK):  # type: ignore[union-attr]
            writer.write(data)
        writer.close()
        if dump.wait() != 0:
            partial.unlink()
            raise BackupError(f"pg_dump failed: {dump.stderr.read().decode(errors='replace').strip()}")
    partial.rename(db_file)

    partial = media_file.with_suffix(".part")
    partial.touch(mode=0o600)
    with partial.open("wb") as out:
        writer = EncryptingWriter(out)
        with tarfile.open(fileobj=writer, mode="w|gz") as archive:
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                archive.add(media_root, arcname=".")
        writer.close()
    partial.rename(media_file)

    prune()
    return db_file, media_file


def prune(keep: int | None = None) -> list[Path]:
    """Delete all but the newest `keep` (BACKUP_KEEP) backups; return the deleted files."""
    keep = settings.BACKUP_KEEP if keep is None else keep
    deleted = []
    for _stamp, db_file, media_file in backup_files()[max(keep, 1) :]:
        for path in (db_file, media_file):
            if path is not None:
                path.unlink()
                deleted.append(path)
    return deleted


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(db_file: Path, media_file: Path | None, *, force: bool = False) -> None:
    """Restore a backup into the configured database (and MEDIA_ROOT); refuse a database with tables unless
    forced, in which case its objects are replaced."""
    if not force and not database_is_empty():
        raise BackupError("the database is not empty: restore into a new database, or use --force to replace it")
    connection.close()
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--dbname",
        _pg_env()["PGDATABASE"],
    ]
    if force:
        command += ["--clean", "--if-exists"]
    with db_file.open("rb") as source:
        restoring = subprocess.Popen(  # noqa: S603 (fixed arguments)
            command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env()
        )
        try:
            for chunk in decrypted_chunks(source):
                restoring.stdin.write(chunk)  # type: ignore[union-attr]
        except BrokenPipeError:
            pass  # pg_restore stopped: its own message says why (below)
        finally:
            restoring.stdin.close()  # type: ignore[union-attr]
        if restoring.wait() != 0:
            raise BackupError(f"pg_restore failed: {restoring.stderr.read().decode(errors='replace').strip()}")
    if media_file is not None:
        media_root = Path(settings.MEDIA_ROOT)
        if force and media_root.is_dir():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        with media_file.open("rb") as source, tarfile.open(fileobj=DecryptingReader(source), mode="r|gz") as archive:
            archive.extractall(media_root, filter="data")

"""Backup and restore of a site: the database and the data directory in one checksummed archive.

The archive is a gzip-compressed tar file::

    manifest.json          format, time, jingjin version, database engine and dump format, and the
                           size and SHA-256 of every other member
    database/<dump>        the database (see below)
    files/<path>           the data directory: uploads (media/), job results, the secret key …

The database is taken consistently while the site runs:

- SQLite: SQLite's online backup API copies the database page by page inside one read
  transaction (``database/db.sqlite3``); restore copies it back the same way.
- PostgreSQL: ``pg_dump --format=custom`` (one snapshot; ``database/db.pgdump``), restored with
  ``pg_restore --clean --if-exists --single-transaction``; without ``pg_dump`` on the PATH, or with
  ``--database-format json``, Django's ``dumpdata`` inside one REPEATABLE READ transaction
  (``database/db.json``), restored with ``flush`` + ``loaddata`` in one transaction.

Restore reads and verifies the whole archive (manifest, every checksum and size) before it changes
anything; a corrupt or foreign archive is refused with a message and nothing is written.
Not in the archive: the SQLite database file itself (it is in ``database/``), the job queue file
``jobs.sqlite3`` (queued jobs only; job records are in the database), collected static files, the
compiled engine kernels (``numba-cache``, rebuilt on first use).
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "jingjin-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20
# in the data directory, never copied: the live SQLite files (the database goes in database/), the
# job queue, collected static files, temporary files of a backup being written
EXCLUDED_NAMES = {"jobs.sqlite3", "jobs.sqlite3-wal", "jobs.sqlite3-shm", "jobs.sqlite3-journal"}
EXCLUDED_DIRS = {"static", "numba-cache"}  # numba-cache: compiled kernels, rebuilt on first use


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why (nothing was changed)."""


@dataclass
class Summary:
    path: Path
    database_format: str
    files: int
    size: int
    members: dict[str, dict[str, Any]] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _connection() -> Any:
    from django.db import connection

    return connection


def _database_files(data_dir: Path) -> set[Path]:
    """The live SQLite files in the data directory (left out of files/)."""
    connection = _connection()
    if connection.vendor != "sqlite":
        return set()
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return set()
    base = Path(name).resolve()
    return {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _data_files(data_dir: Path, skip: set[Path]) -> Iterator[tuple[Path, str]]:
    """The files of the data directory to keep, with their archive names (POSIX, relative)."""
    if not data_dir.is_dir():
        return
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        if here == data_dir:
            dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if name in EXCLUDED_NAMES or path.resolve() in skip or name.startswith(".jingjin-backup-"):
                continue
            if path.is_symlink() or not path.is_file():
                continue
            yield path, path.relative_to(data_dir).as_posix()


# ---- the database ----------------------------------------------------------------------------------


def _pg_environment(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, env


def _dump_database(directory: Path, database_format: str) -> tuple[Path, str]:
    connection = _connection()
    vendor = connection.vendor
    if vendor == "sqlite" and database_format in {"auto", "native"}:
        target = directory / "db.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target, "sqlite"
    if vendor == "postgresql" and database_format in {"auto", "native"} and shutil.which("pg_dump"):
        target = directory / "db.pgdump"
        arguments, env = _pg_environment(connection.settings_dict)
        result = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *arguments,
                "--file",
                str(target),
                str(connection.settings_dict["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return target, "pg_dump"
        if database_format == "native":
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
    if database_format == "native":
        raise BackupError(f"no native dump for the {vendor} database here (pg_dump missing?)")
    return _dump_json(directory), "json"


def _dump_json(directory: Path) -> Path:
    from django.core.management import call_command
    from django.db import transaction

    target = directory / "db.json"
    connection = _connection()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one snapshot for every table
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with target.open("w", encoding="utf-8") as handle:
            call_command(
                "dumpdata",
                "--all",
                "--exclude=sessions",
                "--exclude=axes",
                "--indent=0",
                stdout=handle,
                verbosity=0,
            )
    return target


def _restore_database(path: Path, database_format: str) -> None:
    connection = _connection()
    vendor = connection.vendor
    if database_format == "sqlite":
        if vendor != "sqlite":
            raise BackupError(f"the archive holds a SQLite database; this site's database is {vendor}")
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    if database_format == "pg_dump":
        if vendor != "postgresql":
            raise BackupError(f"the archive holds a PostgreSQL dump; this site's database is {vendor}")
        if not shutil.which("pg_restore"):
            raise BackupError("pg_restore is needed to restore this archive (apt install postgresql-client)")
        arguments, env = _pg_environment(connection.settings_dict)
        connection.close()
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *arguments,
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (nothing restored): {result.stderr.strip()[-2000:]}")
        return
    if database_format == "json":
        _restore_json(path)
        return
    raise BackupError(f"unknown database format {database_format!r} in the manifest")


def _restore_json(path: Path) -> None:
    from django.core.management import call_command
    from django.db import transaction

    with transaction.atomic():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        call_command("loaddata", str(path), verbosity=0)


# ---- the archive -------------------------------------------------------------------------------------


def backup(out: Path, *, data_dir: Path, database_format: str = "auto") -> Summary:
    """Write the archive to ``out`` (atomically: a temporary file renamed at the end)."""
    from jingjin import __version__

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    skip = _database_files(data_dir) | {out}
    members: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="jingjin-backup-") as scratch:
        dump, used_format = _dump_database(Path(scratch), database_format)
        handle, partial = tempfile.mkstemp(prefix=".jingjin-backup-", dir=out.parent)
        os.close(handle)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                sources = [(dump, f"database/{dump.name}")]
                sources += [(path, f"files/{name}") for path, name in _data_files(data_dir, skip)]
                for path, name in sources:
                    size = path.stat().st_size
                    digest = _sha256(path)
                    info = archive.gettarinfo(str(path), arcname=name)
                    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                    with path.open("rb") as source:
                        archive.addfile(info, source)
                    members[name] = {"size": size, "sha256": digest}
                connection = _connection()
                manifest = {
                    "format": FORMAT,
                    "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "jingjin": __version__,
                    "database": {"vendor": connection.vendor, "format": used_format, "member": sources[0][1]},
                    "members": members,
                }
                raw = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(raw), 0o600
                archive.addfile(info, io.BytesIO(raw))
            os.chmod(partial, 0o600)
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    files = sum(1 for name in members if name.startswith("files/"))
    return Summary(out, used_format, files, out.stat().st_size, members)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def verify(archive_path: Path, scratch: Path) -> dict[str, Any]:
    """Unpack the archive into ``scratch`` and check it against its manifest; the manifest."""
    if not archive_path.is_file():
        raise BackupError(f"{archive_path}: no such file")
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            found: dict[str, Path] = {}
            manifest_raw = None
            for info in archive:
                if info.name == MANIFEST and info.isfile():
                    extracted = archive.extractfile(info)
                    manifest_raw = extracted.read() if extracted is not None else None
                    continue
                if (
                    not info.isfile()
                    or not _safe_name(info.name)
                    or info.name.split("/")[0]
                    not in {
                        "database",
                        "files",
                    }
                ):
                    raise BackupError(f"unexpected member {info.name!r}: not an archive of jingjin backup")
                target = scratch / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(info)
                if source is None:
                    raise BackupError(f"cannot read member {info.name!r}")
                with target.open("wb") as handle:
                    shutil.copyfileobj(source, handle, CHUNK)
                found[info.name] = target
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile, zlib_error()) as exc:
        raise BackupError(f"{archive_path}: not a readable backup archive ({exc})") from exc
    if manifest_raw is None:
        raise BackupError(f"{archive_path}: no {MANIFEST}; not a jingjin backup")
    try:
        manifest = json.loads(manifest_raw)
    except ValueError as exc:
        raise BackupError(f"{archive_path}: {MANIFEST} is not valid JSON ({exc})") from exc
    found_format = manifest.get("format") if isinstance(manifest, dict) else None
    if found_format != FORMAT:
        raise BackupError(f"{archive_path}: unknown format {found_format!r}, not a {FORMAT} archive")
    members = manifest.get("members")
    database = manifest.get("database")
    if (
        not isinstance(members, dict)
        or not isinstance(database, dict)
        or database.get("member") not in members
    ):
        raise BackupError(f"{archive_path}: the manifest lists no database")
    missing = sorted(set(members) - set(found))
    extra = sorted(set(found) - set(members))
    if missing or extra:
        raise BackupError(f"{archive_path}: members missing {missing[:5]} or not in the manifest {extra[:5]}")
    for name, expected in members.items():
        path = found[name]
        if not isinstance(expected, dict) or (
            path.stat().st_size != expected.get("size") or _sha256(path) != expected.get("sha256")
        ):
            raise BackupError(f"{archive_path}: checksum mismatch for {name}; the archive is damaged")
    checked: dict[str, Any] = manifest
    return checked


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def restore(archive_path: Path, *, data_dir: Path) -> dict[str, Any]:
    """Verify the archive, then put back the database and the data directory's files."""
    with tempfile.TemporaryDirectory(prefix="jingjin-restore-") as scratch_name:
        scratch = Path(scratch_name)
        manifest = verify(archive_path, scratch)
        database = manifest["database"]
        _restore_database(scratch / database["member"], str(database.get("format")))
        _restore_files(scratch / "files", data_dir)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the ids may differ from the ones this process has seen
    return manifest


def _restore_files(source: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    skip = _database_files(data_dir)
    wanted = set()
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(source)
            target = data_dir / relative
            wanted.add(target.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".jingjin-restore-{target.name}")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
    # files the backup did not have, in the directories it has (media/, results/ …), are removed: those
    # directories are as they were; loose files at the top and other directories are left alone
    directories = {
        PurePosixPath(p.relative_to(source).as_posix()).parts[0] for p in source.rglob("*") if p.is_file()
    }
    directories = {d for d in directories if (source / d).is_dir()}
    for path, name in list(_data_files(data_dir, skip)):
        parts = PurePosixPath(name).parts
        if len(parts) > 1 and parts[0] in directories and path.resolve() not in wanted:
            path.unlink()

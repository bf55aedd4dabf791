"""``jingjin backup OUT`` and ``jingjin restore IN``: the database and the data directory in one
checksummed archive (see :mod:`jingjin.core.backup` and docs/deploy.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jingjin.cli import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backup", help="write the database and the data directory to one archive (while the site runs)"
    )
    parser.add_argument("out", help="the archive to write, e.g. jingjin-2026-12-05.tar.gz")
    parser.add_argument(
        "--database-format",
        choices=["auto", "native", "json"],
        default="auto",
        help="auto (default): SQLite's backup API or pg_dump, else Django's JSON dump; "
        "native: refuse rather than fall back; json: Django's JSON dump (any database)",
    )
    parser.set_defaults(handler=run_backup)

    restore = subparsers.add_parser(
        "restore", help="put back the database and the data directory from a backup archive (stop the site)"
    )
    restore.add_argument("archive", help="an archive written by jingjin backup")
    restore.add_argument("--yes", action="store_true", help="replace the current data without asking")
    restore.add_argument(
        "--check",
        action="store_true",
        help="only verify the archive (manifest and checksums); change nothing",
    )
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    from django.conf import settings

    from jingjin.core import backup

    try:
        summary = backup.backup(
            Path(args.out), data_dir=Path(settings.DATA_DIR), database_format=args.database_format
        )
    except backup.BackupError as exc:
        raise UsageError(str(exc)) from exc
    print(
        f"Backup written: {summary.path} ({summary.size:,} bytes; database as {summary.database_format}, "
        f"{summary.files} files of {settings.DATA_DIR})"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from jingjin.commands._django import setup

    setup()
    import tempfile

    from django.conf import settings

    from jingjin.core import backup

    archive = Path(args.archive)
    try:
        if args.check:
            with tempfile.TemporaryDirectory(prefix="jingjin-verify-") as scratch:
                manifest = backup.verify(archive, Path(scratch))
            print(f"{archive}: a valid backup of {manifest['created']} ({len(manifest['members'])} members)")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("restore replaces the database and the data directory: add --yes")
            database = settings.DATABASES["default"]["NAME"]
            answer = input(f"Replace the database {database} and the files of {settings.DATA_DIR}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                print("Nothing changed.")
                return 1
        manifest = backup.restore(archive, data_dir=Path(settings.DATA_DIR))
    except backup.BackupError as exc:
        raise UsageError(str(exc)) from exc
    print(
        f"Restored the backup of {manifest['created']} (jingjin {manifest['jingjin']}). "
        "Run `jingjin manage migrate` if this version is newer, then start the site."
    )
    return 0

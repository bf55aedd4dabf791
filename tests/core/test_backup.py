"""``jingjin backup OUT`` / ``jingjin restore IN``: a round trip of the database and the data directory
(on SQLite, and on PostgreSQL when the suite runs with DATABASE_URL), and corrupt archives refused."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from jingjin.cli import main
from jingjin.core.models import AuditEntry, Unit
from jingjin.plans.models import Task

pytestmark = pytest.mark.django_db(transaction=True)
CLI = "import sys; from jingjin.cli import main; sys.exit(main())"  # the ``jingjin`` script, this checkout


@pytest.fixture
def data_dir(tmp_path, settings):
    directory = tmp_path / "data"
    (directory / "media" / "evidence").mkdir(parents=True)
    (directory / "media" / "evidence" / "photo.jpg").write_bytes(b"\xff\xd8 the evidence " * 100)
    (directory / "results").mkdir()
    (directory / "results" / "grades.csv").write_text("unit,grade\n甲,A\n", encoding="utf-8")
    (directory / "static").mkdir()
    (directory / "static" / "app.css").write_text("body{}")  # collected again, not kept
    settings.DATA_DIR = directory
    settings.MEDIA_ROOT = directory / "media"
    return directory


def _state() -> dict:
    return {
        "units": sorted(Unit.objects.values_list("code", "name_zh")),
        "tasks": sorted(Task.objects.values_list("code", "name_zh", "weight")),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize("database_format", ["auto", "json"])
def test_backup_and_restore_round_trip(users, data_dir, tmp_path, capsys, database_format):
    before = _state()
    out = tmp_path / "backups" / "site.tar.gz"
    assert main(["backup", str(out), "--database-format", database_format]) == 0
    assert "Backup written" in capsys.readouterr().out
    assert out.stat().st_mode & 0o777 == 0o600
    with tarfile.open(out) as archive:
        names = set(archive.getnames())
        manifest = json.loads(archive.extractfile("manifest.json").read())
    assert "files/media/evidence/photo.jpg" in names and "files/results/grades.csv" in names
    assert not any(n.startswith("files/static/") for n in names)
    assert manifest["format"] == "jingjin-backup/1"
    from django.db import connection

    native = {"sqlite": "sqlite", "postgresql": "pg_dump"}[connection.vendor]
    assert manifest["database"]["format"] == (native if database_format == "auto" else "json")
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())

    # the site changes after the backup
    Task.objects.filter(code="A1.M1.T2").delete()
    Unit.objects.create(code="t.z", name_zh="新单位", name_en="New", kind="department")
    (data_dir / "media" / "evidence" / "photo.jpg").write_bytes(b"changed")
    (data_dir / "media" / "evidence" / "later.pdf").write_bytes(b"uploaded after the backup")
    (data_dir / "operator-notes.txt").write_text("not the site's")  # not in a directory of the backup
    assert _state() != before

    assert main(["restore", str(out), "--yes"]) == 0
    assert "Restored the backup" in capsys.readouterr().out
    assert _state() == before
    assert (data_dir / "media" / "evidence" / "photo.jpg").read_bytes() == b"\xff\xd8 the evidence " * 100
    assert not (data_dir / "media" / "evidence" / "later.pdf").exists()
    assert (data_dir / "operator-notes.txt").read_text() == "not the site's"
    assert (data_dir / "results" / "grades.csv").read_text(encoding="utf-8") == "unit,grade\n甲,A\n"
    # the restored site works: a signed-in request reads the restored plan
    from django.test import Client

    client = Client()
    client.force_login(users["office"])
    assert client.get("/api/tasks?code=A1.M1.T2").json()["count"] == 1


def _rewrite(source: Path, target: Path, change) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            data = change(info.name, data)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_a_corrupt_archive_is_refused_and_nothing_changes(users, data_dir, tmp_path, capsys):
    good = tmp_path / "good.tar.gz"
    assert main(["backup", str(good)]) == 0
    Unit.objects.create(code="t.z", name_zh="新单位", name_en="New", kind="department")
    after = _state()

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(good, tampered, lambda name, data: b"other" if name.endswith("grades.csv") else data)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    not_gzip = tmp_path / "plain.tar.gz"
    not_gzip.write_bytes(b"PK\x03\x04 not a tar file at all")
    no_manifest = tmp_path / "no-manifest.tar.gz"
    _rewrite(good, no_manifest, lambda name, data: data)
    with tarfile.open(no_manifest) as archive:
        kept = [(i, archive.extractfile(i).read()) for i in archive.getmembers() if i.name != "manifest.json"]
    with tarfile.open(no_manifest, "w:gz") as archive:
        for info, data in kept:
            archive.addfile(info, io.BytesIO(data))

    expected = {
        tampered: "checksum mismatch for files/results/grades.csv",
        truncated: "not a readable backup archive",
        foreign: "unexpected member 'notes.txt'",
        not_gzip: "not a readable backup archive",
        no_manifest: "no manifest.json; not a jingjin backup",
        tmp_path / "missing.tar.gz": "no such file",
    }
    for archive_path, message in expected.items():
        assert main(["restore", str(archive_path), "--yes"]) == 2, archive_path
        error = capsys.readouterr().err
        assert error.startswith("jingjin restore: error:") and message in error, (archive_path, error)
    assert _state() == after
    assert (data_dir / "results" / "grades.csv").read_text(encoding="utf-8") == "unit,grade\n甲,A\n"
    # a good archive verifies
    assert main(["restore", str(good), "--check"]) == 0
    assert "a valid backup" in capsys.readouterr().out


@pytest.mark.own_sqlite
def test_restore_on_the_command_line_refuses_a_damaged_archive(tmp_path):
    """As a user runs it: exit status 2 and one line, no traceback."""
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(gzip.compress(b"\x00" * 1024)[:40])
    dropped = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    result = subprocess.run(
        [sys.executable, "-c", CLI, "restore", str(damaged), "--yes"],
        env={**env, "JINGJIN_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("jingjin restore: error:") and "not a jingjin backup" in result.stderr


@pytest.mark.own_sqlite
def test_a_sqlite_backup_is_consistent_while_the_site_writes(tmp_path, migrated_data_dir):
    """As a user runs it, on a SQLite file: ``jingjin backup`` while another connection keeps writing
    pairs of rows in one transaction each; the archived database is intact and holds whole pairs only,
    the live database files are not copied as files, and ``jingjin restore`` brings that state back."""
    import sqlite3
    import threading
    import time

    data = migrated_data_dir  # tmp_path / "data", its database migrated already
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["JINGJIN_DATA_DIR"] = str(data)

    def jingjin(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CLI, *arguments], env=env, capture_output=True, text=True, timeout=300
        )

    assert jingjin("manage", "migrate", "--verbosity", "0").returncode == 0
    database = data / "jingjin.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE pair_a (n INTEGER)")
        setup.execute("CREATE TABLE pair_b (n INTEGER)")
    stop = threading.Event()

    def writer() -> None:
        connection = sqlite3.connect(database, timeout=30)
        n = 0
        while not stop.is_set():
            with connection:
                connection.execute("INSERT INTO pair_a VALUES (?)", (n,))
                time.sleep(0.001)
                connection.execute("INSERT INTO pair_b VALUES (?)", (n,))
            n += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        result = jingjin("backup", str(tmp_path / "live.tar.gz"))
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    with tarfile.open(tmp_path / "live.tar.gz") as archive:
        names = archive.getnames()
        member = archive.extractfile("database/db.sqlite3")  # read as bytes: no path from the archive
        assert member is not None
        (tmp_path / "db.sqlite3").write_bytes(member.read())
    assert not any(n.startswith("files/jingjin.sqlite3") for n in names)
    copy = sqlite3.connect(tmp_path / "db.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    a, b = (copy.execute(f"SELECT count(*) FROM pair_{t}").fetchone()[0] for t in "ab")  # noqa: S608
    copy.close()
    assert a == b > 0

    with sqlite3.connect(database) as later:
        later.execute("INSERT INTO pair_a VALUES (-1)")
    assert jingjin("restore", "--yes", str(tmp_path / "live.tar.gz")).returncode == 0
    with sqlite3.connect(database) as restored:
        assert restored.execute("SELECT count(*) FROM pair_a").fetchone()[0] == a

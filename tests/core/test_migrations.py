"""The suite's databases are made from the models, then given the rows of the data migrations
(``tests/conftest.py``: ``django_db_setup``). These check that such a database is the one
``jingjin manage migrate`` makes on a new data directory, and that the migrations hold every change
of the models, so that what the suite tests is what a user's ``make demo`` builds."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.conftest import own_sqlite_env

pytestmark = pytest.mark.own_sqlite

Query = Callable[[str], list[tuple[Any, ...]]]


def _schema(query: Query) -> dict[str, dict[str, Any]]:
    """Per table: its columns, indexes (unique, columns, partial; SQLite's own names left out),
    foreign keys, named constraints and checks, and its number of rows."""
    tables = query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'django_migrations' ORDER BY name"
    )
    schema = {}
    for table, sql in tables:
        indexes = [
            (unique, tuple(column[2] for column in query(f'PRAGMA index_info("{name}")')), partial)
            for _, name, unique, _, partial in query(f'PRAGMA index_list("{table}")')
        ]
        schema[table] = {
            "columns": sorted(tuple(row[1:]) for row in query(f'PRAGMA table_info("{table}")')),
            "indexes": sorted(indexes),
            "foreign keys": sorted(tuple(row[2:5]) for row in query(f'PRAGMA foreign_key_list("{table}")')),
            "constraints": sorted(re.findall(r'CONSTRAINT "([^"]+)"', sql)),
            "checks": sql.count(" CHECK "),
            "rows": query(f'SELECT COUNT(*) FROM "{table}"')[0][0],  # noqa: S608 (sqlite_master's names)
        }
    return schema


def _test_database(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_the_suite_database_is_the_one_migrate_makes(migrated_sqlite: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the migrated database to compare with is SQLite's (the command line's own)")
    migrated = sqlite3.connect(migrated_sqlite)
    try:
        made = _schema(lambda sql: migrated.execute(sql).fetchall())
    finally:
        migrated.close()
    ours = _schema(_test_database)
    assert sorted(ours) == sorted(made), set(ours) ^ set(made)
    different = {
        table: {
            key: (value, ours[table][key]) for key, value in made[table].items() if ours[table][key] != value
        }
        for table in made
        if ours[table] != made[table]
    }
    assert not different, f"table: {{what: (as migrate makes it, as the suite makes it)}}: {different}"
    from jingjin.rural.models import IncomeLine

    assert made[IncomeLine._meta.db_table]["rows"] > 0  # a data migration's rows are compared too


def _run(arguments: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``python arguments`` in a fresh process on ``data_dir``, as a user runs a command."""
    return subprocess.run(
        [sys.executable, *arguments],
        env=own_sqlite_env(data_dir),
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_migrations_hold_every_change_of_the_models(migrated_data_dir: Path) -> None:
    result = _run(
        ["-m", "jingjin.cli", "manage", "makemigrations", "--check", "--dry-run"], migrated_data_dir
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def _build_from_models(data_dir: Path, then: str = "") -> subprocess.CompletedProcess[str]:
    """``jingjin.core.schema.migrate`` on ``data_dir`` in a fresh process, as ``jingjin demo`` calls it."""
    code = (
        "from jingjin.commands._django import setup; setup()\n"
        "from jingjin.core import schema\n" + then + "print(schema.migrate(verbosity=0))\n"
    )
    return _run(["-c", code], data_dir)


def test_a_new_demo_database_built_from_the_models_is_the_one_migrate_makes(
    migrated_sqlite: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    built = _build_from_models(data)
    assert built.returncode == 0 and built.stdout.strip() == "True", built.stderr[-4000:]
    ours, theirs = sqlite3.connect(data / "jingjin.sqlite3"), sqlite3.connect(migrated_sqlite)
    try:
        made = {
            name: _schema(lambda sql, c=c: c.execute(sql).fetchall())
            for name, c in (("ours", ours), ("migrate", theirs))
        }
        recorded = [
            set(c.execute("SELECT app, name FROM django_migrations").fetchall()) for c in (ours, theirs)
        ]
    finally:
        ours.close()
        theirs.close()
    assert made["ours"] == made["migrate"]
    assert recorded[0] == recorded[1] and len(recorded[0]) > 80  # every migration recorded as applied
    # the next migrate (after an upgrade) finds nothing to apply; on an existing database it is migrate
    check = _run(["-m", "jingjin.cli", "manage", "migrate", "--check"], data)
    assert check.returncode == 0, check.stdout + check.stderr
    again = _build_from_models(data)
    assert again.returncode == 0 and again.stdout.strip() == "False", again.stderr[-4000:]


def test_a_database_whose_build_failed_is_removed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    failing = (
        "def broken():\n"
        "    raise RuntimeError('a data migration failed')\n"
        "schema.data_migrations_run = broken\n"
    )
    built = _build_from_models(data, then=failing)
    assert built.returncode != 0 and "a data migration failed" in built.stderr
    assert not (data / "jingjin.sqlite3").exists()  # the next run starts from an empty database

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


def test_the_migrations_hold_every_change_of_the_models(migrated_data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jingjin.cli", "manage", "makemigrations", "--check", "--dry-run"],
        env=own_sqlite_env(migrated_data_dir),
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

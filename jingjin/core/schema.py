"""The database's tables: a new SQLite database built from the models, as the test suite builds its
own, instead of by running every migration.

``migrate`` on an empty database runs the 90 migrations one after the other; Django renders the
models' state again for most of their operations, which took 24–45 s of ``make demo`` on the
project's 2-core machines. :func:`migrate` builds an empty SQLite database's tables straight from
the models (``migrate --run-syncdb`` with the migrations set aside), runs the data migrations'
forward functions on them, and records every migration as applied, so that the next ``migrate``
(after an upgrade) applies only the new ones. ``tests/core/test_migrations.py`` checks that the
result is the database ``migrate`` makes — every table's columns, indexes, foreign keys,
constraints and rows, and the recorded migrations — and that the migrations hold every change of
the models. A database that already has tables, or another database than SQLite, is migrated as
always.
"""

from __future__ import annotations

from typing import Any


class _NoMigrations:
    """``MIGRATION_MODULES`` that gives no migrations module for any app (tables from the models)."""

    def __contains__(self, item: str) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def data_migrations_run() -> None:
    """Run the ``RunPython`` forward functions of jingjin's migrations in the migration graph's
    order (a migration after those it depends on, whatever its app), on the current models."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("jingjin.")}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan = dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf))
    with connection.schema_editor() as editor:
        for key in plan:
            if key[0] in ours:
                for operation in graph.nodes[key].operations:
                    if isinstance(operation, RunPython):
                        run: Any = operation.code  # given the current models' registry, not the historical
                        run(apps, editor)


def migrate(**options: Any) -> bool:
    """Bring the database up to date: a new, empty SQLite database built from the models (True),
    any other migrated as always (False). ``options`` go to ``migrate`` (``verbosity`` …)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    options = {"interactive": False, **options}
    if connection.vendor != "sqlite" or connection.introspection.table_names():
        call_command("migrate", **options)
        return False
    try:
        with override_settings(MIGRATION_MODULES=_NoMigrations()):
            call_command("migrate", run_syncdb=True, **options)
        data_migrations_run()
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()  # (migrate made it already; its own schema editor, outside a transaction)
        with transaction.atomic():
            for app, name in sorted(MigrationLoader(connection).disk_migrations):
                recorder.record_applied(app, name)
    except BaseException:
        _remove(connection)  # not half built: the next run starts again from an empty database
        raise
    return True


def _remove(connection: Any) -> None:
    """Delete the SQLite database file (and its journal files) of ``connection``."""
    from pathlib import Path

    name = str(connection.settings_dict["NAME"])
    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)

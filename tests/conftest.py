"""Shared fixtures: users of every role on a small unit tree, and a small plan file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the test itself only touches the
# database before the browser starts, so Django's async-safety check is relaxed for the suite.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    """Run on the real date: a data directory loaded by ``jingjin demo`` keeps the demo's as-of date
    (``$JINGJIN_DATA_DIR/as_of``), which the suite must not pick up unless JINGJIN_AS_OF is set."""
    from django.conf import settings

    if "JINGJIN_AS_OF" not in os.environ:
        settings.JINGJIN_AS_OF = ""
    # Jobs run at once where they are submitted (Huey's immediate mode, an in-memory queue); the
    # tests that need a real consumer switch it off themselves (tests/jobs/test_consumer.py).
    if os.environ.get("JINGJIN_JOBS_IMMEDIATE", "1").strip().lower() not in {"0", "false", "no", "off"}:
        settings.JINGJIN_JOBS_IMMEDIATE = True
        settings.HUEY = {**settings.HUEY, "immediate": True}
        import sys

        if "huey.contrib.djhuey" in sys.modules:  # already built from the settings: switch it
            sys.modules["huey.contrib.djhuey"].HUEY.immediate = True
    _live_server_without_nagle()
    _static_files_listed_once()


def _static_files_listed_once() -> None:
    """WhiteNoise lists the static files (about 170, each given its headers) when its middleware
    is made: once per process in a server, but once per test here, since each test's ``client``
    builds its handler and middleware anew — 14–15 ms of each test that makes a request (the
    whole of ``load_middleware``), about 80 ms of each test of the permission matrix under
    cProfile. The listing is made once per worker for each set of WhiteNoise's settings and
    handed to every later middleware; the static files do not change during a run. What the
    middleware answers is unchanged (``tests/core/test_static_listing.py``)."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed: dict[tuple[Any, ...], dict[str, Any]] = {}
    list_files = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            repr(settings.STATICFILES_DIRS),
            repr(settings.STATICFILES_FINDERS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: found for url, found in self.files.items() if before.get(url) is not found}
        self.files.update(listed[key])

    add_files_from_finders.__wrapped__ = list_files  # type: ignore[attr-defined]
    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]


def _live_server_without_nagle() -> None:
    """The live server (``live_server``: the browser tests, the schemathesis fuzzing) answers at
    once: Django's test server writes a response's headers and body in two ``send`` calls, and with
    Nagle's algorithm on its socket the body waited for the client's delayed ACK of the headers,
    about 40 ms per request on Linux (measured: 47.6 ms per request to ``/api/units`` against 1.2 ms
    with ``TCP_NODELAY``). Only the test server's sockets change; what a request does and answers
    is the same."""
    from django.test.testcases import QuietWSGIRequestHandler

    QuietWSGIRequestHandler.disable_nagle_algorithm = True  # socketserver sets TCP_NODELAY then


#: Tests that run on one xdist worker together (``make check-suite`` runs ``pytest -n auto --dist
#: loadgroup``). ``numba`` (handed out first): the tests that call the compiled engine kernels, so
#: that the kernels are compiled once (in a fresh data directory two workers would otherwise compile
#: the same signatures at the same time, 10–60 s each). ``demo-as-of``: its module-scoped demo data
#: built once. The browser tests are spread over the workers (one Chromium each): kept together on
#: one worker they ran one after the other and made the suite's tail.
XDIST_GROUPS = {
    "tests/engines/air_water/": "numba",
    "tests/engines/scoring/": "numba",
    "tests/evaluations/": "numba",
    "tests/test_demo_as_of.py": "demo-as-of",
}


def _group(item: pytest.Item, root: Any) -> str | None:
    path = item.path.relative_to(root).as_posix()
    return next((group for prefix, group in XDIST_GROUPS.items() if path.startswith(prefix)), None)


@pytest.hookimpl(tryfirst=True)  # before xdist's worker hook, which reads the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist's loadgroup, mark the tests of :data:`XDIST_GROUPS` and hand the long
    ``numba`` group out first: one worker starts on it while the others share the rest, instead of
    the group starting last and running alone at the end. The other tests keep their order (the
    browser tests, moved first, met a kernel compiled inside a page request and timed out)."""
    _deselect_database_free_tests(config, items)
    if not getattr(config.option, "loadgroup", False):  # set on xdist's workers under --dist loadgroup
        return
    groups = {id(item): _group(item, config.rootpath) for item in items}
    for item in items:
        if groups[id(item)] is not None:
            item.add_marker(pytest.mark.xdist_group(groups[id(item)]))
    items.sort(key=lambda item: groups[id(item)] != "numba")


#: the fixtures through which a test reaches the database (pytest-django's, and the live server)
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _reaches_the_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def _deselect_database_free_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``JINGJIN_SECOND_DATABASE=1`` (CI's second run, on PostgreSQL, after the whole suite has
    run on SQLite) leave out the tests whose subject is not the database:

    * the tests that reach no database (no ``db`` fixture, mark or live server): the engines are
      pure (no Django, no I/O; ``tests/core/test_layers.py`` checks), and the code-health, layout
      and command-line parsing tests read files, so such a test runs the same code on either run;
    * the browser tests (``tests/browser/``): their subject is the pages in Chromium — scripts,
      layout, the paths a user clicks — and the queries behind each of those pages run on PostgreSQL
      in the page, API and service tests. Run twice they cost CI about three minutes;
    * the tests marked ``own_sqlite``: they run the command line in a subprocess on a SQLite
      database of their own (DATABASE_URL dropped), so the second run would repeat the first;
    * the schemathesis fuzzing of the API document: its subject is the
      document and the shape of the answers, the same whatever the database; the queries behind
      each operation, and the values PostgreSQL refuses (NUL in a text), run on PostgreSQL in the
      API and hostile-input tests. It cost the second run about two minutes;
    * the tests marked ``first_database_only``, whose mark gives the reason (their subject is a
      property of the pages or of the demo, not of the database, and what they read runs on
      PostgreSQL in other tests). They cost the second run 60–70 s of its workers' time.

    Every other test that reaches the database runs again on the second one."""
    if os.environ.get("JINGJIN_SECOND_DATABASE", "").strip().lower() not in {"1", "true", "yes"}:
        return
    browser = config.rootpath / "tests" / "browser"
    left_out = [
        item
        for item in items
        if not _reaches_the_database(item)
        or item.path.is_relative_to(browser)
        or item.get_closest_marker("own_sqlite") is not None
        or item.get_closest_marker("first_database_only") is not None
        or "schemathesis" in item.name
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, items)) - set(map(id, left_out))
        items[:] = [item for item in items if id(item) in kept]


#: the environment of a ``jingjin`` command run as a user runs it, on a SQLite database of its own
#: under ``$JINGJIN_DATA_DIR`` (the tests marked ``own_sqlite``)
OWN_SQLITE_DROPPED = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def own_sqlite_env(data_dir: Path) -> dict[str, str]:
    """The environment of a ``jingjin`` command run as a user runs it, on ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in OWN_SQLITE_DROPPED}
    return {**env, "JINGJIN_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database that ``jingjin manage migrate`` made in an empty data directory, once for
    the run: the first xdist worker to ask builds it under a file lock, the others copy it.

    Every command-line test that starts on a fresh data directory ran all migrations in its
    subprocess first (10–25 s each under CI's load); :func:`migrated_data_dir` gives it a copy of
    this database instead, so the command's own ``migrate`` finds nothing to apply. The migrations
    on a fresh directory themselves stay tested: this build is ``jingjin manage migrate`` on an
    empty data directory, which ``tests/core/test_migrations.py`` compares with the suite's own
    database (made from the models)."""
    return migrated_template(tmp_path_factory)


@pytest.fixture(scope="session", autouse=True)
def _migrated_sqlite_early(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start building :func:`migrated_sqlite` in the background when the run has a test that needs
    it: the build (a subprocess, 20–25 s) runs beside the first tests instead of holding one worker
    and, behind the file lock, the other one too. A build that failed here is done again, in the
    foreground, by the first test that asks for it, and fails that test."""
    if any(item.get_closest_marker("own_sqlite") for item in request.session.items):
        tmp_path_factory.getbasetemp()  # made here, not in the thread beside the tests' own calls
        threading.Thread(target=migrated_template, args=(tmp_path_factory,), daemon=True).start()


def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the template of :func:`migrated_sqlite` unless it is there; return its path."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's directory, above the workers' own
    template = shared / "migrated-sqlite" / "jingjin.sqlite3"
    with open(shared / "migrated-sqlite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            build = shared / "migrated-sqlite-build"
            shutil.rmtree(build, ignore_errors=True)
            migrate = subprocess.run(
                [sys.executable, "-m", "jingjin.cli", "manage", "migrate", "--verbosity", "0"],
                env=own_sqlite_env(build),
                cwd=Path(__file__).resolve().parents[1],  # this checkout's jingjin
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert migrate.returncode == 0, migrate.stderr
            template.parent.mkdir(exist_ok=True)
            partial = template.with_suffix(".partial")
            # one self-contained file (no -wal beside it), then renamed: a reader never sees half
            source, copy = sqlite3.connect(build / "jingjin.sqlite3"), sqlite3.connect(partial)
            source.backup(copy)
            source.close()
            copy.close()
            partial.rename(template)
            shutil.rmtree(build, ignore_errors=True)
    return template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, django_db_use_migrations: bool) -> None:
    """The test databases are made from the models (``--no-migrations``, pyproject.toml), then given
    the rows the migrations write: the forward functions of our data migrations, run on the empty
    tables as ``migrate`` runs them on a new database (only the rural income lines are seeded; the
    others fill rows that an empty database does not have). Running the 88 migrations (59 of them
    jingjin's) took each xdist worker 17–25 s, on each of CI's two databases.
    ``tests/core/test_migrations.py`` checks that this database is the one ``migrate`` makes,
    table by table and row count by row count, and that the migrations hold every change of the
    models. ``pytest --migrations`` migrates instead."""
    if not django_db_use_migrations:
        from jingjin.core.schema import data_migrations_run

        with django_db_blocker.unblock():
            data_migrations_run()


@pytest.fixture
def migrated_data_dir(tmp_path: Path, migrated_sqlite: Path) -> Path:
    """``tmp_path / "data"``, a fresh data directory holding a copy of :func:`migrated_sqlite` as
    its database (``jingjin.sqlite3``, where the settings look without ``DATABASE_URL``)."""
    directory = tmp_path / "data"
    directory.mkdir()
    shutil.copyfile(migrated_sqlite, directory / "jingjin.sqlite3")
    return directory


PASSWORD = "correct-horse-battery"


def small_plan() -> dict[str, Any]:
    """A small, valid plan file: two departments, a county, two tasks with indicators."""
    return {
        "format": "jingjin-plan/1",
        "plan": {
            "code": "test-plan",
            "name_zh": "测试规划",
            "name_en": "Test plan",
            "city": "测试市",
            "start_year": 2021,
            "end_year": 2025,
        },
        "units": [
            {"code": "t", "name_zh": "测试市", "name_en": "Test City", "kind": "city", "parent": None},
            {"code": "t.a", "name_zh": "甲局", "name_en": "Bureau A", "kind": "department", "parent": "t"},
            {"code": "t.b", "name_zh": "乙局", "name_en": "Bureau B", "kind": "department", "parent": "t"},
            {"code": "t.c", "name_zh": "丙县", "name_en": "County C", "kind": "county", "parent": "t"},
        ],
        "mechanisms": [{"code": "red_black_list", "name_zh": "红黑榜", "name_en": "Red/black list"}],
        "actions": [
            {
                "code": "A1",
                "name_zh": "行动一",
                "name_en": "Action one",
                "lead_unit": "t.a",
                "weight": 1,
                "start": "2021-09-10",
                "end": "2025-12-31",
                "measures": [
                    {
                        "code": "A1.M1",
                        "name_zh": "措施一",
                        "name_en": "Measure one",
                        "lead_unit": "t.a",
                        "tasks": [
                            {
                                "code": "A1.M1.T1",
                                "name_zh": "甲局任务",
                                "name_en": "Task of A",
                                "lead_unit": "t.a",
                                "co_units": ["t.b"],
                                "counties": ["t.c"],
                                "mechanisms": ["red_black_list"],
                                "start": "2021-09-10",
                                "end": "2025-12-31",
                                "indicators": [
                                    {
                                        "code": "A1.M1.T1.I1",
                                        "name_zh": "户厕",
                                        "name_en": "Household toilets",
                                        "unit": "户",
                                        "direction": "higher",
                                        "baseline_value": 0,
                                        "baseline_year": 2020,
                                        "target_value": 57996,
                                        "target_year": 2021,
                                        "targets": [{"year": 2021, "value": 57996}],
                                        "responsible_unit": "t.a",
                                    }
                                ],
                            },
                            {
                                "code": "A1.M1.T2",
                                "name_zh": "乙局任务",
                                "name_en": "Task of B",
                                "lead_unit": "t.b",
                                "weight": 2.5,
                                "indicators": [
                                    {
                                        "code": "A1.M1.T2.I1",
                                        "name_zh": "机制建立",
                                        "name_en": "Mechanism set up",
                                        "direction": "milestone",
                                        "milestones": [
                                            {"date": "2022-06-30", "name_zh": "出台", "name_en": "Issued"}
                                        ],
                                    }
                                ],
                            },
                        ],
                    }
                ],
            }
        ],
    }


@pytest.fixture
def plan_data() -> dict[str, Any]:
    return small_plan()


@pytest.fixture
def loaded_plan(db: Any) -> Any:
    from jingjin.plans.services import plan_import

    return plan_import(data=small_plan(), actor=None, source="test").plan


@pytest.fixture
def make_user(db: Any) -> Any:
    from jingjin.core.models import Unit
    from jingjin.core.services import user_ensure

    def make(username: str, role: str, unit_code: str | None) -> Any:
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        user, _ = user_ensure(username=username, password=PASSWORD, role=role, unit=unit, source="test")
        return user

    return make


@pytest.fixture
def users(loaded_plan: Any, make_user: Any) -> dict[str, Any]:
    return {
        "office": make_user("office", "plan_office", "t"),
        "reporter_a": make_user("reporter_a", "reporter", "t.a"),
        "reporter_b": make_user("reporter_b", "reporter", "t.b"),
        "county_c": make_user("county_c", "county", "t.c"),
        "leader": make_user("leader", "leader", "t"),
    }


#: a fast password hasher for the suite's many accounts and logins
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    """Login rate limiting is tested on its own; a fast hasher keeps the many logins quick."""
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: the database is rolled back between tests, so row ids
    (which key cached figures) come again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(settings: Any) -> Any:
    """The UI in English (the tests that compare English messages and pages; the Chinese ones are
    checked by the translation test). An area's conftest asks for it with an autouse fixture."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

"""``jingjin rural screen`` — return-to-poverty screening of households (issue 15).

Example::

    jingjin rural screen households.parquet -o screened.parquet --year 2021 [--line 6000] \\
        [--as-of 2021-12-31] [--province 510000]

INPUT (``.csv``, ``.parquet`` or ``.xlsx``) has one row per household with the columns
``household_id, members, former_poor, net_income, rigid_expenditure, food_clothing_secure,
education_secure, medical_secure, housing_secure, water_secure, labour_capacity,
monitored_since, assistance_count, months_above_line``. OUTPUT (its type by extension) keeps them
and adds ``per_capita_income, adjusted_per_capita, in_range, basic_needs_risk, monitoring_type,
eligible_for_elimination``. The line is ``--line`` when given, else the configured line of the
year: the register of lines in the database (the page 监测范围 / ``/api/income-lines``) when
there is a database, else ``jingjin/data/rural_lines.yaml``; a year without a line is an error.
Bad input ends with exit status 2 and a message naming the columns and data rows. A JSON
summary goes to stdout.
The rules are in :mod:`jingjin.engines.rural` and docs/rural.md.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LINES_FILE = Path(__file__).resolve().parent.parent / "data" / "rural_lines.yaml"
ZONE = ZoneInfo("Asia/Shanghai")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rural",
        help="rural revitalisation: return-to-poverty screening (防止返贫监测)",
        description="Return-to-poverty monitoring (issue 15); see docs/rural.md.",
    )
    sub = parser.add_subparsers(dest="rural_command", metavar="ACTION", required=True)
    screen = sub.add_parser(
        "screen",
        help="classify households (unstable / marginal / sudden / none) and test risk elimination",
        description=__doc__.split("Example::")[0].strip() if __doc__ else None,
    )
    screen.add_argument("input", metavar="INPUT", help="households (.csv, .parquet or .xlsx)")
    screen.add_argument("-o", "--output", required=True, help="output (.csv, .parquet or .xlsx)")
    screen.add_argument("--year", type=int, required=True, help="the monitoring year (its line)")
    screen.add_argument("--line", type=float, help="the monitoring line in yuan per capita per year")
    screen.add_argument("--as-of", help="the day of the elimination test, YYYY-MM-DD (default: today)")
    screen.add_argument("--province", help="province code of the configured line (default: the file's)")
    screen.set_defaults(handler=run_screen)
    rotate = sub.add_parser(
        "rotate-key",
        help="re-encrypt the members' personal data from the old key to the new one (all or nothing)",
        description=(
            "Re-encrypt every member's ID number, phone, bank account and health condition from the "
            "old key to the new one in one transaction, and recompute the ID look-up hashes; one audit "
            "row per member. The new key is JINGJIN_PERSONAL_DATA_KEY; the old key is "
            "JINGJIN_PERSONAL_DATA_OLD_KEY or --old-key (both the base64 of 32 bytes). Prefer the "
            "environment: an option is visible in the process list and the shell history."
        ),
    )
    rotate.add_argument(
        "--old-key", help="the old key (base64 of 32 bytes); default $JINGJIN_PERSONAL_DATA_OLD_KEY"
    )
    rotate.add_argument(
        "--dry-run", action="store_true", help="decrypt and re-encrypt everything, write nothing"
    )
    rotate.set_defaults(handler=run_rotate_key)


def monitoring_lines(province: str | None = None, path: Path = LINES_FILE) -> dict[int, float]:
    """The configured ``{year: yuan}`` lines of ``province`` (default: the file's default province)."""
    from jingjin.commands._io import SchemeError, load_mapping

    data = load_mapping(path)
    code = str(province or data.get("default_province", ""))
    provinces = data.get("provinces") or {}
    if not isinstance(provinces, Mapping) or code not in provinces:
        known = ", ".join(str(p) for p in provinces) if isinstance(provinces, Mapping) else ""
        raise SchemeError(f"{path}: no lines for province {code!r} (configured: {known or 'none'})")
    lines = provinces[code].get("lines") or {}
    try:
        return {int(year): float(value) for year, value in lines.items()}
    except (TypeError, ValueError, AttributeError) as exc:
        raise SchemeError(f"{path}: province {code!r}: lines must map a year to yuan: {exc}") from exc


def default_province(path: Path = LINES_FILE) -> str:
    """The province whose line applies when none is named (the lines file's ``default_province``)."""
    from jingjin.commands._io import load_mapping

    return str(load_mapping(path).get("default_province", ""))


#: the register's table (``jingjin.rural.models.IncomeLine``), read without starting Django
LINES_TABLE = "rural_incomeline"


def _database_settings() -> dict[str, Any] | None:
    """The database as ``jingjin.settings`` configures it (``DATABASE_URL``, else the SQLite file of
    the data directory), or None when there is none — never creating an empty one."""
    import os

    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        import dj_database_url

        return {**dj_database_url.parse(url), "URL": url}
    data_dir = os.environ.get("JINGJIN_DATA_DIR")
    path = (Path(data_dir) if data_dir else Path.cwd() / "var").resolve() / "jingjin.sqlite3"
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)} if path.is_file() else None


def database_lines(province: str | None) -> dict[int, float] | None:
    """The ``{year: yuan}`` lines of ``province`` in the database's register, or None when there is
    no database, no register table or no line of the province (then the lines file applies).

    Read with one query by the database's own driver (SQLite read-only, or psycopg): starting
    Django would cost more CPU than screening a million households."""
    config = _database_settings()
    if config is None:
        return None
    code = province or default_province()
    try:
        if config["ENGINE"].endswith("sqlite3"):
            import sqlite3

            uri = Path(config["NAME"]).resolve().as_uri() + "?mode=ro"
            with closing(sqlite3.connect(uri, uri=True, timeout=5)) as connection:
                sql = f"SELECT year, amount FROM {LINES_TABLE} WHERE province = ?"  # noqa: S608
                rows = connection.execute(sql, (code,)).fetchall()
        elif "postgresql" in config["ENGINE"]:
            import psycopg

            with psycopg.connect(config["URL"], connect_timeout=5) as connection:
                sql = f"SELECT year, amount FROM {LINES_TABLE} WHERE province = %s"  # noqa: S608
                rows = connection.execute(sql, (code,)).fetchall()
        else:
            return None
        lines = {int(year): float(amount) for year, amount in rows}
    except Exception:  # no usable database (not migrated, unreachable): the file is the fallback
        return None
    return lines or None


def _as_of(text: str | None) -> date:
    from jingjin.cli import UsageError

    if not text:
        return datetime.now(ZONE).date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from None


def _write(frame: Any, path: Path) -> None:
    """Parquet with LZ4 (several times faster to write than the default zstd on ten million rows,
    files about a third larger), atomically; other types through the shared writer."""
    import os
    import tempfile

    from jingjin.commands._io import TableError, write_output

    if path.suffix.lower() != ".parquet":
        write_output(frame, path)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".partial.parquet", dir=path.parent)
    except OSError as exc:
        raise TableError(f"{path}: cannot be written: {exc}") from exc
    os.close(handle)
    partial = Path(name)
    try:
        frame.write_parquet(partial, compression="lz4")
        os.replace(partial, path)
    except Exception as exc:  # nothing partial may stay behind
        partial.unlink(missing_ok=True)
        raise TableError(f"{path}: cannot be written: {exc}") from exc


def run_screen(args: argparse.Namespace) -> int:
    from jingjin.cli import UsageError
    from jingjin.commands._io import check_output, read_input
    from jingjin.engines.rural import line_for, screen

    if args.line is not None and not (args.line > 0 and args.line < float("inf")):
        raise UsageError(f"--line must be a positive number of yuan, got {args.line:g}")
    as_of = _as_of(args.as_of)
    check_output(args.output)
    line = args.line
    if line is None:
        line = line_for(database_lines(args.province) or monitoring_lines(args.province), args.year)
    frame = read_input(args.input)
    result = screen(frame, line=line, as_of=as_of)
    _write(result, Path(args.output))
    counts = result.get_column("monitoring_type").value_counts()
    by_type = {str(k): int(v) for k, v in counts.iter_rows()}
    summary = {
        "households": result.height,
        "year": args.year,
        "line": line,
        "as_of": as_of.isoformat(),
        "types": {kind: by_type.get(kind, 0) for kind in ("unstable", "marginal", "sudden", "none")},
        "eligible_for_elimination": int(result.get_column("eligible_for_elimination").sum()),
        "output": str(args.output),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def run_rotate_key(args: argparse.Namespace) -> int:
    """``jingjin rural rotate-key``: see :mod:`jingjin.rural.key_services`."""
    import os

    from jingjin.cli import UsageError
    from jingjin.commands._django import setup

    old_text = args.old_key or os.environ.get("JINGJIN_PERSONAL_DATA_OLD_KEY", "")
    if not os.environ.get("JINGJIN_PERSONAL_DATA_KEY", "").strip():
        raise UsageError("set JINGJIN_PERSONAL_DATA_KEY to the new key (base64 of 32 bytes)")
    if not old_text.strip():
        raise UsageError("give the old key: JINGJIN_PERSONAL_DATA_OLD_KEY or --old-key (base64 of 32 bytes)")
    setup()
    from django.conf import settings

    from jingjin.rural.crypto import parse_key
    from jingjin.rural.key_services import RotationError, personal_data_rotate

    try:
        old = parse_key(old_text)
    except ValueError as exc:
        raise UsageError(f"the old key: {exc}") from None
    try:
        result = personal_data_rotate(old=old, new=settings.JINGJIN_PERSONAL_DATA_KEY, dry_run=args.dry_run)
    except RotationError as exc:
        raise UsageError(f"nothing was changed: {exc}") from None
    summary = {"members": result.members, "values": result.values, "dry_run": result.dry_run}
    print(json.dumps(summary))
    return 0

"""The demo's calendar, read from ``jingjin/data/demo.yaml``: the as-of month ``jingjin demo`` runs
at by default and the first month of its synthetic reports.

No Django import here: ``jingjin demo`` reads the as-of month before it starts Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DEMO_FILE = Path(__file__).with_name("demo.yaml")
#: the file of the data directory that keeps the as-of date the demo data were loaded with
AS_OF_FILE = "as_of"
ENV = "JINGJIN_AS_OF"


@dataclass(frozen=True)
class DemoCalendar:
    as_of: str
    first_month: tuple[int, int]


def _month(text: str, key: str) -> tuple[int, int]:
    parts = str(text).strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise ValueError(f"{DEMO_FILE.name}: {key} must be YYYY-MM, not {text!r}")
    return int(parts[0]), int(parts[1])


@cache
def demo_calendar(path: Path = DEMO_FILE) -> DemoCalendar:
    """The demo's as-of month (``YYYY-MM``) and first report month, from the demo data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    as_of = str(data.get("as_of", "")).strip()
    if as_of:
        _month(as_of, "as_of")
    return DemoCalendar(as_of=as_of, first_month=_month(data.get("first_month", ""), "first_month"))


def demo_as_of_env() -> str:
    """Set ``JINGJIN_AS_OF`` to the demo's month unless the environment has it (even empty); return it."""
    if ENV not in os.environ:
        os.environ[ENV] = demo_calendar().as_of
    return os.environ[ENV]


def demo_settings_env(path: Path = DEMO_FILE) -> None:
    """Set the environment variables of ``settings:`` in demo.yaml that the environment lacks (the
    demo's own configuration of the built-in plan's units, kept out of the code)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for name, value in (data.get("settings") or {}).items():
        os.environ.setdefault(str(name), str(value))


def stored_as_of(data_dir: Path) -> str | None:
    """The as-of the data directory's demo data were loaded with, or None when none is stored."""
    try:
        return (data_dir / AS_OF_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def store_as_of(data_dir: Path, value: str) -> None:
    """Keep the as-of the demo was loaded with, so that ``jingjin serve`` runs at the same date."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / AS_OF_FILE).write_text(f"{value.strip()}\n", encoding="utf-8")

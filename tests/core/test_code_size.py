"""Code health (issue 18): no module of ``jingjin/`` is longer than :data:`MAX_LINES` lines.

A longer module is split where a reader gains (see docs/development.md, "Code size"). The
temporary exceptions below are modules another piece of work is splitting; each must be removed
from the list once its module is short enough (the second test says so).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "jingjin"

#: the longest a module of jingjin/ may be, in lines
MAX_LINES = 800

#: module (relative to jingjin/) → the length it may have until it is split. Temporary.
EXCEPTIONS: dict[str, int] = {
    # the cockpit's reads: being split by the cockpit performance work (round 2, slice cockpit2)
    "dashboard/selectors.py": 1100,
    # the batch import of reports: owned by the import work (round 2, slice bigimport)
    "reporting/batch.py": 900,
}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _modules() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): _lines(path)
        for path in sorted(ROOT.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def test_no_module_is_longer_than_800_lines() -> None:
    too_long = [
        f"jingjin/{name}: {lines} lines (limit {EXCEPTIONS.get(name, MAX_LINES)})"
        for name, lines in _modules().items()
        if lines > EXCEPTIONS.get(name, MAX_LINES)
    ]
    assert not too_long, "split these modules where a reader gains:\n" + "\n".join(too_long)


def test_every_exception_is_still_needed() -> None:
    modules = _modules()
    stale = [
        f"jingjin/{name}: {modules.get(name, 0)} lines — remove it from EXCEPTIONS"
        for name in EXCEPTIONS
        if modules.get(name, 0) <= MAX_LINES
    ]
    assert not stale, "\n".join(stale)

"""Code health (issue 18): no module of ``jingjin/`` is longer than :data:`MAX_LINES` lines and no
function's code longer than :data:`MAX_FUNCTION_LINES` lines.

A function's code is counted without its docstring: a long docstring (numpydoc parameters, the
formulas of an engine) is the specification, and splitting it helps no reader. Longer modules and
functions are split where a reader gains (README, "Development"). The temporary exceptions below
are modules and functions another piece of work is changing; each must be removed from its list
once it is short enough (the "still needed" tests say so).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "jingjin"

#: the longest a module of jingjin/ may be, in lines
MAX_LINES = 800

#: module (relative to jingjin/) → the length it may have until it is split. Temporary.
EXCEPTIONS: dict[str, int] = {
    # Not temporary: every permission rule lives in this one module (the project's rule: "permission
    # rules live only in core/permissions.py", checked by tests/core/test_layers.py), one section per
    # app; it grows with the apps.
    "core/permissions.py": 1100,
}


#: the longest a function's code (without its docstring) may be, in lines
MAX_FUNCTION_LINES = 80

#: "module:function" → the length its code may have. Temporary unless said otherwise.
FUNCTION_EXCEPTIONS: dict[str, int] = {
    # the batch import of reports (round 2, slice bigimport)
    "reporting/batch.py:_read_values": 90,
    "reporting/batch_template.py:template": 145,
    # the cockpit and the bulletin (round 2, slice cockpit2)
    "dashboard/bulletin.py:tables": 95,
    "dashboard/trends.py:_trends_compute": 115,
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


def _functions() -> dict[str, int]:
    """ "module:function" → lines of its code without the docstring, for every function (methods
    and nested functions too, by their own name)."""
    out: dict[str, int] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "__pycache__" in path.parts or "migrations" in path.parts:
            continue
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                first = node.body[0]
                is_docstring = (
                    isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)
                )
                if is_docstring:
                    lines -= (first.end_lineno or first.lineno) - first.lineno + 1
                key = f"{module}:{node.name}"
                out[key] = max(out.get(key, 0), lines)
    return out


def test_no_function_is_longer_than_80_lines() -> None:
    too_long = [
        f"jingjin/{name}: {lines} lines (limit {FUNCTION_EXCEPTIONS.get(name, MAX_FUNCTION_LINES)})"
        for name, lines in _functions().items()
        if lines > FUNCTION_EXCEPTIONS.get(name, MAX_FUNCTION_LINES)
    ]
    assert not too_long, "split these functions where a reader gains:\n" + "\n".join(too_long)


def test_every_function_exception_is_still_needed() -> None:
    functions = _functions()
    stale = [
        f"jingjin/{name}: {functions.get(name, 0)} lines — remove it from FUNCTION_EXCEPTIONS"
        for name in FUNCTION_EXCEPTIONS
        if functions.get(name, 0) <= MAX_FUNCTION_LINES
    ]
    assert not stale, "\n".join(stale)

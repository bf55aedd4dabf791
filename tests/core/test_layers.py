"""The code's structure, read with ``ast``: lower layers do not import higher ones, permission rules
live only in ``jingjin/core/permissions.py``, and no object permission answers True blindly.

Layers, lowest first: the engines (pure: no Django, no other part of Jingjin), ``core``, ``plans``,
then the other apps. The domain modules of a layer (models, services, selectors …) import only
their layer and those below it; pages are composed at the top, by the *composition* modules
(views, the API, URLs, template tags, context processors, job kinds, demo loaders, management and
command-line code), which may import any app.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "jingjin"

#: modules (by file name, or a folder on the path) that compose pages, jobs and the command line
COMPOSITION_FILES = {
    "views.py",
    "api.py",
    "urls.py",
    "context_processors.py",
    "audit_display.py",  # shows an audit entry's related objects by name, on pages only
    "job_kinds.py",
    "demo.py",
}
COMPOSITION_DIRS = {"templatetags", "management", "migrations"}

#: what each low layer's domain modules may import from ``jingjin`` (besides their own app)
ALLOWED_BELOW = {
    "core": {"core", "i18n", "engines"},
    "plans": {"core", "plans", "i18n", "engines"},
}


def _python_files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _is_composition(path: Path) -> bool:
    return (
        path.name in COMPOSITION_FILES
        or path.name.endswith(("_api.py", "_views.py"))
        or bool(COMPOSITION_DIRS & set(path.parts))
    )


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, also those inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "jingjin":
                for alias in node.names:
                    yield node.lineno, f"jingjin.{alias.name}"
            else:
                yield node.lineno, node.module


#: names of the package itself (not a layer), which any module may read
PACKAGE_ROOT = {"__version__"}


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT.parent)}:{line}"


def test_the_engines_import_neither_django_nor_the_rest_of_jingjin() -> None:
    bad = [
        f"{_where(path, line)} imports {module}"
        for path in _python_files(ROOT / "engines")
        for line, module in _imports(path)
        if module.split(".")[0] in {"django", "rest_framework"}
        or (module.startswith("jingjin.") and not module.startswith("jingjin.engines"))
    ]
    assert bad == []


@pytest.mark.parametrize("app", sorted(ALLOWED_BELOW))
def test_a_lower_layer_does_not_import_a_higher_one(app: str) -> None:
    allowed = ALLOWED_BELOW[app]
    bad = [
        f"{_where(path, line)} imports {module}"
        for path in _python_files(ROOT / app)
        if not _is_composition(path)
        for line, module in _imports(path)
        if module.startswith("jingjin.") and module.split(".")[1] not in allowed | PACKAGE_ROOT
    ]
    assert bad == [], f"{app} may import only {sorted(allowed)} outside its views and API"


def test_domain_modules_do_not_import_pages_or_the_api_of_other_apps() -> None:
    """Services and selectors are called by views, never the other way round."""
    bad = []
    for path in _python_files(ROOT):
        if _is_composition(path) or path.parent == ROOT:
            continue
        app = path.relative_to(ROOT).parts[0]
        for line, module in _imports(path):
            parts = module.split(".")
            if (
                parts[0] == "jingjin"
                and len(parts) > 2
                and parts[1] != app
                and parts[2].endswith(("views", "api"))
            ):
                bad.append(f"{_where(path, line)} imports {module}")
    assert bad == []


# --------------------------------------------------------------------------------------------
# Permission rules in one place


#: where a role may be named: the rules themselves, the role's definition and the model field
#: holding it, and the demo loader that creates one user of each role
ROLE_ALLOWED = {"core/permissions.py", "core/choices.py", "core/models.py", "data/demo.py"}


def _role_uses(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "role_of":
            yield node.lineno, "role_of(...)"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
            yield node.lineno, f"Role.{node.attr}"
        elif isinstance(node, ast.Name) and node.id == "UNIT_ROLES":
            yield node.lineno, "UNIT_ROLES"
        elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("profile__role"):
            yield node.lineno, node.arg
        elif isinstance(node, ast.Attribute) and node.attr == "role":
            yield node.lineno, ".role"


def test_no_role_is_compared_outside_core_permissions() -> None:
    """Every rule is a named predicate of ``jingjin.core.permissions`` (issue 18): views, the API,
    services, selectors and templates ask a predicate, never the role."""
    bad = [
        f"{_where(path, line)}: {what}"
        for path in _python_files(ROOT)
        if "migrations" not in path.parts and path.relative_to(ROOT).as_posix() not in ROLE_ALLOWED
        for line, what in _role_uses(path)
    ]
    assert bad == []


def test_no_template_compares_roles() -> None:
    bad = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "user_role" in line or ".role ==" in line or "profile.role" in line:
                bad.append(f"{_where(path, number)}: {line.strip()}")
    assert bad == []


def _returns_true_only(function: ast.FunctionDef) -> bool:
    body = [n for n in function.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Constant)
        and body[0].value.value is True
    )


def test_no_permission_answers_true_unconditionally() -> None:
    bad = []
    for path in _python_files(ROOT):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name in {"has_permission", "has_object_permission", "may_read", "may_act"}
                and _returns_true_only(node)
            ):
                bad.append(f"{_where(path, node.lineno)}: {node.name} returns True")
    assert bad == []


def test_the_early_warning_model_does_not_shadow_the_builtin() -> None:
    from jingjin.alerts import models

    assert models.EarlyWarning._meta.model_name == "earlywarning"
    assert getattr(models, "Warning", Warning) is Warning

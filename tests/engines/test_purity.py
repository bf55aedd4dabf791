"""Engines stay pure: nothing in ``jingjin.engines`` imports Django, directly or indirectly."""

import subprocess
import sys
from pathlib import Path

import jingjin.engines

ENGINE_DIR = Path(jingjin.engines.__file__).parent


def test_no_engine_source_mentions_django_imports():
    offenders = []
    for path in ENGINE_DIR.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith(("import django", "from django")):
                offenders.append(f"{path.name}:{number}")
    assert offenders == []


def test_importing_every_engine_loads_no_django():
    modules = sorted(p.stem for p in ENGINE_DIR.glob("*.py") if p.stem != "__init__")
    modules += sorted(p.name for p in ENGINE_DIR.iterdir() if (p / "__init__.py").exists())
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('jingjin.engines.' + name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

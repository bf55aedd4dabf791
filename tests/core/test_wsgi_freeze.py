"""The server's start-up objects are frozen out of the garbage collector's walks (``gc.freeze``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_freezes_its_start_up_objects(tmp_path):
    """``jingjin.wsgi`` (waitress and every gunicorn worker load it) moves what start-up made into
    the permanent generation, which the garbage collector no longer walks, the compiled roll-up
    of the status engine loaded before; the application still answers."""
    script = (
        "import gc, jingjin.wsgi\n"
        "print(gc.get_freeze_count())\n"
        "from jingjin.engines.status import _compiled\n"
        "print(len(_compiled.rollup_levels.signatures))\n"
        "from django.test import Client\n"
        "print(Client().get('/accounts/login/').status_code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "JINGJIN_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "jingjin.settings",
            "JINGJIN_ALLOWED_HOSTS": "testserver",
            # the kernels the suite's run compiled (``make kernels``), not a compilation of its own
            **{k: v for k, v in os.environ.items() if k == "NUMBA_CACHE_DIR"},
        },
    )
    frozen, loaded, status = out.stdout.split()
    assert int(frozen) > 10_000
    assert int(loaded) == 1  # compiled, or read from the cache, at start-up
    assert status in {"200", "400"}  # 400: a host the settings refuse; the app itself loaded

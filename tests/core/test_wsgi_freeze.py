"""The server's start-up objects are frozen out of the garbage collector's walks (``gc.freeze``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_freezes_its_start_up_objects(tmp_path):
    """``jingjin.wsgi`` (waitress and every gunicorn worker load it) moves what start-up made into
    the permanent generation, which the garbage collector no longer walks; the application still
    answers."""
    script = (
        "import gc, jingjin.wsgi\n"
        "print(gc.get_freeze_count())\n"
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
        },
    )
    frozen, status = out.stdout.split()
    assert int(frozen) > 10_000
    assert status in {"200", "400"}  # 400: a host the settings refuse; the app itself loaded

"""Configuration errors on the command line: a clear message, no traceback (finding 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _jingjin(tmp_path: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-m", "jingjin.cli", *arguments],
        env={**base, "JINGJIN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize("arguments", [("manage", "check", "--deploy"), ("manage", "migrate", "--check")])
def test_deploy_check_without_a_secret_key_says_so_without_a_traceback(tmp_path, arguments):
    result = _jingjin(tmp_path, *arguments, JINGJIN_PROFILE="production", ALLOWED_HOSTS="plan.example.gov.cn")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY must be set in the production profile" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # how to make one
    assert result.stderr.startswith("jingjin manage: configuration error:")

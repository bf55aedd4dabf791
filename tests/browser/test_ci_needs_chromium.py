"""Under CI (``CI=true``) a missing Chromium fails the browser tests instead of skipping them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(ci: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "DATABASE_URL"}}
    env.update(CI=ci, PATH=str(tmp_path), JINGJIN_DATA_DIR=str(tmp_path / "data"))  # no chromium on PATH
    test = "tests/browser/test_dashboard.py"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_a_missing_chromium_fails_under_ci_and_skips_elsewhere(tmp_path: Path) -> None:
    under_ci = _run("true", tmp_path)
    assert under_ci.returncode != 0 and "Chromium is not installed" in under_ci.stdout, under_ci.stdout[
        -2000:
    ]
    local = _run("", tmp_path)
    assert local.returncode == 0 and "1 skipped" in local.stdout, local.stdout[-2000:]

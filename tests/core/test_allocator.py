"""The web server and the job worker keep freed memory for the next request or job
(``core.allocator``)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from jingjin.core import allocator

ROOT = Path(__file__).resolve().parents[2]

#: A request's worth of temporaries: twelve arrays of 4 MB made, then all freed, three times; the
#: pages the third round touches for the first time (minor page faults) are printed.
ROUNDS = """
import resource, sys
import numpy as np
{setup}
def request():
    arrays = [np.ones(500_000) for _ in range(12)]
    del arrays
for _ in range(2):
    request()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
request()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _new_pages(setup: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", ROUNDS.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    return int(out.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")
def test_a_request_after_the_first_takes_no_new_memory():
    """Without the settings glibc gives the freed 48 MB back and the third round takes them
    afresh (about 12,000 pages of 4 KB); with them it reuses its heap."""
    assert _new_pages("") > 5_000
    assert (
        _new_pages("from jingjin.core.allocator import keep_freed_memory\nassert keep_freed_memory()") < 500
    )


def test_the_settings_are_the_ones_documented(monkeypatch):
    calls = []

    def mallopt(parameter: int, value: int) -> int:
        calls.append((parameter, value))
        return 1

    monkeypatch.setattr(allocator, "_libc", lambda: SimpleNamespace(mallopt=mallopt))
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("glibc", "2.36"))
    assert allocator.keep_freed_memory() is True
    assert calls == [(allocator.M_MMAP_THRESHOLD, 32 * 2**20), (allocator.M_TRIM_THRESHOLD, 128 * 2**20)]
    monkeypatch.setattr(allocator.platform, "libc_ver", lambda: ("", ""))
    assert allocator.keep_freed_memory() is False and len(calls) == 2


def test_the_job_worker_sets_the_allocator_before_django_starts(monkeypatch):
    """``jingjin worker`` runs jobs on large arrays one after another, as the web server runs
    pages: the allocator is set first, before Django and the jobs' modules are loaded."""
    from jingjin.commands import _django, worker
    from jingjin.jobs import consumer

    calls = []
    monkeypatch.setattr(worker, "keep_freed_memory", lambda: calls.append("allocator") or True)
    monkeypatch.setattr(_django, "setup", lambda: calls.append("django"))
    monkeypatch.setattr(consumer, "run_consumer", lambda workers: calls.append(("consumer", workers)))
    monkeypatch.setattr("django.conf.settings.JINGJIN_JOBS_IMMEDIATE", False)
    assert worker.worker(SimpleNamespace(workers=3)) == 0
    assert calls == ["allocator", "django", ("consumer", 3)]

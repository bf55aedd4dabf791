"""One job through a real consumer: ``jingjin worker`` as a process on the Redis of 127.0.0.1:6379
(db 11, or ``JINGJIN_TEST_REDIS_URL``: two suites run at once on one Redis each need their own db),
a submitter process on the same SQLite data directory, the job done within 30 s. Skipped when Redis
does not answer, except under CI=true. Prints enqueue-to-start with an idle worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REDIS_URL = os.environ.get("JINGJIN_TEST_REDIS_URL") or "redis://127.0.0.1:6379/11"
PROJECT = Path(__file__).resolve().parents[2]

SUBMIT = """
import json, time
from jingjin.commands._django import setup
setup()
from django.utils import timezone
from jingjin.core.services import user_ensure
from jingjin.jobs.models import Job
from jingjin.jobs.services import job_submit
office, _ = user_ensure(username="office", password="x-x-x-x-x", role="plan_office", unit=None, source="test")
enqueued = timezone.now()
job = job_submit(actor=office, kind="warnings-refresh", params={}, source="test")  # autocommit: enqueued now
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    job.refresh_from_db()
    if job.state in ("done", "failed"):
        break
    time.sleep(0.05)
print(json.dumps({
    "state": job.state, "error": job.error, "summary": job.summary, "worker": job.worker,
    "enqueue_to_start": (job.started_at - enqueued).total_seconds() if job.started_at else None,
    "total": (job.finished_at - enqueued).total_seconds() if job.finished_at else None,
}))
"""


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.own_sqlite
def test_a_job_through_a_real_worker_on_redis(tmp_path: Path, migrated_data_dir: Path) -> None:
    if not _redis_answers():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true: Redis must answer on 127.0.0.1:6379 for the worker test")
        pytest.skip("Redis does not answer on 127.0.0.1:6379; the worker test needs it (CI runs it)")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this db is this test's own
    env: dict[str, Any] = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "JINGJIN_DATA_DIR": str(migrated_data_dir),  # its database migrated already
        "REDIS_URL": REDIS_URL,
        "JINGJIN_JOBS_IMMEDIATE": "0",
        "JINGJIN_AS_OF": "",
        "SECRET_KEY": "test-worker-secret-key",
        "DJANGO_SETTINGS_MODULE": "jingjin.settings",
    }
    env.pop("DATABASE_URL", None)
    python = sys.executable
    migrate = subprocess.run(
        [python, "-m", "jingjin.cli", "manage", "migrate", "--verbosity", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    worker = subprocess.Popen(
        [python, "-m", "jingjin.cli", "worker", "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        first = worker.stdout.readline()
        assert "Job worker on Redis" in first, first
        time.sleep(1.0)  # an idle worker, waiting on the queue
        submit = subprocess.run(
            [python, "-c", SUBMIT], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert submit.returncode == 0, submit.stderr
        result = json.loads(submit.stdout.strip().splitlines()[-1])
        assert result["state"] == "done", result
        assert set(result["summary"]) == {"as_of", "raised", "updated", "resolved"}
        assert result["worker"].split(":")[1] == str(worker.pid)
        print(
            f"\nworker on Redis: enqueue-to-start {result['enqueue_to_start']:.3f} s with an idle worker, "
            f"submit-to-done {result['total']:.3f} s"
        )
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

"""Fixtures of the job tests: media in tmp, English messages, and job kinds made for the tests
(registered for one test, then removed)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest

from jingjin.core.permissions import role_of
from jingjin.jobs import kinds
from jingjin.jobs.kinds import JobInputError, JobOutcome


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages; the Chinese ones are in jingjin/locale/pending/r1.po."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def run_sum(job: Any, progress: Any) -> JobOutcome:
    """Sum the column ``value`` of the uploaded CSV; write ``name,value,double`` to the result.
    A value that is not a number fails the job naming its row; ``params["crash"]`` raises a plain
    error after half the result is written; ``params["engine"]`` raises a TableError."""
    from jingjin.commands._io import TableError

    if job.params.get("engine"):
        raise TableError("column 'value' is missing")
    with job.input_file.open("rb") as handle:
        rows = list(csv.DictReader(handle.read().decode("utf-8").splitlines()))
    path = job.scratch_path("doubled.csv")
    total = 0.0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "value", "double"])
        for number, row in enumerate(rows, start=2):
            progress(100 * (number - 1) / (len(rows) + 1), f"row {number}")
            try:
                value = float(row["value"])
            except ValueError:
                raise JobInputError(f"row {number}, column value: {row['value']!r} is not a number") from None
            if job.params.get("crash") and number > 2:
                raise RuntimeError("disk /secret/path exploded")
            writer.writerow([row["name"], value, 2 * value])
            total += value
    progress(100, "done")
    return JobOutcome(result_path=path, summary={"rows": len(rows), "total": total})


@pytest.fixture
def test_kinds() -> Iterator[None]:
    """``test-sum`` (any signed-in user with a role except leaders) for these tests only."""
    kinds.register(
        "test-sum", label="Sum a column", runner=run_sum, may_run=lambda user: role_of(user) != "leader"
    )
    yield
    kinds._registry.pop("test-sum", None)


GOOD_CSV = b"name,value\na,1\nb,2.5\nc,4\n"
BAD_CSV = b"name,value\na,1\nb,two\nc,4\n"

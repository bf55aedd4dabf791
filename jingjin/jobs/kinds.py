"""The registry of job kinds (任务类型): what a job of each kind runs and who may submit it.

An app registers its kinds in a module ``<app>/job_kinds.py`` (imported for every installed app
the first time a kind is looked up), e.g.::

    from jingjin.jobs.kinds import JobInputError, JobOutcome, register

    def run_land(job, progress):
        progress(10, "reading the table")
        ...
        if bad:
            raise JobInputError("row 3, column land_mu: not a number")  # shown to the user as is
        path = job.scratch_path("land.csv")          # write the result there
        ...
        progress(100, "done")
        return JobOutcome(result_path=path, summary={"rows": 1000})

    register("land", label=_("Per-mu evaluation"), runner=run_land, may_run=permissions.may_evaluate)

``runner(job, progress) -> JobOutcome``: ``job`` is the :class:`~jingjin.jobs.models.Job` (its
``params``, ``input_file``, ``owner``, ``unit``), ``progress(pct, message="")`` reports 0–100 with
a short message (cheap to call often: the database is written at most twice a second, and always
at 100). ``may_run(user) -> bool`` is a predicate of :mod:`jingjin.core.permissions`.

A runner says what is wrong with the input by raising :class:`JobInputError` (or the engines'
``InputError``, or ``TableError`` of :mod:`jingjin.commands._io`): its message becomes the job's
error text as it is. Any other exception fails the job with a plain "internal error" text and a log line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jingjin.jobs.models import Job


class JobInputError(Exception):
    """Bad input of a job: the message (rows and columns named, in the user's language) becomes the
    job's error text as it is."""


class ProgressFn(Protocol):
    def __call__(self, pct: float, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobOutcome:
    """What a runner gives back: the result file it wrote (under ``job.scratch_path(...)``; None when
    the job makes no file) and a JSON summary shown on the job's page and in the API."""

    result_path: Path | None = None
    summary: dict[str, Any] = field(default_factory=dict)


Runner = Callable[["Job", ProgressFn], JobOutcome]


def file_type(name: str) -> str:
    """An uploaded file's type from its name's suffix (``json``, ``csv``, ``xlsx`` …), lower case;
    empty without a suffix."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_upload(job: Job, progress: ProgressFn) -> bytes:
    """The job's uploaded file, whole, after saying so (5 %, "Reading NAME"); :class:`JobInputError`
    when the job has none. The imports that run as jobs (plan, statistics, report batch) read it so."""
    from django.utils.translation import gettext

    if not job.input_file:
        raise JobInputError(gettext("No input file was uploaded."))
    progress(5, gettext("Reading %(name)s") % {"name": job.input_name or "file"})
    with job.input_file.open("rb") as handle:
        data: bytes = handle.read()
    return data


@dataclass(frozen=True)
class JobKind:
    """A registered kind: its code, label (lazy translation), runner and permission predicate."""

    code: str
    label: Any
    runner: Runner
    may_run: Callable[[Any], bool]


_registry: dict[str, JobKind] = {}
_discovered = False
_lock = threading.Lock()


def register(kind: str, *, label: Any, runner: Runner, may_run: Callable[[Any], bool]) -> JobKind:
    """Register a job kind (call it at import of ``<app>/job_kinds.py``). Registering the same code
    again replaces it (module reloads in development)."""
    if not kind or len(kind) > 64 or not kind.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"job kind {kind!r}: use up to 64 letters, digits, - and _")
    entry = JobKind(code=kind, label=label, runner=runner, may_run=may_run)
    _registry[kind] = entry
    return entry


def discover() -> None:
    """Import ``job_kinds`` of every installed app, once."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            from django.utils.module_loading import autodiscover_modules

            autodiscover_modules("job_kinds")
            _discovered = True


def find(kind: str) -> JobKind | None:
    """The registered kind of this code, or None."""
    discover()
    return _registry.get(kind)


def all_kinds() -> list[JobKind]:
    discover()
    return sorted(_registry.values(), key=lambda k: k.code)

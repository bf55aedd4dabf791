"""Background jobs (后台任务): one record for every long task run by the job queue.

A :class:`Job` is created by :func:`jingjin.jobs.services.job_submit`, run by a worker through the
Huey task :func:`jingjin.jobs.tasks.run_job`, and shown on "我的任务 / My jobs". Its files live under
``MEDIA_ROOT/jobs/<id>/``: the uploaded input and, once the job is done, its result (written to a
scratch directory first and renamed into place on success only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import AuditedModel, Unit
from jingjin.jobs.choices import ACTIVE_STATES, JobState


def job_file_path(instance: Job, filename: str) -> str:
    """``jobs/<id>/<file name>`` under MEDIA_ROOT (the job is saved before its files)."""
    return f"jobs/{instance.pk}/{Path(filename).name}"


class Job(AuditedModel):
    """A background job (后台任务): what it does (``kind`` and ``params``), who asked for it and for
    which unit, where it is (``state``, ``progress`` 0–100 with a ``message``), when it ran, its
    input and result files, a ``summary`` of the result and, when it failed, the ``error`` in plain
    words for users (never a traceback)."""

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    input_file = models.FileField(_("input file"), upload_to=job_file_path, max_length=300, blank=True)
    input_name = models.CharField(_("input file name"), max_length=255, blank=True)
    result_file = models.FileField(_("result file"), upload_to=job_file_path, max_length=300, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    owner_lookups = ("unit",)
    # progress and its message change many times a run: the audit trail keeps the state changes
    audit_exclude = ("id", "progress", "message")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-created_at"]),
            models.Index(fields=["owner", "-created_at"]),
        ]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    def natural_key_text(self) -> str:
        return f"job-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def has_failed(self) -> bool:
        return self.state == JobState.FAILED

    @property
    def kind_spec(self) -> Any:
        """The registered kind (a ``jobs.kinds.JobKind``), None when it is not registered."""
        from jingjin.jobs import kinds

        return kinds.find(self.kind)

    @property
    def kind_label(self) -> str:
        """The kind's label in the active language (the kind's code when it is not registered)."""
        from jingjin.jobs import kinds

        kind = kinds.find(self.kind)
        return str(kind.label) if kind is not None else self.kind

    @property
    def result_name(self) -> str:
        return Path(self.result_file.name).name if self.result_file else ""

    def directory(self) -> Path:
        """``MEDIA_ROOT/jobs/<id>/``: the job's files."""
        return Path(settings.MEDIA_ROOT) / "jobs" / str(self.pk)

    def scratch_path(self, filename: str) -> Path:
        """Where a runner writes a result file while it runs (a scratch directory of this run, its
        parent directories made): renamed into the job's directory when the job is done, deleted when
        it fails. Return it as :attr:`JobOutcome.result_path`."""
        scratch = self.directory() / ".scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        return scratch / Path(filename).name

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        data["input_file"] = self.input_file.name or ""
        data["result_file"] = self.result_file.name or ""
        return data

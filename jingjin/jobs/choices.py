"""Choices of background jobs (后台任务)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    """Where a job (后台任务) is in its life: queued → running → done or failed (a failed job may be
    queued again by a retry)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: the states of a job that is not finished yet (the pages poll while one is shown)
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)

"""Choices of project admission (准入) and quota allocation (指标分配)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueClass(models.TextChoices):
    """The class of an item of the industry catalogue (产业结构调整指导目录); the values are the
    codes of :mod:`jingjin.engines.land` (鼓励 / 允许 / 限制 / 淘汰)."""

    ENCOURAGED = "encouraged", _("Encouraged")
    PERMITTED = "permitted", _("Permitted")
    RESTRICTED = "restricted", _("Restricted")
    ELIMINATED = "eliminated", _("Prohibited (eliminated)")


class ZoningType(models.TextChoices):
    """The type of an environmental control unit (生态环境管控单元, 三线一单)."""

    PRIORITY = "priority", _("Priority protection")
    KEY = "key", _("Key control")
    GENERAL = "general", _("General control")


class ApplicationState(models.TextChoices):
    """Where an admission application stands: submitted → checked → decided, then the
    commitment re-checked at completion and at full production."""

    SUBMITTED = "submitted", _("Submitted")
    CHECKED = "checked", _("Checked")
    DECIDED = "decided", _("Decided")
    COMPLETED = "completed", _("Completion re-checked")
    PRODUCING = "producing", _("Full-production re-checked")


class AdmissionOutcome(models.TextChoices):
    """鼓励支持 / 限制 / 禁入 — the engine's admission classes."""

    ENCOURAGED = "encouraged", _("Encouraged and supported")
    RESTRICTED = "restricted", _("Restricted")
    PROHIBITED = "prohibited", _("Prohibited")


class RecheckStage(models.TextChoices):
    """When a commitment is re-checked: at completion (竣工) or at full production (达产)."""

    COMPLETION = "completion", _("Completion")
    FULL_PRODUCTION = "full_production", _("Full production")


class CandidateSource(models.TextChoices):
    """Where the candidates of an allocation run come from."""

    APPLICATIONS = "applications", _("Admitted applications")
    KEY_PROJECTS = "key_projects", _("Key projects")


class RunState(models.TextChoices):
    """An allocation run's state: queued as a background job, then done or failed."""

    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")

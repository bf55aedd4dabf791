"""Choices shared by every app: unit kinds, roles, audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of unit (单位类型): the levels of the unit tree."""

    CITY = "city", _("City")
    DEPARTMENT = "department", _("Department")
    COUNTY = "county", _("County / district")
    PARK = "park", _("Park")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class Role(models.TextChoices):
    """What a user may do; the unit a user belongs to limits where (see ``permissions``)."""

    PLAN_OFFICE = "plan_office", _("Plan office (admin)")
    REPORTER = "reporter", _("Unit reporter")
    APPROVER = "approver", _("Unit approver")
    COUNTY = "county", _("County user")
    LEADER = "leader", _("Leader (read-only)")
    #: a rural bureau's case worker (帮扶干部 / 监测帮扶专干) of a county: the only role that sees the
    #: personal data of that county's monitored households in full (issue 15)
    CASE_WORKER = "case_worker", _("Rural case worker")
    #: an officer of the organisation department / party-building office (组织部门): sees talent and
    #: party-organisation records in full, where other roles see counts and masked fields (issue 17)
    PERSONNEL = "personnel", _("Personnel officer")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")

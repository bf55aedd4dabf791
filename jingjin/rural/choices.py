"""Choices of return-to-poverty monitoring (防止返贫动态监测)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonitoringType(models.TextChoices):
    """The three kinds of monitored household (监测对象类型)."""

    UNSTABLE = "unstable", _("Unstable formerly-poor household")
    MARGINAL = "marginal", _("Marginal household at risk")
    SUDDEN = "sudden", _("Sudden-hardship household")


class Channel(models.TextChoices):
    """How the risk became known (发现渠道)."""

    SELF_APPLICATION = "self_application", _("Self-application")
    CADRE_VISIT = "cadre_visit", _("Cadre visit")
    DEPARTMENT_SCREENING = "department_screening", _("Department screening")


class HouseholdState(models.TextChoices):
    """Where a household stands: identified, monitored, its risk eliminated or not confirmed."""

    IDENTIFYING = "identifying", _("Under identification")
    MONITORED = "monitored", _("Monitored")
    ELIMINATED = "eliminated", _("Risk eliminated")
    REJECTED = "rejected", _("Not confirmed")


class Step(models.TextChoices):
    """The identification procedure (识别程序), in order; then the elimination procedure
    (风险消除程序), in order, and its stop."""

    LEAD = "lead", _("Risk lead")
    HOME_VERIFICATION = "home_verification", _("Home verification")
    COMPARISON = "comparison", _("Information comparison")
    VILLAGE_NOTICE = "village_notice", _("Village appraisal and notice")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    COUNTY_APPROVAL = "county_approval", _("County approval")
    ELIMINATION_VERIFICATION = "elimination_verification", _("Elimination: home verification")
    ELIMINATION_NOTICE = "elimination_notice", _("Elimination: village appraisal and notice")
    ELIMINATION_REVIEW = "elimination_review", _("Elimination: township review")
    ELIMINATION_APPROVAL = "elimination_approval", _("Elimination: county approval")
    ELIMINATION_STOPPED = "elimination_stopped", _("Elimination stopped")


#: the identification's steps, in order
STEP_ORDER = [s.value for s in Step][: Step.values.index(Step.COUNTY_APPROVAL) + 1]
#: the elimination's steps, in order
ELIMINATION_ORDER = [
    Step.ELIMINATION_VERIFICATION.value,
    Step.ELIMINATION_NOTICE.value,
    Step.ELIMINATION_REVIEW.value,
    Step.ELIMINATION_APPROVAL.value,
]


class RiskKind(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    EDUCATION = "education", _("Schooling costs")
    DISASTER = "disaster", _("Natural disaster")
    ACCIDENT = "accident", _("Accident")
    INCOME_LOSS = "income_loss", _("Loss of income")
    HOUSING = "housing", _("Unsafe housing")
    WATER = "water", _("Drinking water")


class MeasureKind(models.TextChoices):
    """Assistance measures (帮扶措施)."""

    INDUSTRY = "industry", _("Industry")
    EMPLOYMENT = "employment", _("Employment")
    MEDICAL = "medical", _("Medical")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing")
    INSURANCE = "insurance", _("Insurance")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class LabourCapacity(models.TextChoices):
    ABLE = "able", _("Able to work")
    PARTIAL = "partial", _("Partly able")
    NONE = "none", _("No labour capacity")

"""Choices of talent and party building (人才与党建, issue 17)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TalentCategory(models.TextChoices):
    """Categories of the talent pool (人才库)."""

    LEADING = "leading", _("Leading talent")
    OUTSTANDING = "outstanding", _("Outstanding talent")
    YOUNG_CADRE = "young_cadre", _("Young cadre")
    RURAL = "rural", _("Rural talent")


class TargetKey(models.TextChoices):
    """What a five-year target counts: talents of a category, or outstanding teams (优秀团队)."""

    LEADING = "leading", _("Leading talents")
    OUTSTANDING = "outstanding", _("Outstanding talents")
    YOUNG_CADRE = "young_cadre", _("Young cadres")
    RURAL = "rural", _("Rural talents")
    TEAM = "team", _("Outstanding teams")


class GrowthKind(models.TextChoices):
    """Kinds of entry in a growth file (成长档案)."""

    POSITION = "position", _("Position")
    TRAINING = "training", _("Training")
    ASSESSMENT = "assessment", _("Assessment")
    AWARD = "award", _("Award")
    PROJECT = "project", _("Project")


class ChallengeState(models.TextChoices):
    """States of a 揭榜挂帅 challenge: draft → published → selected → passed / failed."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SELECTED = "selected", _("Team selected")
    PASSED = "passed", _("Accepted (passed)")
    FAILED = "failed", _("Accepted (failed)")


class OrgKind(models.TextChoices):
    """Kinds of party organisation (党组织类型)."""

    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    ENTERPRISE = "enterprise", _("Enterprise")
    MARKET = "market", _("Market")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    TWO_NEW = "two_new", _("Two-new organisation")


class MeetingKind(models.TextChoices):
    """三会一课 and other activities; ``per_quarter`` in :data:`MEETINGS_PER_QUARTER`."""

    MEMBER_ASSEMBLY = "assembly", _("Members' assembly")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    ACTIVITY = "activity", _("Other activity")


#: meetings due per quarter under 三会一课: the assembly once a quarter, the committee and the groups
#: once a month, a party lecture once a quarter (other activities are not due)
MEETINGS_PER_QUARTER = {
    MeetingKind.MEMBER_ASSEMBLY: 1,
    MeetingKind.COMMITTEE: 3,
    MeetingKind.GROUP: 3,
    MeetingKind.LECTURE: 1,
}


class WarningMeasure(models.TextChoices):
    """What a warning rule measures (see :mod:`jingjin.engines.party_warning`)."""

    MISSED_MEETINGS = "missed_meetings", _("Meetings missed in the quarter")
    MEMBER_CHANGE = "member_change_pct", _("Change of members in 12 months (%)")
    VACANCY_DAYS = "vacancy_days", _("Secretary post vacant (days)")
    ACTIVITY_GAP = "activity_gap_months", _("Months without activity")


class PartyWarningLevel(models.TextChoices):
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class PartyWarningState(models.TextChoices):
    """open → rectifying (a plan recorded) → rectified; ``cleared`` when no rule triggers any more."""

    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Being rectified")
    RECTIFIED = "rectified", _("Rectified")
    CLEARED = "cleared", _("Cleared")

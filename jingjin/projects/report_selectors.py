"""Reads of the monthly project reports (项目月报): the projects due in a month with their report,
the review queue, the filtered list of the API, and one report with what its page shows.

A project is due (owes a report) in a month when it is past the reserve (储备) and not yet in
production (投产) — in preparation, under construction or completed in the year — or when it has a
report of that month already. Each read runs a fixed number of queries, whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from jingjin.core.permissions import (
    can_review_reports,
    restrict,
    reviews_every_unit,
)
from jingjin.projects.choices import ProjectState
from jingjin.projects.models import KeyProject, ProjectReport, ProjectReviewComment
from jingjin.reporting.choices import REPORTED_STATES, REVIEW_STATES
from jingjin.reporting.models import ReportingPeriod

#: the states of the projects that report every month
DUE_STATES = (ProjectState.PREPARATION, ProjectState.CONSTRUCTION, ProjectState.COMPLETED)


@dataclass(frozen=True)
class ProjectRow:
    """One project of "my project reports" with its report of the month (None: not started)."""

    project: KeyProject
    report: ProjectReport | None


def projects_due(*, period: ReportingPeriod) -> QuerySet[KeyProject]:
    """The projects that owe a report for ``period`` (see the module's docstring)."""
    due = Q(state__in=DUE_STATES)
    if period.pk is not None:
        due |= Q(reports__period=period)
    return KeyProject.objects.filter(due).distinct()


def missing_by_owner(*, period: ReportingPeriod) -> dict[int, list[str]]:
    """Owning unit id → the codes of its projects due in ``period`` without a submitted,
    resubmitted or approved report of that period (the reminders, 催报, add them to the unit's
    missing reports). One query."""
    reported = ProjectReport.objects.filter(project=OuterRef("pk"), period=period, status__in=REPORTED_STATES)
    rows = projects_due(period=period).exclude(Exists(reported)).order_by("code")
    missing: dict[int, list[str]] = {}
    for unit_id, code in rows.values_list("owner_unit_id", "code"):
        missing.setdefault(unit_id, []).append(code)
    return missing


def my_projects(*, user: Any, period: ReportingPeriod) -> QuerySet[KeyProject]:
    """The due projects whose reports ``user`` fills in or reviews: those of the user's unit scope
    (owning unit, county or park); the plan office every project; leaders none."""
    return restrict(user, "change", projects_due(period=period)).select_related("owner_unit").order_by("code")


def rows_of(projects: list[KeyProject], *, period: ReportingPeriod) -> list[ProjectRow]:
    """``projects`` (one page) with their report of ``period``: one query."""
    reports: dict[int, ProjectReport] = {}
    if period.pk is not None:
        reports = {
            r.project_id: r
            for r in ProjectReport.objects.filter(period=period, project__in=[p.pk for p in projects])
        }
    return [ProjectRow(project=p, report=reports.get(p.pk)) for p in projects]


def review_queue(*, user: Any) -> QuerySet[ProjectReport]:
    """Submitted project reports ``user`` may approve or return, oldest submission first."""
    if not can_review_reports(user):
        return ProjectReport.objects.none()
    reports = ProjectReport.objects.filter(status__in=REVIEW_STATES)
    if not reviews_every_unit(user):
        reports = reports.filter(project__in=restrict(user, "change", KeyProject.objects.all()))
    return reports.select_related("project__owner_unit", "period", "submitted_by").order_by(
        "submitted_at", "pk"
    )


def report_list(
    *,
    user: Any,
    project: str = "",
    period: ReportingPeriod | None = None,
    status: str = "",
    unit: str = "",
) -> QuerySet[ProjectReport]:
    """Project reports ``user`` may see (every signed-in user with a role), filtered by project code,
    period, status and owning unit code."""
    reports = restrict(user, "view", ProjectReport.objects.all())
    if project:
        reports = reports.filter(project__code=project)
    if period is not None:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    if unit:
        reports = reports.filter(project__owner_unit__code=unit)
    return reports.select_related(
        "project__owner_unit", "period", "submitted_by", "reviewed_by", "supervision_item"
    ).prefetch_related("milestones_reached")


def report_of(*, user: Any, pk: int) -> ProjectReport | None:
    """One report with what its page shows, if ``user`` may see it."""
    return (
        restrict(user, "view", ProjectReport.objects.all())
        .select_related(
            "project__owner_unit",
            "project__county",
            "project__park",
            "period",
            "submitted_by",
            "reviewed_by",
            "supervision_item__assignee_unit",
        )
        .prefetch_related("milestones_reached")
        .filter(pk=pk)
        .first()
    )


def review_history(*, report: ProjectReport) -> list[ProjectReviewComment]:
    """Every verdict on the report (returned, approved) with its comment and reviewer, oldest first."""
    return list(report.review_comments.select_related("author").order_by("created_at", "pk"))

"""Reads of appeals: the appeals a user sees, and the mark of each appealed entry of a list or
unit of a scheme's published run."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jingjin.appeals.models import Appeal
from jingjin.assessment.models import RankingList
from jingjin.assessment.scheme_models import RunKind, SchemeRun
from jingjin.core.permissions import appeals_for, has_role

#: one subject of a list: (unit id, project id or None)
Subject = tuple[int, int | None]


def visible_appeals(*, user: Any) -> QuerySet[Appeal]:
    """The appeals ``user`` sees (:func:`jingjin.core.permissions.appeals_for`), newest first."""
    return appeals_for(user, Appeal.objects.all()).select_related(
        "ranking_list__scheme",
        "ranking_list__period",
        "scheme_run__scheme",
        "scheme_run__period",
        "unit",
        "project",
    )


def list_marks(*, ranking_list: RankingList | int) -> dict[Subject, Appeal]:
    """The latest appeal of each appealed entry of a list (its mark on the published list): one
    query, whatever the list's size. A published list and its appeals are public to every user
    with a role, so the marks are not restricted."""
    pk = ranking_list if isinstance(ranking_list, int) else ranking_list.pk
    out: dict[Subject, Appeal] = {}
    for appeal in Appeal.objects.filter(ranking_list_id=pk).order_by("filed_at", "pk"):
        out[(appeal.unit_id, appeal.project_id)] = appeal
    return out


def run_marks(*, scheme_run: SchemeRun | int) -> dict[str, Appeal]:
    """The latest appeal of each appealed unit of a scheme run, by the unit's code (one query). A
    published run is public to every user with a role, so the marks are not restricted."""
    pk = scheme_run if isinstance(scheme_run, int) else scheme_run.pk
    out: dict[str, Appeal] = {}
    for appeal in Appeal.objects.filter(scheme_run_id=pk).select_related("unit").order_by("filed_at", "pk"):
        out[appeal.unit.code] = appeal
    return out


def published_run(*, user: Any, pk: int) -> SchemeRun | None:
    """A published run of a scheme a user with a role sees (the previews are the office's)."""
    if not has_role(user):
        return None
    return SchemeRun.objects.select_related("scheme", "period").filter(pk=pk, kind=RunKind.PUBLISHED).first()


def mark_text(appeal: Appeal | None) -> str:
    """The mark of an appealed entry: 异议：待处理 / 已受理 / 未采纳 (in the active language)."""
    if appeal is None:
        return ""
    return {
        "filed": _("Appeal: pending"),
        "accepted": _("Appeal: accepted"),
        "rejected": _("Appeal: rejected"),
    }.get(appeal.state, "")

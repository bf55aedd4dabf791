"""Template tags that show, on the red/black list pages, which entries were appealed and the
outcome, and the unit's "file an appeal" button: ``{% load appeals_tags %}{% appeal_mark entry list %}``."""

from __future__ import annotations

from typing import Any

from django import template

from jingjin.appeals import selectors, services
from jingjin.appeals.choices import AppealState
from jingjin.assessment.models import RankingEntry, RankingList
from jingjin.assessment.scheme_models import RunKind, SchemeRun
from jingjin.core.models import Unit
from jingjin.core.permissions import may_file_appeal, may_see_appeal

register = template.Library()


def _marks(ranking_list: RankingList) -> dict[selectors.Subject, Any]:
    """The list's marks, read once per list object (one query for a page of entries)."""
    cached = getattr(ranking_list, "_appeal_marks", None)
    if cached is None:
        cached = selectors.list_marks(ranking_list=ranking_list)
        ranking_list._appeal_marks = cached  # type: ignore[attr-defined]
    return cached


@register.inclusion_tag("appeals/_mark.html", takes_context=True)
def appeal_mark(context: Any, entry: RankingEntry, ranking_list: RankingList) -> dict[str, Any]:
    """The entry's appeal mark (异议：待处理 / 已受理 / 未采纳) and, within the window, the button."""
    if not ranking_list.is_published:
        return {"appeal": None, "can_file": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    appeal = _marks(ranking_list).get((entry.unit_id, entry.project_id))
    waiting = appeal is not None and appeal.state == AppealState.FILED
    return {
        "appeal": appeal,
        "mark": selectors.mark_text(appeal),
        "linked": appeal is not None and may_see_appeal(user, appeal),
        "entry": entry,
        "can_file": not waiting
        and services.window_open(ranking_list)
        and may_file_appeal(user, entry.unit_id),
    }


def _run_marks(run: SchemeRun) -> tuple[dict[str, Any], dict[str, int]]:
    """The run's marks and its units' ids by code, read once per run object."""
    cached = getattr(run, "_appeal_marks", None)
    if cached is None:
        codes = [r.get("unit") for r in run.rows or []]
        ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
        cached = (selectors.run_marks(scheme_run=run), ids)
        run._appeal_marks = cached  # type: ignore[attr-defined]
    return cached


@register.inclusion_tag("appeals/_run_mark.html", takes_context=True)
def run_appeal_mark(context: Any, row: dict[str, Any], run: SchemeRun | None) -> dict[str, Any]:
    """A unit's appeal mark on a scheme's published run and, within the window, the button."""
    if not isinstance(run, SchemeRun) or run.kind != RunKind.PUBLISHED:
        return {"appeal": None, "can_file": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    marks, ids = _run_marks(run)
    code = row.get("unit", "")
    appeal = marks.get(code)
    waiting = appeal is not None and appeal.state == AppealState.FILED
    return {
        "appeal": appeal,
        "mark": selectors.mark_text(appeal),
        "linked": appeal is not None and may_see_appeal(user, appeal),
        "run": run,
        "code": code,
        "can_file": not waiting
        and code in ids
        and services.run_window_open(run)
        and may_file_appeal(user, ids[code]),
    }


@register.inclusion_tag("appeals/_window.html")
def appeal_window(ranking_list: RankingList | None = None) -> dict[str, Any]:
    """The appeal window of a published list (异议期) and the link to the appeals; without a list,
    the link only."""
    end = services.window_end(ranking_list) if ranking_list is not None else None
    open_ = ranking_list is not None and end is not None and services.window_open(ranking_list)
    return {"window_end": end, "window_open": open_}

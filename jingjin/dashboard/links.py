"""Where each figure of the cockpit leads (drill-down, 逐级穿透).

Every number, bar, row and light of the cockpit opens the list behind it, filtered so that the
list holds what the number counted:

* a status light (overall, of an action, of a county) → the cockpit's task list
  (``/cockpit/tasks/``) with the same status, action or county — the same tasks, with the same
  latest completion and status;
* an action → its page in the plan tree; a task → its page;
* the late, missing and waiting-for-review reports → the period overview (``/reports/overview/``)
  filtered by state (for those who may see the overview); an attention row → the report (the
  task page when the report is missing);
* supervision items overdue or due soon → the supervision list filtered by signal;
* open warnings → the warning list filtered by level;
* a county or a unit on a red/black list → the unit's scorecard (``/units/<code>/``); a list →
  its page;
* a month of the trends → the cockpit of that month.

The links are relative URLs. :func:`cockpit_links` gives them to the page, :func:`chart_links`
to the charts (in the JSON the chart script reads) and :func:`add_json_links` to the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from jingjin.core import clock
from jingjin.core.permissions import may_see_report_overview
from jingjin.core.reversing import reverser
from jingjin.dashboard.results import STATUS_KEYS, ActionRow, Cockpit, CountyRow, StatusCount, TaskRow
from jingjin.reporting.choices import REVIEW_STATES
from jingjin.reporting.lists import MISSING, ReportRow
from jingjin.reporting.models import ReportingPeriod

#: status key (``on_track``…) → status code, for the ``status`` parameter of the task list
STATUS_CODES: dict[str, int] = {key: code for code, key in STATUS_KEYS.items()}

#: the value of the period overview's ``state`` filter for reports waiting for review
REVIEW_STATE = "submitted"


def _query(url: str, params: list[tuple[str, str]]) -> str:
    kept = [(name, value) for name, value in params if value]
    return f"{url}?{urlencode(kept)}" if kept else url


def _plan_code(data: Any) -> str:
    return data.plan.code if data.plan is not None and len(data.plans) > 1 else ""


def tasks_url(data: Any, *, status: int | None = None, action: str = "", county: str = "") -> str:
    """The cockpit's task list for the period and plan of ``data`` (a Cockpit or a TaskList)."""
    return _query(
        reverse("dashboard:tasks"),
        [
            ("period", data.period.code),
            ("plan", _plan_code(data)),
            ("action", action),
            ("county", county),
            ("status", STATUS_KEYS[status] if status is not None else ""),
        ],
    )


def cockpit_url(data: Any, period_code: str) -> str:
    return _query(reverse("dashboard:cockpit"), [("period", period_code), ("plan", _plan_code(data))])


def overview_url(period: ReportingPeriod, state: str = "") -> str:
    """The period overview of the reports, filtered by ``state`` (a reporting state filter)."""
    return _query(reverse("reporting:overview"), [("period", period.code), ("state", state)])


def task_url(data: Any, code: str) -> str:
    return reverse("plans:task", args=[data.plan.code, code]) if data.plan is not None else ""


def task_urls(data: Any) -> Callable[[str], str]:
    """:func:`task_url` for many tasks of ``data``'s plan, the pattern reversed once
    (:func:`jingjin.core.reversing.reverser`)."""
    if data.plan is None:
        return lambda code: ""
    return reverser("plans:task", data.plan.code)


def report_url(data: Any, row: ReportRow) -> str:
    """The report of an attention row, or the task's page when the report is missing."""
    if row.missing:
        return task_url(data, row.code)
    return reverse("reporting:report", args=[data.period.code, row.task_id])


def scorecard_url(code: str, period: str = "") -> str:
    """The scorecard (单位画像) of the unit ``code``, at the month ``period`` (``YYYY-MM``; default:
    the month being reported on)."""
    if not code:
        return ""
    url = reverse("unit", args=[code])
    return f"{url}?{urlencode({'period': period})}" if period else url


def attention_state(rows: list[ReportRow]) -> str:
    """The overview's state filter that lists exactly the late or missing reports of ``rows``:
    once the deadline has passed every missing report is late too (``late``); before it no report
    can be late yet (``missing``)."""
    return MISSING if any(r.missing and not r.late for r in rows) else "late"


@dataclass
class CockpitLinks:
    """The links of the cockpit page (see the module's docstring)."""

    tasks: str
    status: list[tuple[StatusCount, str]]
    actions: list[tuple[ActionRow, str, list[tuple[StatusCount, str]]]]
    attention: list[tuple[ReportRow, str]]
    #: ``all``, ``attention``, ``late``, ``missing``, ``review`` → the overview; empty when the
    #: user may not see the overview
    reports: dict[str, str]
    review_count: int
    supervision: dict[str, str]
    warnings: dict[str, str]
    counties: dict[str, str] = field(default_factory=dict)


def _status_links(data: Any, counts: list[StatusCount], **where: str) -> list[tuple[StatusCount, str]]:
    return [(c, tasks_url(data, status=c.code, **where)) for c in counts]


def _report_links(data: Cockpit, user: Any) -> dict[str, str]:
    if not may_see_report_overview(user):
        return {}
    return {
        "all": overview_url(data.period),
        "attention": overview_url(data.period, attention_state(data.report_rows)),
        "late": overview_url(data.period, "late"),
        "missing": overview_url(data.period, MISSING),
        "review": overview_url(data.period, REVIEW_STATE),
    }


def _on(data: Cockpit) -> str:
    """``&on=YYYY-MM-DD`` when the cockpit counts items and warnings as they stood on a past day
    (a past month), so that the list shows what the number counted; empty for today."""
    day = getattr(data, "items_day", None)
    if day is None or day >= clock.today():
        return ""
    return f"&on={day.isoformat()}"


def _supervision_links(data: Cockpit) -> dict[str, str]:
    url, on = reverse("supervision:list"), _on(data)
    return {"overdue": f"{url}?signal=overdue{on}", "due_soon": f"{url}?signal=due_soon{on}"}


def _warning_links(data: Cockpit) -> dict[str, str]:
    url, on = reverse("alerts:list"), _on(data)
    return {
        "all": f"{url}?{on[1:]}" if on else url,
        "red": f"{url}?level=red{on}",
        "yellow": f"{url}?level=yellow{on}",
    }


def review_count(data: Cockpit) -> int:
    """Reports of the period waiting for review (submitted or resubmitted)."""
    return sum(1 for r in data.report_rows if r.state in REVIEW_STATES)


def cockpit_links(data: Cockpit, *, user: Any, attention_limit: int = 50) -> CockpitLinks:
    """Every link of the cockpit page for ``data`` as ``user`` sees it."""
    return CockpitLinks(
        tasks=tasks_url(data),
        status=_status_links(data, data.counts),
        actions=[
            (
                a,
                reverse("plans:action", args=[data.plan.code, a.code]) if data.plan is not None else "",
                _status_links(data, a.counts, action=a.code),
            )
            for a in data.actions
        ],
        attention=[(r, report_url(data, r)) for r in data.attention_rows[:attention_limit]],
        reports=_report_links(data, user),
        review_count=review_count(data),
        supervision=_supervision_links(data),
        warnings=_warning_links(data),
        counties={c.code: scorecard_url(c.code, data.period.code) for c in data.counties},
    )


def chart_links(data: Cockpit) -> dict[str, Any]:
    """The targets of the chart clicks, parallel to :func:`as_json.chart_data`'s series."""
    counties = [c for c in data.counties if c.tasks]
    return {
        "actions": [
            reverse("plans:action", args=[data.plan.code, a.code]) if data.plan is not None else ""
            for a in data.actions
        ],
        "status": [tasks_url(data, status=c.code) for c in data.counts if c.count],
        "trends": [cockpit_url(data, p.month) for p in data.trends],
        "counties": [[tasks_url(data, status=code, county=c.code) for c in counties] for code in STATUS_KEYS],
        "county_pages": [scorecard_url(c.code, data.period.code) for c in counties],
    }


def _task_links(data: Cockpit, tasks: list[TaskRow]) -> list[str]:
    url = task_urls(data)
    return [url(t.code) for t in tasks]


def with_task_urls(data: Any, tasks: list[TaskRow]) -> list[tuple[TaskRow, str]]:
    """Each of ``tasks`` with its page (a table row of the cockpit or its task list)."""
    url = task_urls(data)
    return [(t, url(t.code)) for t in tasks]


def _county_links(data: Cockpit, county: CountyRow) -> dict[str, Any]:
    return {
        "url": scorecard_url(county.code, data.period.code),
        "links": {
            "tasks": tasks_url(data, county=county.code),
            **{c.key: tasks_url(data, status=c.code, county=county.code) for c in county.counts},
        },
    }


def add_json_links(body: dict[str, Any], data: Cockpit, *, user: Any) -> dict[str, Any]:
    """Add the drill-down links to :func:`as_json.cockpit_json`'s ``body`` (nothing removed):
    ``links`` at the top; ``url`` and ``links`` of each action, county and trend month; ``url``
    of each task, attention row and red/black list entry. Returns ``body``."""
    body["links"] = {
        "tasks": tasks_url(data),
        "status": {c.key: url for c, url in _status_links(data, data.counts)},
        "reports": _report_links(data, user),
        "supervision": _supervision_links(data),
        "warnings": _warning_links(data),
    }
    body["reports"]["review"] = review_count(data)
    for action_json, action in zip(body["actions"], data.actions, strict=True):
        action_json["url"] = (
            reverse("plans:action", args=[data.plan.code, action.code]) if data.plan is not None else ""
        )
        action_json["links"] = {
            "tasks": tasks_url(data, action=action.code),
            **{c.key: url for c, url in _status_links(data, action.counts, action=action.code)},
        }
        for task_json, url in zip(action_json["tasks"], _task_links(data, action.tasks), strict=True):
            task_json["url"] = url
    for row_json, row in zip(body["reports"]["attention"], data.attention_rows, strict=True):
        row_json["url"] = report_url(data, row)
    for county_json, county in zip(body["counties"], data.counties, strict=True):
        county_json.update(_county_links(data, county))
    for trend in body["trends"]:
        trend["url"] = cockpit_url(data, trend["month"])
    body["ranking_lists"] = [ranking_links(ranking) for ranking in body["ranking_lists"]]
    return body


def list_url(ranking: dict[str, Any]) -> str:
    """The page of a red/black list of :func:`selectors.ranking_lists` ("" without an id)."""
    return reverse("assessment:list", args=[ranking["id"]]) if ranking.get("id") is not None else ""


def ranking_links(ranking: dict[str, Any]) -> dict[str, Any]:
    """A copy of a red/black list of :func:`selectors.ranking_lists` with ``url`` (the list's
    page) and each entry's ``url`` (the unit's scorecard)."""
    return {
        **ranking,
        "url": list_url(ranking),
        "red": [
            {**e, "url": scorecard_url(e.get("code", ""), ranking.get("period", ""))} for e in ranking["red"]
        ],
        "black": [
            {**e, "url": scorecard_url(e.get("code", ""), ranking.get("period", ""))}
            for e in ranking["black"]
        ],
    }

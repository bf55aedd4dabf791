"""The cockpit's figures as JSON: the data of the ECharts charts and the API's body."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jingjin.dashboard.results import STATUS_HEX, STATUS_KEYS, Cockpit, StatusCount, TaskRow, status_label
from jingjin.supervision.models import SupervisionItem


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def chart_data(data: Cockpit) -> dict[str, Any]:
    """The data of the cockpit's ECharts charts (for a ``json_script`` tag)."""
    return {
        "actions": {
            "labels": [a.code for a in data.actions],
            "names": [a.name for a in data.actions],
            "progress": [_round(a.progress) for a in data.actions],
            "axis": str(_("Progress, percent")),
        },
        "status": [{"name": str(c.label), "value": c.count, "colour": c.hex} for c in data.counts if c.count],
        "trends": {
            "months": [p.month for p in data.trends],
            "progress": [_round(p.progress) for p in data.trends],
            "on_time": [
                None if p.on_time_rate is None else round(p.on_time_rate * 100, 1) for p in data.trends
            ],
            "progress_name": str(_("Plan progress")),
            "on_time_name": str(_("On-time rate")),
        },
        "counties": {
            "names": [c.name for c in data.counties if c.tasks],
            "series": [
                {
                    "name": str(status_label(code)),
                    "colour": STATUS_HEX[code],
                    "values": [sum(1 for t in c.tasks if t.status == code) for c in data.counties if c.tasks],
                }
                for code in STATUS_KEYS
            ],
        },
    }


def _task_json(task: TaskRow) -> dict[str, Any]:
    return {
        "code": task.code,
        "name": task.name,
        "lead_unit": task.lead_unit,
        "reported_pct": task.reported_pct,
        "expected_pct": _round(task.expected_pct),
        "status": task.status_key,
    }


def _counts_json(counts: list[StatusCount]) -> dict[str, int]:
    return {c.key: c.count for c in counts}


def _item_json(item: SupervisionItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "title": item.title,
        "unit": item.assignee_unit.code,
        "deadline": item.deadline.isoformat(),
        "state": item.state,
    }


def cockpit_json(data: Cockpit) -> dict[str, Any]:
    """The cockpit's figures as plain JSON (the API ``/api/cockpit``)."""
    return {
        "plan": None if data.plan is None else {"code": data.plan.code, "name": data.plan.name},
        "period": {"code": data.period.code, "deadline": data.period.deadline.isoformat()},
        "as_of": data.as_of.isoformat(),
        "progress": _round(data.progress),
        "coverage": round(data.coverage, 4),
        "status_counts": _counts_json(data.counts),
        "actions": [
            {
                "code": a.code,
                "name": a.name,
                "weight": a.weight,
                "progress": _round(a.progress),
                "coverage": round(a.coverage, 4),
                "status_counts": _counts_json(a.counts),
                "worst_status": STATUS_KEYS[a.worst_status],
                "tasks": [_task_json(t) for t in a.tasks],
            }
            for a in data.actions
        ],
        "reports": {
            "due": len(data.report_rows),
            "late": len(data.late_rows),
            "missing": len(data.missing_rows),
            "attention": [
                {
                    "task": r.task.code,
                    "task_name": r.task.name,
                    "unit": r.task.lead_unit.code if r.task.lead_unit is not None else None,
                    "state": r.state,
                    "late": r.late,
                    "missing": r.missing,
                }
                for r in data.attention_rows
            ],
        },
        "supervision": {
            "as_of": data.items_day.isoformat() if data.items_day is not None else None,
            "overdue_count": data.overdue_count,
            "due_soon_count": data.due_soon_count,
            "overdue": [_item_json(i) for i in data.overdue_items],
            "due_soon": [_item_json(i) for i in data.due_soon_items],
        },
        "trends": [
            {
                "month": p.month,
                "progress": _round(p.progress),
                "on_time_rate": None if p.on_time_rate is None else round(p.on_time_rate, 4),
                "reports": p.reports,
                "on_time": p.on_time,
                "due": p.due,
            }
            for p in data.trends
        ],
        "counties": [
            {
                "code": c.code,
                "name": c.name,
                "status_counts": _counts_json(c.counts),
                "tasks": [{"code": t.code, "status": t.status_key} for t in c.tasks],
            }
            for c in data.counties
        ],
        "ranking_lists": data.ranking_lists,
        "open_warnings": data.open_warnings,
        "synthetic": data.synthetic,
    }

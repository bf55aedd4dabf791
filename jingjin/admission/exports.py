"""Exports of the admission app through :mod:`jingjin.core.exports` (formula prefixes
neutralised): a run's candidates with the optimum, the greedy rule and the reasons, and its
summary (quotas with use and shadow price)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jingjin.admission.models import AllocationRun
from jingjin.core.exports import append_row, xlsx_bytes


def run_workbook(run: AllocationRun) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Candidates"))
    append_row(
        sheet,
        [
            "project_id", _("Name"), "benefit", "land_mu", "energy_tce", "env_units", "leading", "must",
            "exclude", "selected", _("Greedy rule"), _("Reason"),
        ],
    )  # fmt: skip
    for c in run.candidates.order_by("id"):
        append_row(
            sheet,
            [
                c.project_id, c.label, c.benefit, c.land_mu, c.energy_tce, c.env_units, int(c.leading),
                int(c.must), int(c.exclude), _flag(c.selected), _flag(c.greedy_selected), c.reason,
            ],
        )  # fmt: skip
    summary = workbook.create_sheet(_("Summary"))
    s: dict[str, Any] = run.summary or {}
    for key in ("objective", "bound", "gap", "proven", "status", "lp_bound"):
        append_row(summary, [key, s.get(key)])
    append_row(summary, ["greedy objective", (s.get("greedy") or {}).get("objective")])
    append_row(summary, [])
    append_row(summary, [_("Quota"), "limit", "used", "slack", "binds", "shadow_price"])
    for name, use in (s.get("quotas") or {}).items():
        append_row(
            summary,
            [name, use["limit"], use["used"], use["slack"], int(use["binds"]), use.get("shadow_price")],
        )
    return xlsx_bytes(workbook)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)

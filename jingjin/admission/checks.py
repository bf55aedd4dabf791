"""From the registers to the admission engine (:func:`jingjin.engines.land.admit`) and back.

An application is checked against the three registers, none typed by hand:

* the **industry catalogue** (产业结构调整指导目录): the class of its catalogue entry (鼓励 / 允许 /
  限制 / 淘汰; no entry = 允许类) is the engine's ``catalogue`` column;
* the **zoning unit** (三线一单 环境管控单元): its admission lists give the engine's ``zoning``
  column — the project's catalogue code, industry or parent industry on the prohibited list →
  不通过 (fail), on the restricted list → 有条件 (conditional); a priority protection unit
  (优先保护单元) admits industrial projects only under conditions → 有条件; otherwise 通过;
* the **standard-land thresholds** (标准地控制指标) of its park and industry (the most specific row
  wins, an empty park or industry matches any): the engine compares the committed figures.

The engine's decision table (:class:`~jingjin.engines.land.AdmissionRules`) gives the result; every
register adds a line to the reasons, passed or not. Pure functions of model instances and plain
values: the services read and write.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from jingjin.engines.land import THRESHOLD_CHECKS, admit

#: the engine's zoning codes
ZONING_PASS, ZONING_CONDITIONAL, ZONING_FAIL = "pass", "conditional", "fail"
#: the committed figures re-checked, and whether more is better (False: energy, less is better)
COMMITMENT = (
    ("investment_intensity", True),
    ("output_per_mu", True),
    ("tax_per_mu", True),
    ("energy_per_output", False),
)
SEVERITY = {"encouraged": 0, "restricted": 1, "prohibited": 2}


@dataclass(frozen=True)
class CheckResult:
    """The outcome (encouraged / restricted / prohibited) and every register's lines."""

    outcome: str
    reasons: list[dict[str, Any]]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def application_codes(application: Any) -> list[str]:
    """The codes an admission list may name for this application: its catalogue code, its
    industry's code and its parent industry's code."""
    codes = []
    if application.catalogue_entry is not None:
        codes.append(application.catalogue_entry.code)
    industry = application.industry
    codes.append(industry.code)
    if industry.parent is not None:
        codes.append(industry.parent.code)
    return codes


def zoning_result(application: Any) -> tuple[str, dict[str, Any]]:
    """The engine's zoning code for the application's zoning unit, with its reason line."""
    unit = application.zoning_unit
    codes = application_codes(application)
    listed = [c for c in codes if c in (unit.prohibited or [])]
    where = f"{unit.code} {unit.name}"
    if listed:
        text = _("Zoning unit %(unit)s prohibits %(codes)s.") % {"unit": where, "codes": ", ".join(listed)}
        return ZONING_FAIL, {"register": "zoning", "ok": False, "text": text}
    listed = [c for c in codes if c in (unit.restricted or [])]
    if listed:
        text = _("Zoning unit %(unit)s restricts %(codes)s.") % {"unit": where, "codes": ", ".join(listed)}
        return ZONING_CONDITIONAL, {"register": "zoning", "ok": False, "text": text}
    if unit.unit_type == "priority":
        text = _(
            "Zoning unit %(unit)s is a priority protection unit: industrial projects only under conditions."
        )
        return ZONING_CONDITIONAL, {"register": "zoning", "ok": False, "text": text % {"unit": where}}
    text = _("Zoning unit %(unit)s: not on its admission lists.") % {"unit": where}
    return ZONING_PASS, {"register": "zoning", "ok": True, "text": text}


def catalogue_result(application: Any) -> tuple[str, dict[str, Any]]:
    """The engine's catalogue code (the entry's class; no entry = permitted) and its reason line."""
    entry = application.catalogue_entry
    if entry is None:
        text = _("Not in the industry catalogue: permitted class.")
        return "permitted", {"register": "catalogue", "ok": True, "text": text}
    ok = entry.klass in ("encouraged", "permitted")
    text = _("Catalogue %(version)s, %(code)s %(name)s: %(klass)s.") % {
        "version": entry.version,
        "code": entry.code,
        "name": entry.name,
        "klass": entry.get_klass_display(),
    }
    return str(entry.klass), {"register": "catalogue", "ok": ok, "text": text}


def _threshold_frame(thresholds: list[Any]) -> pl.DataFrame:
    checks = [c for c in THRESHOLD_CHECKS if c != "min_rd_intensity"]
    rows = [
        {"park": t.park_key, "industry": t.industry_key, **{c: _number(getattr(t, c)) for c in checks}}
        for t in thresholds
    ]
    schema = {"park": pl.String, "industry": pl.String, **dict.fromkeys(checks, pl.Float64)}
    return pl.DataFrame(rows, schema=schema)


def _has_threshold(application: Any, thresholds: list[Any]) -> bool:
    park, industry = application.park.code, application.industry.code
    keys = {(t.park_key, t.industry_key) for t in thresholds}
    return bool(keys & {(park, industry), (park, "*"), ("*", industry), ("*", "*")})


def project_frame(application: Any, catalogue: str, zoning: str) -> pl.DataFrame:
    """The engine's one-row projects table: committed totals from the per-mu commitment."""
    land = float(application.land_mu)
    output = float(application.output_per_mu) * land
    return pl.DataFrame(
        {
            "project_id": [application.code],
            "park": [application.park.code],
            "industry": [application.industry.code],
            "land_mu": [land],
            "investment_10k": [float(application.investment_intensity) * land],
            "tax_10k": [float(application.tax_per_mu) * land],
            "output_10k": [output],
            "energy_tce": [float(application.energy_per_output) * output],
            "plot_ratio": [_number(application.plot_ratio)],
            "catalogue": [catalogue],
            "zoning": [zoning],
        },
        schema_overrides={"plot_ratio": pl.Float64},
    )


def check_application(application: Any, thresholds: list[Any]) -> CheckResult:
    """Check ``application`` against the catalogue, its zoning unit and ``thresholds`` (every
    standard-land threshold row) with the admission engine."""
    catalogue, catalogue_line = catalogue_result(application)
    zoning, zoning_line = zoning_result(application)
    reasons = [catalogue_line, zoning_line]
    found = _has_threshold(application, thresholds)
    table = _threshold_frame(thresholds if found else [])
    if not found:
        table = pl.DataFrame({"park": ["*"], "industry": ["*"]}).with_columns(
            [pl.lit(None, pl.Float64).alias(c) for c in table.columns[2:]]
        )
    result = admit(project_frame(application, catalogue, zoning), table)
    outcome = str(result["admission"][0])
    engine_lines = [r for r in str(result["reasons"][0] or "").split("; ") if r]
    threshold_lines = [r for r in engine_lines if not r.startswith(("产业结构调整指导目录", "三线一单"))]
    if not found:
        text = _("No standard-land thresholds for park %(park)s and industry %(industry)s.") % {
            "park": application.park.code,
            "industry": application.industry.code,
        }
        reasons.append({"register": "thresholds", "ok": False, "text": text})
        outcome = max(outcome, "restricted", key=SEVERITY.__getitem__)
    elif threshold_lines:
        reasons += [{"register": "thresholds", "ok": False, "text": line} for line in threshold_lines]
    else:
        reasons.append(
            {"register": "thresholds", "ok": True, "text": _("Every standard-land threshold is met.")}
        )
    return CheckResult(outcome=outcome, reasons=reasons)


def shortfalls(application: Any, actual: dict[str, Decimal | None]) -> list[dict[str, Any]]:
    """Each committed figure the actual one falls short of (less investment, output or tax per
    mu, more energy per output), with the gap in per cent of the commitment; an actual figure not
    entered is not checked."""
    out = []
    for name, more_is_better in COMMITMENT:
        value = actual.get(name)
        committed = getattr(application, name)
        if value is None or committed is None:
            continue
        short = value < committed if more_is_better else value > committed
        if short:
            gap = float((value - committed) / committed * 100) if committed else None
            out.append(
                {
                    "indicator": name,
                    "committed": float(committed),
                    "actual": float(value),
                    "gap_pct": None if gap is None else round(gap, 1),
                }
            )
    return out

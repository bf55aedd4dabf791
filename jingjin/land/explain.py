"""The plain explanation of a firm's result (评价说明): each indicator with its value, the
benchmark and the points, then the score, rank and class — or why the firm was not graded."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jingjin.land.choices import SourceKind


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.4g}" if abs(float(value)) < 1000 else f"{float(value):,.0f}"


def flag_text(flag: str) -> str:
    """A result's flag (``outlier:tax_per_mu``, ``missing:energy``, ``not_graded:land_mu``) in words."""
    kind, _sep, what = flag.partition(":")
    if kind == "outlier":
        return _("%(indicator)s above the 99.9th percentile: check the data") % {"indicator": what}
    if kind == "missing":
        label = SourceKind(what).label if what in SourceKind.values else what
        return _("not in the source: %(source)s") % {"source": label}
    if kind == "not_graded":
        if what == "segment":
            return _("not graded: the scheme does not grade this size of firm")
        return _("not graded: %(column)s is missing or zero") % {"column": what}
    return flag


class Explainer:
    """Explains results in the active language; the texts are translated once (a run explains
    100,000 firms)."""

    def __init__(self) -> None:
        self.item = _("%(label)s: %(value)s %(unit)s (benchmark %(benchmark)s) → %(points)s points")
        self.outcome = _("Score %(score)s, rank %(rank)s: class %(cls)s.")
        self.not_graded = _("Not graded.")
        self.reasons: dict[str, str] = {}

    def __call__(self, row: dict[str, Any]) -> str:
        lines = []
        for name, points in row["points"].items():
            mark = row["benchmarks"].get(name, {})
            lines.append(
                self.item
                % {
                    "label": mark.get("label", name),
                    "value": _fmt(row["indicators"].get(mark.get("indicator", name))),
                    "unit": mark.get("unit", ""),
                    "benchmark": _fmt(mark.get("benchmark")),
                    "points": _fmt(points),
                }
            )
        if row["firm_class"]:
            lines.append(
                self.outcome % {"score": _fmt(row["score"]), "rank": row["rank"], "cls": row["firm_class"]}
            )
        else:
            reasons = []
            for f in row["flags"]:
                if f.startswith("not_graded"):
                    if f not in self.reasons:
                        self.reasons[f] = flag_text(f)
                    reasons.append(self.reasons[f])
            lines.append(self.not_graded + (" " + "; ".join(reasons) if reasons else ""))
        return "\n".join(lines)


def explanation(row: dict[str, Any]) -> str:
    """One line per scored indicator, then the outcome (:class:`Explainer` for many rows)."""
    return Explainer()(row)

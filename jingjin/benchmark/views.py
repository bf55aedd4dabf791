"""Pages of benchmarking (对标): the comparison, charts, composite index, Excel export, imports."""

from __future__ import annotations

import io
import math
from typing import Any

import polars as pl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jingjin.benchmark import selectors, services
from jingjin.benchmark.models import CatalogueIndicator, Direction, GrowthKind
from jingjin.benchmark.statistics import errors_messages
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.engines import benchmark as engine
from jingjin.i18n import translated

#: short Chinese-first labels of the engine's flags (their long English help is engine.FLAGS)
FLAG_LABELS = {
    "outlier": gettext_lazy("outlier"),
    "best_outlier": gettext_lazy("best is an outlier"),
    "series_break_or_revision": gettext_lazy("series break?"),
    "per_capita_base_2019": gettext_lazy("old population base"),
    "zero_value": gettext_lazy("zero value"),
    "no_base_value": gettext_lazy("no base year"),
    "no_leader_growth": gettext_lazy("no leader growth"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _plan_city(cities: list[Any]) -> str:
    """The default city of the comparison: the city of the plan being run, when the statistics
    hold it (遂宁市 → 遂宁), else the first city."""
    from jingjin.plans.models import Plan

    plan = Plan.objects.order_by("-end_year", "code").first()
    found = selectors.statistics_city(plan_city=plan.city) if plan is not None else None
    return found or (cities[0].name_zh if cities else "")


class Comparison:
    """Everything the comparison page and its Excel export show, computed once."""

    def __init__(self, request: HttpRequest):
        user = request.user
        self.user = user
        self.groups = list(selectors.peer_groups(user=user))
        self.cities = list(selectors.cities(user=user))
        self.years = selectors.years(user=user)
        self.catalogue = {i.code: i for i in selectors.catalogue(user=user)}
        params = request.GET
        self.focus = params.get("focus") or _plan_city(self.cities)
        self.group = next(
            (g for g in self.groups if g.code == params.get("group")), self.groups[0] if self.groups else None
        )
        self.year = _int(params.get("year"), self.years[-1] if self.years else 0)
        if self.years and self.year not in self.years:
            self.year = self.years[-1]
        self.target_error = ""
        asked = params.get("target_year", "").strip()
        if asked:
            self.target_year: int | None = _int(asked, 0)
            if self.target_year is None or not self.year < self.target_year <= 2100:
                self.target_error = _(
                    "The target year must be a year after the data year %(year)d (and at most 2100)."
                ) % {"year": self.year}
                self.target_year = None
        else:
            plan_end = _plan_end_year()
            self.target_year = plan_end if plan_end is not None and plan_end > self.year else None
        self.peers = [c.name_zh for c in self.group.cities.all()] if self.group else []
        self.data = selectors.statistics_frame(user=user)
        self.directions = {code: i.direction for code, i in self.catalogue.items()}
        self.error = ""
        self.rows: list[dict[str, Any]] = []
        self.table = pl.DataFrame()
        try:
            self.table = engine.compare(
                self.data,
                focus=self.focus,
                year=self.year,
                peers=self.peers,
                directions=self.directions,
                strict=False,
                target_year=self.target_year,
                growth={code: i.growth for code, i in self.catalogue.items()},
                comparable_from={
                    code: i.comparable_from for code, i in self.catalogue.items() if i.comparable_from
                },
            )
        except ValueError as exc:
            self.error = str(exc)
        sources = selectors.sources(user=user, cities=[self.focus], year=self.year)
        for row in self.table.iter_rows(named=True):
            indicator = self.catalogue[row["indicator"]]
            rank, n = row["rank"], row["n"]
            share = (rank - 1) / max(n - 1, 1)
            self.rows.append(
                {
                    **row,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "direction": indicator.direction,
                    "rank_class": "text-bg-success"
                    if share <= 1 / 3
                    else ("text-bg-danger" if share >= 2 / 3 else "text-bg-warning"),
                    "flags": [
                        {"label": FLAG_LABELS.get(f, f), "help": engine.FLAGS.get(f, f)}
                        for f in (row.get("flags") or "").split(";")
                        if f
                    ],
                    "source": sources.get((self.focus, row["indicator"]), ""),
                }
            )
        chosen = request.GET.getlist("indicator")
        available = list(self.table["indicator"].to_list()) if self.table.height else []
        self.index_choices = [self.catalogue[c] for c in available]
        default = [
            c for c in available if self.catalogue[c].growth == GrowthKind.LEVEL or c.startswith("pm25")
        ]
        self.index_indicators = [c for c in chosen if c in available] or default
        self.index_rows: list[dict[str, Any]] = []
        self.index_columns: list[dict[str, Any]] = []
        self.index_excluded: list[str] = []
        self.index_error = ""
        if len(self.index_indicators) >= 2:
            group = [*self.peers, *([self.focus] if self.focus not in self.peers else [])]
            try:
                index = engine.composite_index(
                    self.data,
                    year=self.year,
                    indicators=self.index_indicators,
                    peers=group,
                    directions=self.directions,
                    strict=False,
                )
                weights = engine.composite_weights(
                    self.data,
                    year=self.year,
                    indicators=self.index_indicators,
                    peers=group,
                    directions=self.directions,
                    strict=False,
                )
            except ValueError as exc:
                self.index_error = str(exc)
            else:
                weight_of = dict(
                    zip(weights["indicator"].to_list(), weights["weight"].to_list(), strict=True)
                )
                self.index_columns = [
                    {"code": c, "name": self.catalogue[c].name, "weight": weight_of.get(c)}
                    for c in self.index_indicators
                ]
                for row in index.iter_rows(named=True):
                    if row["rank"] is None:
                        self.index_excluded.append(f"{row['city']} ({row['missing']})")
                        continue
                    self.index_rows.append(
                        {
                            "rank": row["rank"],
                            "city": row["city"],
                            "score": row["score"],
                            "contributions": [row[f"contribution_{c}"] for c in self.index_indicators],
                        }
                    )

    def chart_data(self) -> dict[str, Any]:
        radar: dict[str, Any] = {"indicators": [], "series": []}
        if self.table.height >= 3:
            chart = engine.radar(
                self.data,
                focus=self.focus,
                year=self.year,
                peers=self.peers,
                directions=self.directions,
                strict=False,
                indicators=self.table["indicator"].to_list(),
            )
            radar["indicators"] = [self.catalogue[c].name for c in chart["indicator"].to_list()]
            radar["series"] = [
                {"name": self.focus, "values": [_finite(v) for v in chart["focus_score"].to_list()]},
                {"name": _("Best"), "values": [_finite(v) for v in chart["best_score"].to_list()]},
                {"name": _("Median"), "values": [_finite(v) for v in chart["median_score"].to_list()]},
            ]
        ranks: dict[str, Any] = {"years": [], "series": [], "axis": _("rank")}
        if self.focus and self.peers:
            history = engine.rank_history(
                self.data, city=self.focus, peers=self.peers, directions=self.directions, strict=False
            )
            years = sorted(set(history["year"].to_list()))
            ranks["years"] = years
            for code in self.catalogue:
                part = history.filter(pl.col("indicator") == code)
                if part.height == 0:
                    continue
                by_year = dict(zip(part["year"].to_list(), part["rank"].to_list(), strict=True))
                ranks["series"].append(
                    {"name": self.catalogue[code].name, "values": [by_year.get(y) for y in years]}
                )
        return {"radar": radar, "ranks": ranks}


def _plan_end_year() -> int | None:
    """The default target year: the last year of the latest plan."""
    from jingjin.plans.models import Plan

    return Plan.objects.order_by("-end_year").values_list("end_year", flat=True).first()


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    result = Comparison(request)
    keep = [(k, v) for k in ("focus", "group", "year", "target_year") for v in request.GET.getlist(k)]
    return render(
        request,
        "benchmark/compare.html",
        {
            "cities": result.cities,
            "groups": result.groups,
            "years": result.years,
            "focus": result.focus,
            "group": result.group,
            "year": result.year,
            "target_year": result.target_year,
            "rows": result.rows,
            "error": result.error,
            "chart_data": result.chart_data(),
            "export_query": request.GET.urlencode(),
            "keep": keep,
            "index_choices": result.index_choices,
            "index_indicators": result.index_indicators,
            "index_rows": result.index_rows,
            "index_columns": result.index_columns,
            "index_excluded": result.index_excluded,
            "index_error": result.index_error,
            "can_import": can_add(request.user),
            "target_error": result.target_error,
            "target_input": request.GET.get("target_year", "")[:10],
        },
        status=400 if result.target_error else 200,
    )


#: how the export rounds and shows numbers, as the page does: values and medians with two
#: decimals (the ``number`` filter), percentages with one (``pct``), index scores with four and
#: contributions with three; values stay numbers, with a number format
VALUE_DECIMALS, PCT_DECIMALS, SCORE_DECIMALS, SHARE_DECIMALS = 2, 1, 4, 3
VALUE_FORMAT, PCT_FORMAT, SCORE_FORMAT, SHARE_FORMAT = "#,##0.00", "0.0", "0.0000", "0.000"


def _rounded(value: Any, decimals: int) -> float | None:
    number = _finite(value)
    return round(number, decimals) if number is not None else None


def _format(sheet: Any, row: int, formats: dict[int, str]) -> None:
    for column, number_format in formats.items():
        sheet.cell(row=row, column=column).number_format = number_format


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The comparison, the composite index, the ranks over the years and the data with sources, as
    Excel: headers in the UI's language, numbers rounded as on the page (numbers, not texts), every
    text neutralised against formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from jingjin.core.texts import append_row

    result = Comparison(request)
    if result.target_error:
        return HttpResponse(result.target_error, status=400, content_type="text/plain; charset=utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comparison")[:31]
    append_row(
        sheet,
        [
            _("Benchmarking against peer cities"),
            result.focus,
            result.group.name if result.group else "",
            result.year,
        ],
    )
    needed = _("Needed / yr") + (f" ({result.target_year}) %" if result.target_year else " %")
    header = [
        _("Indicator"),
        _("Unit"),
        _("Direction"),
        result.focus,
        _("Rank"),
        _("Cities compared"),
        _("Median"),
        _("Best"),
        _("Best value"),
        _("Gap to best") + " %",
        _("Gap to median") + " %",
        _("Growth / yr") + " %",
        needed,
        _("Flags"),
        _("Source"),
    ]
    append_row(sheet, header)
    fills = {"text-bg-success": "C6EFCE", "text-bg-warning": "FFEB9C", "text-bg-danger": "FFC7CE"}
    value_columns = {4: VALUE_FORMAT, 7: VALUE_FORMAT, 9: VALUE_FORMAT}
    pct_columns = {10: PCT_FORMAT, 11: PCT_FORMAT, 12: PCT_FORMAT, 13: PCT_FORMAT}
    for row in result.rows:
        number = append_row(
            sheet,
            [
                row["name"],
                row["unit"],
                str(Direction(row["direction"]).label),
                _rounded(row["value"], VALUE_DECIMALS),
                row["rank"],
                row["n"],
                _rounded(row["median"], VALUE_DECIMALS),
                row["best_city"],
                _rounded(row["best_value"], VALUE_DECIMALS),
                _rounded(row["gap_to_best_pct"], PCT_DECIMALS),
                _rounded(row["gap_to_median_pct"], PCT_DECIMALS),
                _rounded(row.get("cagr_pct"), PCT_DECIMALS),
                _rounded(row.get("required_growth_pct"), PCT_DECIMALS),
                "; ".join(str(f["label"]) for f in row["flags"]),
                row["source"],
            ],
        )
        _format(sheet, number, {**value_columns, **pct_columns})
        sheet.cell(row=number, column=5).fill = PatternFill("solid", fgColor=fills[row["rank_class"]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    index = workbook.create_sheet(_("Composite index")[:31])
    append_row(
        index,
        [
            _("Rank"),
            _("City"),
            _("Score"),
            *[
                f"{c['name']} (w={c['weight']:.4f})" if c["weight"] is not None else c["name"]
                for c in result.index_columns
            ],
        ],
    )
    for row in result.index_rows:
        number = append_row(
            index,
            [
                row["rank"],
                row["city"],
                _rounded(row["score"], SCORE_DECIMALS),
                *[_rounded(c, SHARE_DECIMALS) for c in row["contributions"]],
            ],
        )
        _format(
            index,
            number,
            {3: SCORE_FORMAT, **{4 + i: SHARE_FORMAT for i in range(len(row["contributions"]))}},
        )
    if result.index_excluded:
        index.append([])
        append_row(index, [_("Left out (missing values)"), "、".join(result.index_excluded)])
    ranks = workbook.create_sheet(_("Ranks over years")[:31])
    chart = result.chart_data()["ranks"]
    append_row(ranks, [_("Indicator"), *chart["years"]])
    for series in chart["series"]:
        append_row(ranks, [series["name"], *series["values"]])
    data = workbook.create_sheet(_("Data and sources")[:31])
    append_row(data, [_("City"), _("Year"), _("Indicator"), _("Value"), _("Unit"), _("Source")])
    from jingjin.benchmark.models import Statistic

    for s in (
        Statistic.objects.restrict(request.user, "view")
        .filter(is_current=True, city__name_zh__in=sorted({*result.peers, result.focus}))
        .select_related("city", "indicator")
        .order_by("indicator__position", "city__name_zh", "year")
    ):
        number = append_row(
            data,
            [s.city.name_zh, s.year, s.indicator.code, float(s.value), s.unit, s.source],
        )  # the stored values, exact: this sheet is the data behind the comparison
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"benchmark-{result.year}-{result.group.code if result.group else 'none'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_statistics(request: HttpRequest) -> HttpResponse:
    if not can_add(request.user):
        return render(
            request, "403.html", {"reason": _("Only the plan office may import statistics.")}, status=403
        )
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        name = (upload.name or "") if upload is not None else ""
        fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if upload is None:
            errors = [_("Choose a file to import.")]
        else:
            try:
                summary = services.statistics_import(
                    raw=upload.read(),
                    fmt=fmt,
                    actor=request.user,
                    source="web",
                    add_cities=request.POST.get("add_cities") == "on",
                )
            except services.StatisticsFileError as exc:
                errors = [translated(line) for line in errors_messages(exc.errors)]
            else:
                messages.success(
                    request,
                    _("Imported: %(c)d new values, %(r)d revised, %(u)d unchanged.")
                    % {"c": summary.created, "r": summary.revised, "u": summary.unchanged},
                )
                if summary.cities_created:
                    messages.info(
                        request,
                        _("New cities added: %(cities)s.") % {"cities": "、".join(summary.cities_created)},
                    )
                return redirect("benchmark:compare")
    context = {"errors": errors, "add_cities": request.POST.get("add_cities") == "on"}
    return render(request, "benchmark/import.html", context, status=400 if errors else 200)


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CatalogueIndicator
        fields = [
            "code",
            "name_zh",
            "name_en",
            "unit",
            "direction",
            "growth",
            "comparable_from",
            "description_zh",
            "description_en",
        ]


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST or None) if can_add(request.user) else None
    file_error = ""
    if request.method == "POST":
        if form is None:
            reason = _("Only the plan office may change the catalogue.")
            return render(request, "403.html", {"reason": reason}, status=403)
        upload = request.FILES.get("catalogue_file")
        if upload is not None:
            form = IndicatorForm()
            try:
                changed = services.catalogue_import(raw=upload.read(), actor=request.user)
            except ValueError as exc:
                file_error = str(exc)
            else:
                text = _("Catalogue file loaded: %(n)d indicators added or changed.") % {"n": changed}
                messages.success(request, text)
                return redirect("benchmark:catalogue")
        elif form.is_valid():
            try:
                services.indicator_create(actor=request.user, data=form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("benchmark:catalogue")
    context = {"indicators": selectors.catalogue(user=request.user), "form": form, "file_error": file_error}
    return render(request, "benchmark/catalogue.html", context, status=400 if file_error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        if not can_add(request.user):
            return render(
                request, "403.html", {"reason": _("Only the plan office may change peer groups.")}, status=403
            )
        code = request.POST.get("code", "").strip()
        cities = request.POST.getlist("cities")
        try:
            if not code or not cities:
                raise ValueError(_("Give a code and choose at least one city."))
            services.peer_group_save(
                actor=request.user,
                code=code,
                name_zh=request.POST.get("name_zh", code),
                name_en=request.POST.get("name_en", code),
                cities=cities,
            )
        except (ValueError, ValidationError) as exc:
            error = str(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("benchmark:groups")
    return render(
        request,
        "benchmark/groups.html",
        {
            "groups": selectors.peer_groups(user=request.user),
            "cities": selectors.cities(user=request.user),
            "error": error,
            "can_edit": can_add(request.user),
        },
        status=400 if error else 200,
    )

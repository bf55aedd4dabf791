"""Pages of benchmarking (对标): the comparison, charts, composite index, Excel export, imports."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.benchmark import selectors, services
from jingjin.benchmark.job_kinds import KIND as STATISTICS_IMPORT
from jingjin.benchmark.models import CatalogueIndicator, Direction
from jingjin.benchmark.statistics import errors_messages
from jingjin.core.bounds import bound_texts
from jingjin.core.limits import in_background
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.i18n import translated
from jingjin.jobs.kinds import file_type
from jingjin.jobs.services import job_submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the badge of a rank band (selectors.rank_band)
BAND_CLASSES = {"top": "text-bg-success", "middle": "text-bg-warning", "bottom": "text-bg-danger"}


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    result = selectors.Comparison(user=request.user, params=request.GET)
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
            "rows": [{**row, "rank_class": BAND_CLASSES[row["band"]]} for row in result.rows],
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
    number = selectors.finite(value)
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

    result = selectors.Comparison(user=request.user, params=request.GET)
    if result.target_error:
        return HttpResponse(result.target_error, status=400, content_type="text/plain; charset=utf-8")
    workbook = Workbook()
    _comparison_sheet(workbook.active, result)
    _index_sheet(workbook.create_sheet(_("Composite index")[:31]), result)
    _ranks_sheet(workbook.create_sheet(_("Ranks over years")[:31]), result)
    _data_sheet(workbook.create_sheet(_("Data and sources")[:31]), result, request.user)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"benchmark-{result.year}-{result.group.code if result.group else 'none'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _comparison_sheet(sheet: Any, result: selectors.Comparison) -> None:
    """The export's first sheet: the comparison table, each rank coloured by its band."""
    from openpyxl.styles import Font, PatternFill

    from jingjin.core.exports import append_row

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
    fills = {"top": "C6EFCE", "middle": "FFEB9C", "bottom": "FFC7CE"}
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
        sheet.cell(row=number, column=5).fill = PatternFill("solid", fgColor=fills[row["band"]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)


def _index_sheet(index: Any, result: selectors.Comparison) -> None:
    """The composite index: rank, city, score and each indicator's contribution (its weight in
    the header), then the cities left out."""
    from jingjin.core.exports import append_row

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


def _ranks_sheet(ranks: Any, result: selectors.Comparison) -> None:
    """The focus city's rank per indicator and year."""
    from jingjin.core.exports import append_row

    chart = result.chart_data()["ranks"]
    append_row(ranks, [_("Indicator"), *chart["years"]])
    for series in chart["series"]:
        append_row(ranks, [series["name"], *series["values"]])


def _data_sheet(data: Any, result: selectors.Comparison, user: Any) -> None:
    """The stored values behind the comparison (the group's and the focus city's), with sources."""
    from jingjin.benchmark.models import Statistic
    from jingjin.core.exports import append_row

    append_row(data, [_("City"), _("Year"), _("Indicator"), _("Value"), _("Unit"), _("Source")])
    for s in (
        Statistic.objects.restrict(user, "view")
        .filter(is_current=True, city__name_zh__in=sorted({*result.peers, result.focus}))
        .select_related("city", "indicator")
        .order_by("indicator__position", "city__name_zh", "year")
    ):
        append_row(
            data,
            [s.city.name_zh, s.year, s.indicator.code, float(s.value), s.unit, s.source],
        )  # the stored values, exact: this sheet is the data behind the comparison


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
        fmt = file_type(name)
        if upload is None:
            errors = [_("Choose a file to import.")]
        elif in_background(upload.size):  # a large file: imported by a job, not while the request waits
            try:
                job = job_submit(
                    actor=request.user,
                    kind=STATISTICS_IMPORT,
                    params={"source": "web", "add_cities": request.POST.get("add_cities") == "on"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:  # e.g. a file name with control characters
                errors = list(exc.messages)
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
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
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_texts(self)

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

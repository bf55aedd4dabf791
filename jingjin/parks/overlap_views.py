"""The overlap page (同质化): the parks × parks Jaccard heatmap, the flagged pairs with the
sub-industries they share, and the leading industries shared by counties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingjin.parks import overlap as overlap_rules


@login_required
def overlap(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("threshold", "").replace("\x00", "")[:16]
    threshold = overlap_rules.parse_threshold(typed) if typed else None
    error = _("The threshold is a number above 0 and at most 1.") if typed and threshold is None else ""
    report = overlap_rules.overlap_report(user=request.user, threshold=threshold)
    chart = {**report.heatmap, "label": _("Overlap (Jaccard index)")}
    return render(
        request,
        "parks/overlap.html",
        {"report": report, "chart": chart, "error": error, "typed": typed},
        status=400 if error else 200,
    )

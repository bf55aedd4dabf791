"""Overlap between parks (同质化) and leading industries shared by counties, from the rules
engine (:func:`jingjin.engines.parks.overlap`, :func:`jingjin.engines.parks.shared_leading`).

The parks' sub-industry sets (``Park.industries``) are compared by the Jaccard index; pairs at
or above the threshold (setting ``JINGJIN_PARK_OVERLAP_THRESHOLD``, default 0.5, or the page's
``?threshold=``) are flagged with the sub-industries they share. A fixed number of queries
whatever the number of parks: the parks, the two membership tables, the counties and the names
of the industries shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from jingjin.core.models import Unit
from jingjin.engines import parks as parks_engine
from jingjin.parks.models import Industry, Park

#: the flagged pairs listed (the highest index first); the heatmap shows every pair
PAIRS_SHOWN = 100
#: the shared sub-industries named for each listed pair (the number says how many in all); with
#: PAIRS_SHOWN, keeps the names' query to one (SQLite's parameter limit is 999)
SHARED_SHOWN = 8


@dataclass
class FlaggedPair:
    first: Park
    second: Park
    index: float
    shared: list[Industry]  # the first SHARED_SHOWN, by id
    shared_count: int


@dataclass
class SharedRow:
    industry: Industry
    counties: list[Unit]


@dataclass
class OverlapReport:
    threshold: float
    parks: list[Park] = field(default_factory=list)
    pairs: list[FlaggedPair] = field(default_factory=list)
    flagged: int = 0
    shared: list[SharedRow] = field(default_factory=list)
    heatmap: dict[str, Any] = field(default_factory=dict)


def default_threshold() -> float:
    return float(getattr(settings, "JINGJIN_PARK_OVERLAP_THRESHOLD", 0.5))


def parse_threshold(text: str | None) -> float | None:
    """A threshold typed on the page: a number in (0, 1]; None when empty or not such a number."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= 1 else None


def overlap_report(*, user: Any, threshold: float | None = None) -> OverlapReport:
    """The overlap matrix of the parks ``user`` may see, the pairs at or above ``threshold``
    (the setting's when None) and the leading industries shared by two counties or more."""
    limit = default_threshold() if threshold is None else threshold
    parks = list(Park.objects.restrict(user, "view").select_related("unit", "county").order_by("unit__code"))
    report = OverlapReport(threshold=limit, parks=parks)
    if not parks:
        return report
    pks = np.array([park.pk for park in parks], dtype=np.int64)
    members = np.array(
        list(Park.industries.through.objects.filter(park__in=parks).values_list("park_id", "industry_id")),
        dtype=np.int64,
    ).reshape(-1, 2)
    sorter = np.argsort(pks)
    rows = sorter[np.searchsorted(pks, members[:, 0], sorter=sorter)]
    result = parks_engine.overlap(rows, members[:, 1], n_parks=len(parks), threshold=limit)
    report.flagged = int(result.pairs.shape[0])
    shown = result.pairs[:PAIRS_SHOWN]
    # each park's sub-industries as a sorted array: the shared ones of the listed pairs only
    order = np.lexsort((members[:, 1], rows))
    bounds = np.searchsorted(rows[order], np.arange(len(parks) + 1))
    held = members[order, 1]
    shared_ids = [
        np.intersect1d(held[bounds[i] : bounds[i + 1]], held[bounds[j] : bounds[j + 1]]).tolist()
        for i, j in shown.tolist()
    ]
    named = [ids[:SHARED_SHOWN] for ids in shared_ids]
    leading = _shared_leading(parks)
    wanted = {pk for ids in named for pk in ids} | {pk for pk, _c in leading}
    industries = Industry.objects.in_bulk(wanted)
    report.pairs = [
        FlaggedPair(parks[i], parks[j], float(value), [industries[pk] for pk in ids[:SHARED_SHOWN]], len(ids))
        for (i, j), value, ids in zip(shown.tolist(), result.pair_index.tolist(), shared_ids, strict=False)
    ]
    report.shared = [SharedRow(industries[pk], counties) for pk, counties in leading]
    report.heatmap = _heatmap(parks, result.matrix)
    return report


def _shared_leading(parks: list[Park]) -> list[tuple[int, list[Unit]]]:
    """(industry id, counties) of each leading industry held by parks of two counties or more."""
    county_of = {park.pk: park.county_id for park in parks if park.county_id}
    pairs = [
        (county_of[park_id], industry_id)
        for park_id, industry_id in Park.leading_industries.through.objects.filter(
            park__in=list(county_of)
        ).values_list("park_id", "industry_id")
    ]
    if not pairs:
        return []
    counties_ids, industry_ids = zip(*pairs, strict=True)
    result = parks_engine.shared_leading(counties_ids, industry_ids)
    counties = {park.county_id: park.county for park in parks if park.county is not None}
    return [
        (int(result.industry[k]), [counties[c] for c in result.counties(k).tolist()])
        for k in range(len(result))
    ]


def _heatmap(parks: list[Park], matrix: np.ndarray) -> dict[str, Any]:
    """The ECharts heatmap's data: park codes and names, and [column, row, index] triples
    (two decimals) of every pair with a non-zero index (the diagonal left out)."""
    i, j = np.nonzero(matrix)
    off = i != j
    values = np.round(matrix[i[off], j[off]], 2)
    cells = np.column_stack((j[off], i[off], values)).tolist()  # whole numbers as floats: 3.0
    return {
        "codes": [park.unit.code for park in parks],
        "names": [park.unit.name for park in parks],
        "cells": cells,
    }

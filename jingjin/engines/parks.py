"""Rules of industrial parks (园区): leading-industry caps, overlap between parks, chain gaps.

Action 3 of the plan: "一园一主业、园区主导产业省级及以下不超过2个、国家级不超过3个" (one leading
industry per park at least; at most 2 leading industries for a provincial or lower park, 3 for
a national park), 同质化 (parks and counties competing with the same industries), and 补链延链
拓链 (filling the gaps of each industrial chain, 链长制). Four pure, vectorised functions, arrays
in and arrays out (numpy, scipy.sparse), no file input/output, no Django:

**Caps** — :func:`check_caps`. A park's level is one of :data:`LEVELS` (national 国家级,
provincial 省级, city 市级 and below; codes 0, 1, 2). For park *p*:

    cap_p     = caps[level_p]                     (default :data:`DEFAULT_CAPS`: 3, 2, 2)
    over_p    = leading_count_p > cap_p
    missing_p = leading_count_p = 0               (一园一主业: at least one)

The caps are configurable (``caps=``, ``jingjin parks check --cap-national`` …).

**Overlap** — :func:`overlap`. The sub-industry sets A, B of two parks are compared by the
Jaccard index (Jaccard 1901)::

    J(A, B) = |A ∩ B| / |A ∪ B| = |A ∩ B| / (|A| + |B| − |A ∩ B|),   J = 0 when A ∪ B = ∅

so {a, b, c} against {b, c, d} gives 2 / 4 = 0.5, disjoint sets 0, equal non-empty sets 1. The
intersections of all pairs are one sparse product M Mᵀ of the park × sub-industry membership
matrix M (scipy.sparse, cost Σ over sub-industries of (parks holding it)²). Pairs i < j with
J ≥ ``threshold`` (inclusive, configurable, default 0.5) are flagged, the highest index first.

**Shared leading industries** — :func:`shared_leading`. A leading industry held by parks of
``min_counties`` (default 2) or more counties: 同质化 across counties.

**Chain gaps** — :func:`chain_gaps`. For link *l* of a chain with importance w_l ∈ [0, 1] and
reference output R_l (the output a complete local link would have, in the same unit as the
firms' output, e.g. 万元), the local firms' output on the link is O_l = Σ output of the
(firm, link) rows on *l*, and::

    coverage_l = min(1, O_l / R_l)                            when R_l > 0
    coverage_l = 1 if the link has a firm else 0              when R_l is 0 or NaN (unknown)
    score_l    = w_l × (1 − coverage_l)

A link without any local firm scores its importance; a fully covered link scores 0. A firm on
several links gives one row per (firm, link) with the output attributed to that link (the
caller splits a firm's output; this engine never double-counts by itself). The reference
output is the configurable part of the formula: the importance weights and references come
with the links.

Errors: :class:`~jingjin.engines.errors.InputError` naming the argument and the 0-based
positions at fault — mismatched lengths, an unknown level, a non-integer or out-of-range id, a
negative or non-finite count, output or reference (a reference may be NaN: unknown), an
importance outside [0, 1], a threshold outside (0, 1], a cap that is not a whole number ≥ 0.
See docs/parks.md for worked examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from jingjin.engines.errors import InputError

__all__ = [
    "DEFAULT_CAPS",
    "LEVELS",
    "LEVEL_NAMES_ZH",
    "CapCheck",
    "Gaps",
    "Overlap",
    "SharedLeading",
    "chain_gaps",
    "check_caps",
    "level_codes",
    "overlap",
    "shared_leading",
]

#: Park levels, codes 0..2 (provincial and city parks share the lower cap by default).
LEVELS = ("national", "provincial", "city")
#: The Chinese names, also accepted by :func:`level_codes`.
LEVEL_NAMES_ZH = {"national": "国家级", "provincial": "省级", "city": "市级"}
#: 一园一主业: at most 3 leading industries for a national park, 2 for provincial and below.
DEFAULT_CAPS = {"national": 3, "provincial": 2, "city": 2}

_LEVEL_CODE = {name: code for code, name in enumerate(LEVELS)}
_LEVEL_CODE.update({zh: _LEVEL_CODE[name] for name, zh in LEVEL_NAMES_ZH.items()})
_LEVEL_CODE.update({str(code): code for code in range(len(LEVELS))})


def _positions(mask: npt.NDArray[np.bool_], limit: int = 10) -> str:
    """``position 3`` / ``positions 3, 8 and 12 more`` (0-based) where ``mask`` is true."""
    where = np.flatnonzero(mask)
    shown = ", ".join(str(int(i)) for i in where[:limit])
    more = f" and {where.size - limit} more" if where.size > limit else ""
    return f"{'position' if where.size == 1 else 'positions'} {shown}{more}"


def _vector(name: str, values: Any) -> npt.NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(f"{name}: expected a one-dimensional array, got shape {array.shape}")
    return array


def _numbers(name: str, array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """An object array of numbers (e.g. ``Decimal`` from a database, ``None`` for unknown) as
    float64, ``None`` as NaN; other arrays unchanged."""
    if array.dtype != object:
        return array
    try:
        return np.array([np.nan if v is None else float(v) for v in array.tolist()], dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected numbers, got a value that is not a number") from None


def _ids(name: str, values: Any, size: int | None = None) -> npt.NDArray[np.int64]:
    """Whole numbers ≥ 0 (and < ``size`` when given) as int64."""
    array = _vector(name, values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    array = _numbers(name, array)
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array) | (array != np.round(array))
        if bad.any():
            raise InputError(f"{name}: not a whole number at {_positions(bad)}")
    elif array.dtype.kind not in "iu":
        raise InputError(f"{name}: expected integer ids, got {array.dtype}")
    ids = array.astype(np.int64)
    bad = ids < 0 if size is None else (ids < 0) | (ids >= size)
    if bad.any():
        bound = "≥ 0" if size is None else f"between 0 and {size - 1}"
        raise InputError(f"{name}: id not {bound} at {_positions(bad)}")
    return ids


def _floats(name: str, values: Any, *, allow_nan: bool = False) -> npt.NDArray[np.float64]:
    """Finite numbers ≥ 0 as float64 (NaN allowed with ``allow_nan``)."""
    array = _numbers(name, _vector(name, values))
    if array.dtype.kind not in "iufb":
        raise InputError(f"{name}: expected numbers, got {array.dtype}")
    out = array.astype(np.float64)
    bad = np.isinf(out) | (np.isnan(out) if not allow_nan else np.zeros(out.shape, dtype=bool))
    if bad.any():
        raise InputError(f"{name}: not a finite number at {_positions(bad)}")
    negative = out < 0
    if negative.any():
        raise InputError(f"{name}: negative value at {_positions(negative)}")
    return out


def _same_length(**arrays: npt.NDArray[Any]) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InputError(f"the arrays must have the same length: {listed}")


# ---------------------------------------------------------------------------------------------
# Caps


@dataclass(frozen=True)
class CapCheck:
    """Leading industries of each park against its level's cap (一园一主业)."""

    leading_count: np.ndarray  # int64 per park
    cap: np.ndarray  # int64 per park
    over: np.ndarray  # bool per park: leading_count > cap
    missing: np.ndarray  # bool per park with no leading industry (一园一主业 asks for one at least)


def level_codes(levels: Any) -> npt.NDArray[np.int64]:
    """Level names (``national``, ``provincial``, ``city``, any case, or 国家级/省级/市级) or codes
    0..2 (numbers or digits) as int64 codes; :class:`InputError` naming the positions of an unknown level."""
    array = _vector("levels", levels)
    if array.size and array.dtype.kind in "iuf":
        codes = _ids("levels", array)
        bad = codes >= len(LEVELS)
        if bad.any():
            raise InputError(
                f"levels: unknown level code at {_positions(bad)}; use 0, 1 or 2 ({', '.join(LEVELS)})"
            )
        return codes
    names = [str(v).strip() for v in array.tolist()]
    codes_list = [_LEVEL_CODE.get(n, _LEVEL_CODE.get(n.lower(), -1)) for n in names]
    codes = np.asarray(codes_list, dtype=np.int64)
    bad = codes < 0
    if bad.any():
        first = names[int(np.flatnonzero(bad)[0])]
        raise InputError(
            f"levels: unknown level {first!r} at {_positions(bad)}; use {', '.join(LEVELS)} "
            f"({', '.join(LEVEL_NAMES_ZH.values())})"
        )
    return codes


def _cap_table(caps: Mapping[str, Any]) -> npt.NDArray[np.int64]:
    unknown = sorted(set(caps) - set(LEVELS))
    if unknown:
        raise InputError(f"caps: unknown level {unknown[0]!r}; the levels are {', '.join(LEVELS)}")
    table = np.zeros(len(LEVELS), dtype=np.int64)
    for code, level in enumerate(LEVELS):
        value = caps.get(level, DEFAULT_CAPS[level])
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise InputError(f"caps: the cap of {level} must be a whole number ≥ 0, got {value!r}")
        table[code] = int(value)
    return table


def check_caps(levels: Any, leading_count: Any, caps: Mapping[str, Any] = DEFAULT_CAPS) -> CapCheck:
    """Compare each park's number of leading industries (主导产业) with its level's cap.

    ``levels``: level names or codes per park (:func:`level_codes`); ``leading_count``: whole
    numbers ≥ 0 per park; ``caps``: level → cap, levels left out keep :data:`DEFAULT_CAPS`.
    A park is ``over`` when it has more leading industries than its cap (exactly at the cap is
    allowed) and ``missing`` when it has none.
    """
    codes = level_codes(levels)
    counts = _ids("leading_count", leading_count)
    _same_length(levels=codes, leading_count=counts)
    cap = _cap_table(caps)[codes]
    return CapCheck(leading_count=counts, cap=cap, over=counts > cap, missing=counts == 0)


# ---------------------------------------------------------------------------------------------
# Overlap


@dataclass(frozen=True)
class Overlap:
    """Jaccard index of every pair of parks' sub-industry sets, and the pairs at or above the threshold."""

    matrix: np.ndarray  # float64 (n_parks, n_parks); diagonal 1 (0 for a park without sub-industry)
    pairs: np.ndarray  # int64 (m, 2): park indices i < j with index ≥ threshold, highest index first
    pair_index: np.ndarray  # float64 (m,): their index
    sizes: np.ndarray  # int64 (n_parks,): distinct sub-industries of each park
    shared: np.ndarray  # int64 (m,): sub-industries the pair shares, |A ∩ B|


def _membership(park_ids: Any, industry_ids: Any, n_parks: int | None) -> tuple[sparse.csr_array, int]:
    """The park × sub-industry 0/1 matrix (duplicates once; only sub-industries that occur)."""
    parks = _ids("park_ids", park_ids)
    industries = _ids("industry_ids", industry_ids)
    _same_length(park_ids=parks, industry_ids=industries)
    if n_parks is None:
        n_parks = int(parks.max()) + 1 if parks.size else 0
    elif isinstance(n_parks, bool) or not isinstance(n_parks, int | np.integer) or n_parks < 0:
        raise InputError(f"n_parks: expected a whole number ≥ 0, got {n_parks!r}")
    n_parks = int(n_parks)
    if parks.size and int(parks.max()) >= n_parks:
        raise InputError(f"park_ids: id not between 0 and {n_parks - 1} at {_positions(parks >= n_parks)}")
    columns, column_of = np.unique(industries, return_inverse=True)
    keys = np.unique(parks * max(columns.size, 1) + column_of)
    rows, cols = np.divmod(keys, max(columns.size, 1))
    data = np.ones(keys.size, dtype=np.int32)
    matrix = sparse.csr_array((data, (rows, cols)), shape=(n_parks, columns.size))
    return matrix, n_parks


def overlap(
    park_ids: Any, industry_ids: Any, *, n_parks: int | None = None, threshold: float = 0.5
) -> Overlap:
    """Jaccard index of the sub-industry sets of every pair of parks (同质化).

    Membership is given as two aligned integer arrays, one entry per (park, sub-industry);
    park ids are 0..n_parks−1 (``n_parks`` defaults to the largest id + 1, so a park without
    sub-industries needs it), sub-industry ids any whole numbers ≥ 0. Repeated entries count
    once. ``threshold`` ∈ (0, 1] (a float, or a Decimal from a setting) is inclusive: a pair
    with J = threshold is flagged.
    """
    try:
        limit = float(threshold) if not isinstance(threshold, bool | str) else np.nan
    except (TypeError, ValueError):
        limit = np.nan
    if not 0 < limit <= 1:  # NaN fails too
        raise InputError(f"threshold: expected a number in (0, 1], got {threshold!r}")
    matrix, n = _membership(park_ids, industry_ids, n_parks)
    inter = (matrix @ matrix.T).toarray().astype(np.float64)
    sizes = matrix.sum(axis=1).astype(np.int64)
    union = sizes[:, None] + sizes[None, :] - inter
    jaccard = np.divide(inter, union, out=np.zeros((n, n), dtype=np.float64), where=union > 0)
    i, j = np.triu_indices(n, 1)
    values = jaccard[i, j]
    keep = values >= limit
    i, j, values = i[keep], j[keep], values[keep]
    order = np.lexsort((j, i, -values))
    pairs = np.column_stack((i[order], j[order])).astype(np.int64).reshape(-1, 2)
    shared = inter[pairs[:, 0], pairs[:, 1]].astype(np.int64)
    return Overlap(matrix=jaccard, pairs=pairs, pair_index=values[order], sizes=sizes, shared=shared)


# ---------------------------------------------------------------------------------------------
# Leading industries shared by counties


@dataclass(frozen=True)
class SharedLeading:
    """Leading industries held in ``min_counties`` counties or more, the most widely shared first.

    The counties of ``industry[k]`` are ``county_ids[offsets[k]:offsets[k + 1]]`` (ascending);
    :meth:`counties` gives them.
    """

    industry: np.ndarray  # int64 (m,)
    n_counties: np.ndarray  # int64 (m,)
    county_ids: np.ndarray  # int64 (Σ n_counties,)
    offsets: np.ndarray  # int64 (m + 1,)

    def counties(self, k: int) -> npt.NDArray[np.int64]:
        """The counties sharing ``industry[k]``."""
        return np.asarray(self.county_ids[self.offsets[k] : self.offsets[k + 1]], dtype=np.int64)

    def __len__(self) -> int:
        return int(self.industry.size)


def shared_leading(county_ids: Any, leading_industry_ids: Any, *, min_counties: int = 2) -> SharedLeading:
    """Leading industries shared across counties (同质化): one entry per (county, leading
    industry) — e.g. per (park, leading industry) with the park's county; repeats count once.

    Ordered by the number of counties (descending), then by industry id.
    """
    counties = _ids("county_ids", county_ids)
    industries = _ids("leading_industry_ids", leading_industry_ids)
    _same_length(county_ids=counties, leading_industry_ids=industries)
    if isinstance(min_counties, bool) or not isinstance(min_counties, int | np.integer) or min_counties < 1:
        raise InputError(f"min_counties: expected a whole number ≥ 1, got {min_counties!r}")
    pairs = np.unique(np.column_stack((industries, counties)), axis=0).reshape(-1, 2)
    unique, starts, counts = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    keep = counts >= min_counties
    order = np.lexsort((unique[keep], -counts[keep]))
    chosen_starts, chosen_counts = starts[keep][order], counts[keep][order]
    offsets = np.zeros(chosen_counts.size + 1, dtype=np.int64)
    np.cumsum(chosen_counts, out=offsets[1:])
    within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], chosen_counts)
    county_list = pairs[np.repeat(chosen_starts, chosen_counts) + within, 1]
    return SharedLeading(
        industry=unique[keep][order].astype(np.int64),
        n_counties=chosen_counts.astype(np.int64),
        county_ids=county_list.astype(np.int64),
        offsets=offsets,
    )


# ---------------------------------------------------------------------------------------------
# Chain gaps


@dataclass(frozen=True)
class Gaps:
    """Gap score of each chain link (补链): importance × (1 − coverage by local firms' output)."""

    coverage: np.ndarray  # float64 per link, in [0, 1]
    score: np.ndarray  # float64 per link = importance × (1 − coverage)
    local_output: np.ndarray  # float64 per link: Σ output of the local (firm, link) rows
    firms: np.ndarray  # int64 per link: number of (firm, link) rows


def chain_gaps(
    link_importance: Any,
    link_reference_output: Any,
    firm_link_ids: Any,
    firm_output: Any,
    *,
    n_links: int | None = None,
) -> Gaps:
    """Gap score per link of the industrial chains (补链延链拓链), see the module docstring.

    ``link_importance`` ∈ [0, 1] and ``link_reference_output`` ≥ 0 (NaN: unknown) per link;
    ``firm_link_ids`` (0..n_links−1) and ``firm_output`` ≥ 0 per (firm, link) row, in the same
    unit as the reference. ``n_links``, when given, must equal the number of links.
    """
    importance = _floats("link_importance", link_importance)
    above = importance > 1
    if above.any():
        raise InputError(f"link_importance: above 1 at {_positions(above)}; importance is in [0, 1]")
    reference = _floats("link_reference_output", link_reference_output, allow_nan=True)
    _same_length(link_importance=importance, link_reference_output=reference)
    if n_links is not None and n_links != importance.size:
        raise InputError(f"n_links: {n_links!r} differs from the {importance.size} links given")
    links = _ids("firm_link_ids", firm_link_ids, importance.size)
    output = _floats("firm_output", firm_output)
    _same_length(firm_link_ids=links, firm_output=output)
    local = np.bincount(links, weights=output, minlength=importance.size).astype(np.float64)
    firms = np.bincount(links, minlength=importance.size).astype(np.int64)
    known = reference > 0  # NaN compares false: unknown reference
    ratio = np.divide(local, reference, out=np.zeros_like(local), where=known)
    coverage = np.where(known, np.minimum(1.0, ratio), (firms > 0).astype(np.float64))
    return Gaps(coverage=coverage, score=importance * (1.0 - coverage), local_output=local, firms=firms)

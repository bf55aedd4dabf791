"""The parks rules engine (``jingjin.engines.parks``) against values worked by hand.

Caps: 一园一主业, national ≤ 3, provincial and city ≤ 2, at least one. Overlap: Jaccard index
|A ∩ B| / |A ∪ B| of sub-industry sets. Gaps: importance × (1 − min(1, local output / reference)).
"""

from __future__ import annotations

import numpy as np
import pytest

from jingjin.engines.errors import InputError
from jingjin.engines.parks import (
    DEFAULT_CAPS,
    chain_gaps,
    check_caps,
    level_codes,
    overlap,
    shared_leading,
)

# ---------------------------------------------------------------------------------------------
# Caps


def test_caps_exactly_at_and_one_over_each_level() -> None:
    levels = ["national", "national", "provincial", "provincial", "city", "city"]
    check = check_caps(levels, [3, 4, 2, 3, 2, 3])
    assert check.cap.tolist() == [3, 3, 2, 2, 2, 2]
    assert check.over.tolist() == [False, True, False, True, False, True]
    assert check.missing.tolist() == [False] * 6
    assert check.leading_count.dtype == np.int64 and check.cap.dtype == np.int64


def test_a_park_without_leading_industry_is_missing_not_over() -> None:
    check = check_caps(["city", "national"], [0, 1])
    assert check.missing.tolist() == [True, False]
    assert check.over.tolist() == [False, False]


def test_levels_by_code_chinese_name_or_any_case_and_configured_caps() -> None:
    assert level_codes(["National", "省级", "市级", " city ", "2"]).tolist() == [0, 1, 2, 2, 2]
    assert level_codes(np.array([2, 0, 1])).tolist() == [2, 0, 1]
    check = check_caps(np.array([0, 1, 2]), [4, 3, 1], caps={"national": 4, "provincial": 3, "city": 1})
    assert check.over.tolist() == [False, False, False]
    # a level left out of ``caps`` keeps its default
    assert check_caps(["provincial"], [3], caps={"national": 5}).over.tolist() == [True]
    assert DEFAULT_CAPS == {"national": 3, "provincial": 2, "city": 2}


def test_cap_errors_name_the_argument() -> None:
    with pytest.raises(InputError, match=r"levels: unknown level 'county' at position 1"):
        check_caps(["city", "county"], [1, 1])
    with pytest.raises(InputError, match=r"levels: unknown level code at position 0"):
        check_caps([3], [1])
    with pytest.raises(InputError, match=r"leading_count: id not ≥ 0 at position 1"):
        check_caps(["city", "city"], [1, -1])
    with pytest.raises(InputError, match=r"leading_count: not a whole number at position 0"):
        check_caps(["city"], [1.5])
    with pytest.raises(InputError, match=r"same length: levels has 2, leading_count has 1"):
        check_caps(["city", "city"], [1])
    with pytest.raises(InputError, match=r"caps: unknown level 'county'"):
        check_caps(["city"], [1], caps={"county": 1})
    with pytest.raises(InputError, match=r"caps: the cap of city must be a whole number ≥ 0"):
        check_caps(["city"], [1], caps={"city": -1})


# ---------------------------------------------------------------------------------------------
# Overlap

# parks: 0 = {a, b, c}, 1 = {b, c, d}, 2 = {e, f} (disjoint from 0 and 1), 3 = {a, b, c} again
# (identical to 0), 4 = no sub-industry; a = 10, b = 11, c = 12, d = 13, e = 14, f = 15
PARKS = [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3]
INDUSTRIES = [10, 11, 12, 11, 12, 13, 14, 15, 12, 11, 10, 10]  # park 3 lists a twice


@pytest.fixture(scope="module")
def result() -> object:
    return overlap(PARKS, INDUSTRIES, n_parks=5, threshold=0.5)


def test_jaccard_on_hand_worked_sets(result) -> None:
    m = result.matrix
    assert m[0, 1] == 0.5 and m[1, 0] == 0.5  # {a,b,c} ∩ {b,c,d} = 2, ∪ = 4
    assert m[0, 2] == 0.0  # disjoint
    assert m[0, 3] == 1.0  # identical, the repeated a counted once
    assert m[1, 3] == 0.5
    assert m[4, 4] == 0.0 and m[0, 4] == 0.0  # empty vs empty and empty vs {a,b,c}
    assert np.diag(m).tolist() == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert result.sizes.tolist() == [3, 3, 2, 3, 0]


def test_pairs_threshold_inclusive_and_ordered(result) -> None:
    # 0–3 (1.0), then the two 0.5 pairs by park index: 0–1, 1–3
    assert result.pairs.tolist() == [[0, 3], [0, 1], [1, 3]]
    assert result.pair_index.tolist() == [1.0, 0.5, 0.5]
    assert result.shared.tolist() == [3, 2, 2]
    above = overlap(PARKS, INDUSTRIES, threshold=0.51)
    assert above.pairs.tolist() == [[0, 3]]
    assert above.matrix.shape == (4, 4)  # n_parks defaults to the largest id + 1


def test_three_of_five_shared_is_three_sevenths() -> None:
    # {1..5} vs {3..7}: ∩ = {3,4,5}, ∪ = {1..7}
    result = overlap([0] * 5 + [1] * 5, [1, 2, 3, 4, 5, 3, 4, 5, 6, 7], threshold=0.4)
    assert result.matrix[0, 1] == pytest.approx(3 / 7, rel=1e-15)
    assert result.pairs.tolist() == [[0, 1]]


def test_overlap_errors_name_the_argument() -> None:
    with pytest.raises(InputError, match=r"threshold: expected a number in \(0, 1\]"):
        overlap([0], [1], threshold=0)
    with pytest.raises(InputError, match=r"threshold"):
        overlap([0], [1], threshold=1.5)
    with pytest.raises(InputError, match=r"park_ids: id not between 0 and 1 at position 2"):
        overlap([0, 1, 2], [1, 1, 1], n_parks=2)
    with pytest.raises(InputError, match=r"industry_ids: id not ≥ 0 at position 0"):
        overlap([0], [-1])
    with pytest.raises(InputError, match=r"same length: park_ids has 2, industry_ids has 1"):
        overlap([0, 1], [1])


# ---------------------------------------------------------------------------------------------
# Leading industries shared by counties


def test_shared_leading_across_counties() -> None:
    # industry 5: counties 0, 1, 2 (county 1 twice, two parks); 7: counties 0, 2; 9: county 2 only
    shared = shared_leading([1, 0, 1, 2, 2, 0, 2], [5, 5, 5, 5, 7, 7, 9])
    assert shared.industry.tolist() == [5, 7]
    assert shared.n_counties.tolist() == [3, 2]
    assert shared.counties(0).tolist() == [0, 1, 2]
    assert shared.counties(1).tolist() == [0, 2]
    assert len(shared) == 2
    assert shared_leading([0, 1, 2], [5, 5, 5], min_counties=4).industry.tolist() == []
    assert shared_leading([0, 0], [5, 5]).industry.tolist() == []  # one county, two parks: not shared
    with pytest.raises(InputError, match=r"min_counties"):
        shared_leading([0], [1], min_counties=0)


# ---------------------------------------------------------------------------------------------
# Chain gaps


def test_gap_scores_worked_by_hand() -> None:
    # link 0: no firm → its importance; 1: 60 + 40 of 100 → covered, 0; 2: 50 of 100 → half;
    # 3: 300 of 100 → capped at 1; 4: reference unknown (NaN) with a firm → 1; 5: reference 0, no firm → 0
    gaps = chain_gaps(
        [0.8, 1.0, 0.6, 0.5, 0.9, 0.7],
        [100.0, 100.0, 100.0, 100.0, np.nan, 0.0],
        [1, 1, 2, 3, 4],
        [60.0, 40.0, 50.0, 300.0, 0.0],
    )
    assert gaps.local_output.tolist() == [0.0, 100.0, 50.0, 300.0, 0.0, 0.0]
    assert gaps.coverage.tolist() == [0.0, 1.0, 0.5, 1.0, 1.0, 0.0]
    assert gaps.score.tolist() == [0.8, 0.0, 0.3, 0.0, 0.0, 0.7]
    assert gaps.firms.tolist() == [0, 2, 1, 1, 1, 0]


def test_gap_errors_name_the_argument() -> None:
    with pytest.raises(InputError, match=r"link_importance: above 1 at position 1"):
        chain_gaps([0.5, 1.2], [1, 1], [], [])
    with pytest.raises(InputError, match=r"link_importance: negative value at position 0"):
        chain_gaps([-0.1], [1], [], [])
    with pytest.raises(InputError, match=r"link_reference_output: negative value at position 0"):
        chain_gaps([0.5], [-1], [], [])
    with pytest.raises(InputError, match=r"link_reference_output: not a finite number at position 0"):
        chain_gaps([0.5], [np.inf], [], [])
    with pytest.raises(InputError, match=r"firm_output: not a finite number at position 1"):
        chain_gaps([0.5], [1], [0, 0], [1.0, np.nan])
    with pytest.raises(InputError, match=r"firm_output: negative value at position 0"):
        chain_gaps([0.5], [1], [0], [-1.0])
    with pytest.raises(InputError, match=r"firm_link_ids: id not between 0 and 0 at position 1"):
        chain_gaps([0.5], [1], [0, 1], [1.0, 1.0])
    with pytest.raises(InputError, match=r"same length: firm_link_ids has 1, firm_output has 2"):
        chain_gaps([0.5], [1], [0], [1.0, 2.0])
    with pytest.raises(InputError, match=r"n_links: 3 differs from the 1 links given"):
        chain_gaps([0.5], [1], [0], [1.0], n_links=3)


def test_values_from_a_database_decimal_and_none() -> None:
    from decimal import Decimal

    gaps = chain_gaps(
        np.array([Decimal("0.8"), Decimal("0.6")], dtype=object),
        [Decimal("100"), None],  # None: reference unknown
        np.array([1], dtype=object),
        [Decimal("12.5")],
    )
    assert gaps.coverage.tolist() == [0.0, 1.0]
    assert gaps.score.tolist() == [0.8, 0.0]
    assert overlap(PARKS, INDUSTRIES, threshold=Decimal("0.51")).pairs.tolist() == [[0, 3]]
    with pytest.raises(InputError, match=r"firm_output: not a finite number at position 0"):
        chain_gaps([0.5], [1], [0], [None])
    with pytest.raises(InputError, match=r"firm_output: expected numbers"):
        chain_gaps([0.5], [1], [0], np.array(["x"], dtype=object))

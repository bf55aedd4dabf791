"""The gates of REFERENCE §9 on made-up criteria: red = target met and rank ≤ N; black = target
missed and within the bottom M; ties at a boundary are all included; exempt units are not listed."""

from __future__ import annotations

from jingjin.assessment.selectors import UnitCriteria, ranking_compute
from jingjin.core.models import Unit


def rule(n=2, m=2, target=80.0, target_rule="score", minimums=None):
    return {
        "peer_group": "departments",
        "weights": {"on_time": 0.3, "progress": 0.4, "attainment": 0.3},
        "red_top_n": n,
        "black_bottom_m": m,
        "target_rule": target_rule,
        "target_score": target,
        "minimums": minimums or {"on_time": 90.0, "progress": 80.0, "attainment": 60.0},
    }


def unit(i, on_time, progress=None, attainment=None):
    """A unit whose three criteria are all ``on_time`` unless given (so the score equals it)."""
    progress = on_time if progress is None else progress
    attainment = on_time if attainment is None else attainment
    return UnitCriteria(
        unit=Unit(pk=i, code=f"u{i}", name_zh=f"单位{i}", name_en=f"Unit {i}", kind="department"),
        tasks_due=1,
        on_time=1,
        on_time_pct=on_time,
        progress_pct=progress,
        indicators_judged=0,
        indicators_on_track=0,
        tasks_on_track=0,
        attainment_pct=attainment,
        attainment_basis="task_status",
    )


def verdicts(results):
    return {r.criteria.unit.code: (r.rank, r.verdict) for r in results}


def test_a_top_ranked_unit_that_missed_the_target_is_not_red():
    results = ranking_compute(
        rule=rule(target=95),
        criteria=[unit(1, 90), unit(2, 85), unit(3, 70), unit(4, 60), unit(5, 50)],
        exempt={},
    )
    got = verdicts(results)
    assert got["u1"] == (1, "none")  # rank 1, but 90 < 95: not red; bottom rank 5 > M = 2: not black
    assert got["u2"] == (2, "none") and got["u3"] == (3, "none")
    assert got["u4"] == (4, "black") and got["u5"] == (5, "black")


def test_a_bottom_unit_that_met_the_target_is_not_black():
    results = ranking_compute(
        rule=rule(n=1, m=2), criteria=[unit(1, 95), unit(2, 90), unit(3, 85)], exempt={}
    )
    assert verdicts(results) == {"u1": (1, "red"), "u2": (2, "none"), "u3": (3, "none")}


def test_ties_at_the_red_boundary_are_all_in():
    # N = 2; scores 90, 85, 85, 60, 50: ranks 1, 2, 2, 4, 5 → three units on the red list
    results = ranking_compute(
        rule=rule(n=2, m=1),
        criteria=[unit(1, 90), unit(2, 85), unit(3, 85), unit(4, 60), unit(5, 50)],
        exempt={},
    )
    assert verdicts(results) == {
        "u1": (1, "red"),
        "u2": (2, "red"),
        "u3": (2, "red"),
        "u4": (4, "none"),
        "u5": (5, "black"),
    }


def test_ties_at_the_black_boundary_are_all_in():
    # M = 1; scores 90, 50, 50: bottom ranks 3, 1, 1 → both tied units black
    results = ranking_compute(
        rule=rule(n=1, m=1), criteria=[unit(1, 90), unit(2, 50), unit(3, 50)], exempt={}
    )
    got = {r.criteria.unit.code: (r.bottom_rank, r.verdict) for r in results}
    assert got == {"u1": (3, "red"), "u2": (1, "black"), "u3": (1, "black")}


def test_scores_equal_to_the_hundredth_tie():
    # 80.004 and 80.001 both show as 80.00: they tie
    results = ranking_compute(
        rule=rule(n=1, m=1, target=50), criteria=[unit(1, 80.004), unit(2, 80.001)], exempt={}
    )
    assert [r.rank for r in results] == [1, 1]


def test_minimums_rule_needs_every_criterion():
    # u1 scores 0.3 × 100 + 0.4 × 100 + 0.3 × 50 = 85, but attainment 50 < 60: target missed;
    # u2 (91) ranks above it, so u1 is the bottom unit: black
    r = rule(n=2, m=1, target_rule="minimums")
    results = ranking_compute(rule=r, criteria=[unit(1, 100, 100, 50), unit(2, 100, 100, 70)], exempt={})
    got = {x.criteria.unit.code: (x.score, x.target_met, x.verdict) for x in results}
    assert got["u1"] == (85.0, False, "black")
    assert got["u2"] == (91.0, True, "red")  # 30 + 40 + 21


def test_an_exempt_unit_keeps_its_score_but_is_not_ranked_or_listed():
    results = ranking_compute(
        rule=rule(n=1, m=1), criteria=[unit(1, 90), unit(2, 30), unit(3, 60)], exempt={2: "洪灾停工"}
    )
    got = {r.criteria.unit.code: r for r in results}
    assert (got["u2"].rank, got["u2"].verdict, got["u2"].reason, got["u2"].score) == (
        None,
        "exempt",
        "洪灾停工",
        30.0,
    )
    # without u2, u3 is the bottom unit and missed the target: black
    assert (got["u3"].rank, got["u3"].bottom_rank, got["u3"].verdict) == (2, 1, "black")

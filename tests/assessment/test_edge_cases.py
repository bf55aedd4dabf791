"""Edge cases of the red/black lists: too few scored items (not ranked), ties, too few units, no
unit on both lists, and counties scored on their own shares only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jingjin.assessment import services
from jingjin.assessment.selectors import UnitCriteria, list_limits, ranking_compute
from jingjin.core.models import Unit
from tests.assessment.conftest import period_of, report


def rule(n: int = 4, m: int = 3, min_items: int = 3, target: float = 80.0) -> dict[str, Any]:
    return {
        "peer_group": "departments",
        "weights": {"on_time": 0.3, "progress": 0.4, "attainment": 0.3},
        "red_top_n": n,
        "black_bottom_m": m,
        "min_items": min_items,
        "target_rule": "score",
        "target_score": target,
        "minimums": {"on_time": 90.0, "progress": 80.0, "attainment": 60.0},
    }


def unit(i: int, value: float, items: int = 5) -> UnitCriteria:
    """A unit with ``items`` scored tasks whose three criteria are all ``value`` (score = value)."""
    return UnitCriteria(
        unit=Unit(pk=i, code=f"u{i}", name_zh=f"单位{i}", name_en=f"Unit {i}", kind="department"),
        tasks_due=items,
        on_time=items,
        on_time_pct=value,
        progress_pct=value,
        indicators_judged=0,
        indicators_on_track=0,
        tasks_on_track=0,
        attainment_pct=value,
        attainment_basis="task_status",
    )


def got(results: list[Any]) -> dict[str, tuple[int | None, str]]:
    return {r.criteria.unit.code: (r.rank, r.verdict) for r in results}


# --------------------------------------------------------------------------------------------
# Too few scored items


def test_a_unit_with_fewer_items_than_the_minimum_is_not_ranked_and_says_why():
    results = ranking_compute(
        rule=rule(n=1, m=1), criteria=[unit(1, 90), unit(2, 20, items=1), unit(3, 50)], exempt={}
    )
    by = {r.criteria.unit.code: r for r in results}
    assert (by["u2"].rank, by["u2"].bottom_rank, by["u2"].verdict) == (None, None, "unranked")
    assert by["u2"].reason == "only 1 scored task (fewer than 3)"
    assert by["u2"].score == pytest.approx(20.0)  # scored, shown, never listed
    # the others are ranked among themselves: u3 is the bottom unit, black
    assert got(results) == {"u1": (1, "red"), "u2": (None, "unranked"), "u3": (2, "black")}


def test_the_minimum_comes_from_the_rule():
    results = ranking_compute(rule=rule(min_items=1), criteria=[unit(1, 20, items=1)], exempt={})
    assert results[0].verdict == "black"
    results = ranking_compute(rule=rule(min_items=2), criteria=[unit(1, 20, items=1)], exempt={})
    assert (results[0].verdict, results[0].reason) == ("unranked", "only 1 scored task (fewer than 2)")


def test_a_park_with_one_task_is_never_black_listed_twice(users, loaded_plan, schemes):
    """The defect: a park black-listed "twice in a row" on one task. With the default minimum of
    3 it is not ranked, month after month, and the list page and the history say why."""
    from jingjin.assessment.models import RankingScheme
    from jingjin.plans.models import Measure, Task

    RankingScheme.objects.update(min_items=3)  # the default (the fixture lowers it)
    city = Unit.objects.get(code="t")
    park = Unit.objects.create(code="t.p", name_zh="戊园区", name_en="Park P", kind="park", parent=city)
    Task.objects.create(
        measure=Measure.objects.get(code="A1.M1"),
        code="A1.M1.T9",
        name_zh="园区任务",
        name_en="Task of the park",
        lead_unit=park,
        position=9,
    )
    scheme = RankingScheme.objects.get(code="counties-parks")
    for month in (5, 6):
        listed = services.ranking_list_compute(
            actor=users["office"], scheme=scheme, period=period_of(2024, month), today=date(2024, 9, 1)
        )
        entry = listed.entries.get(unit=park)
        assert (entry.verdict, entry.rank, entry.escalated) == ("unranked", None, False)
        assert entry.reason == "only 1 scored task (fewer than 3)"
        services.ranking_list_publish(actor=users["office"], ranking_list=listed)
    from django.test import Client

    client = Client()
    client.force_login(users["office"])
    page = client.get(f"/lists/{listed.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-verdict="unranked"' in page and "fewer than 3" in page
    history = client.get("/lists/units/t.p/").content.decode()
    assert history.count('data-verdict="unranked"') == 2
    api = client.get(f"/api/ranking-lists/{listed.pk}").json()
    assert [(e["unit"], e["verdict"], e["rank"]) for e in api["entries"]] == [("t.p", "unranked", None)]


# --------------------------------------------------------------------------------------------
# Ties


def test_ties_share_a_rank_on_the_entries_shown():
    results = ranking_compute(
        rule=rule(n=1, m=1, target=0),
        criteria=[
            unit(1, 90),
            unit(2, 80),
            unit(3, 80),
            unit(4, 70),
            unit(5, 60),
            unit(6, 50),
            unit(7, 40),
            unit(8, 30),
        ],
        exempt={},
    )
    assert [r.rank for r in results] == [1, 2, 2, 4, 5, 6, 7, 8]
    assert [r.bottom_rank for r in results] == [8, 6, 6, 5, 4, 3, 2, 1]


# --------------------------------------------------------------------------------------------
# Too few units


def test_six_units_for_four_red_and_three_black_places_shrink_the_lists():
    """The defect: with six departments every one landed on a list (the 4th of 6 black-listed)."""
    assert list_limits(rule(n=4, m=3), 6) == (3, 2)
    # three met the target (80), three missed it
    results = ranking_compute(
        rule=rule(n=4, m=3),
        criteria=[unit(1, 95), unit(2, 90), unit(3, 85), unit(4, 79), unit(5, 70), unit(6, 60)],
        exempt={},
    )
    assert got(results) == {
        "u1": (1, "red"),
        "u2": (2, "red"),
        "u3": (3, "red"),
        "u4": (4, "none"),  # was black: 4th of 6 and within the bottom 3
        "u5": (5, "black"),
        "u6": (6, "black"),
    }


@pytest.mark.parametrize(
    ("k", "limits"),
    [(1, (1, 1)), (2, (1, 1)), (3, (1, 1)), (4, (2, 1)), (5, (2, 2)), (6, (3, 2)), (7, (4, 3)), (20, (4, 3))],
)
def test_list_places_by_number_of_ranked_units(k, limits):
    assert list_limits(rule(n=4, m=3), k) == limits


def test_nobody_in_the_top_half_is_black_and_nobody_in_the_bottom_half_red():
    # everyone missed: with 4 units only the bottom half may be black, whatever M
    results = ranking_compute(
        rule=rule(n=4, m=4, target=99), criteria=[unit(i, 90 - 10 * i) for i in range(1, 5)], exempt={}
    )
    assert [r.verdict for r in results] == ["none", "none", "black", "black"]
    # everyone met: only the top half may be red, whatever N
    results = ranking_compute(
        rule=rule(n=4, m=4, target=0), criteria=[unit(i, 90 - 10 * i) for i in range(1, 5)], exempt={}
    )
    assert [r.verdict for r in results] == ["red", "red", "none", "none"]


# --------------------------------------------------------------------------------------------
# Both lists


def test_a_unit_is_never_on_both_lists_ties_at_both_boundaries():
    # five units, N = 2, M = 2; scores 90, 85, 85, 70, 70 with target 80: the tie at 85 holds
    # ranks 2–3 (top 2, met → red both); the tie at 70 holds bottom ranks 1 (missed → black both)
    results = ranking_compute(
        rule=rule(n=2, m=2, target=80),
        criteria=[unit(1, 90), unit(2, 85), unit(3, 85), unit(4, 70), unit(5, 70)],
        exempt={},
    )
    by = {r.criteria.unit.code: r for r in results}
    assert [(by[c].rank, by[c].bottom_rank) for c in ("u1", "u2", "u3", "u4", "u5")] == [
        (1, 5),
        (2, 3),
        (2, 3),
        (4, 1),
        (4, 1),
    ]
    assert got(results) == {
        "u1": (1, "red"),
        "u2": (2, "red"),
        "u3": (2, "red"),
        "u4": (4, "black"),
        "u5": (4, "black"),
    }
    # a tie across the middle (two units tied over ranks 2–3 of 4) is on neither list, met or not
    for target in (0, 99):
        results = ranking_compute(
            rule=rule(n=4, m=4, target=target),
            criteria=[unit(1, 90), unit(2, 80), unit(3, 80), unit(4, 70)],
            exempt={},
        )
        assert got(results)["u2"] == (2, "none") and got(results)["u3"] == (2, "none")
    for r in results:
        assert r.verdict in ("red", "black", "none")


# --------------------------------------------------------------------------------------------
# Counties on their own shares


def test_counties_are_scored_on_their_own_shares_not_on_the_city_tasks(users, march, schemes):
    """The defect: four counties tied with identical breakdowns, all scored on the city tasks that
    named them. With shares each county has its own items and its own score."""
    from jingjin.assessment.selectors import unit_criteria
    from jingjin.plans.models import Task
    from jingjin.plans.shares import task_share_create
    from tests.assessment.conftest import AFTER

    city = Unit.objects.get(code="t")
    county_d = Unit.objects.create(code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=city)
    county_c = Unit.objects.get(code="t.c")
    task = Task.objects.get(code="A1.M1.T3")  # 2024-01-01 → 2024-12-31, expected 24.863 % at March's end
    share_c = task_share_create(actor=users["office"], task=task, unit=county_c)
    share_d = task_share_create(actor=users["office"], task=task, unit=county_d)
    report(share_c.code, march, pct=25, submitted=date(2024, 4, 2))
    report(share_d.code, march, pct=10, submitted=date(2024, 4, 9))  # late and behind
    rows = {
        c.unit.code: c for c in unit_criteria(scheme=schemes["counties-parks"], period=march, as_of=AFTER)
    }
    assert set(rows) == {"t.c", "t.d"}
    assert [code for code, _ratio in rows["t.c"].task_ratios] == [share_c.code]
    assert (rows["t.c"].on_time_pct, rows["t.d"].on_time_pct) == (100.0, 0.0)
    assert rows["t.c"].progress_pct == pytest.approx(100.0)
    assert rows["t.d"].progress_pct == pytest.approx(100 * 10 / (100 * 91 / 366), abs=1e-3)

"""Settlement-environment scorecards: the scheme's items bound the points, the ranking (ties share
a rank) with its red list (top N at or above the pass mark) and black list (bottom N below it),
the townships' means, photos checked by content."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.permissions import PermissionDenied
from jingjin.villages.score_services import score_scheme_set, scorecard_save
from jingjin.villages.selectors import score_ranking, township_scores

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _scheme(actor: Any) -> Any:
    items = [("A", "垃圾", "Waste", D(60)), ("B", "厕所", "Toilets", D(40))]
    return score_scheme_set(actor=actor, year=2023, name="细则", items=items, pass_mark=D(80), list_size=1)


def _score(world: Any, scheme: Any, code: str, a: str, b: str, **kw: Any) -> Any:
    items = {i.code: i.pk for i in scheme.items.all()}
    points = {items["A"]: (D(a), ""), items["B"]: (D(b), "")}
    return scorecard_save(
        actor=world.users["office"],
        scheme=scheme,
        village=world[code],
        on=date(2023, 9, 1),
        inspector="检查组",
        points=points,
        **kw,
    )


def test_ranking_with_red_and_black_lists_and_ties(world: Any) -> None:
    scheme = _scheme(world.users["office"])
    _score(world, scheme, "t.c.t1.v1", "55", "40")  # 95
    _score(world, scheme, "t.c.t1.v2", "50", "35")  # 85
    _score(world, scheme, "t.c.t2.v1", "50", "35")  # 85, tie
    _score(world, scheme, "t.c.t2.v2", "40", "30")  # 70
    _score(world, scheme, "t.b.t1.v1", "30", "20")  # 50
    rows = score_ranking(scheme)
    assert [(r.card.village.code, r.rank, str(r.card.total), r.mark) for r in rows] == [
        ("t.c.t1.v1", 1, "95.0", "red"),
        ("t.c.t1.v2", 2, "85.0", ""),
        ("t.c.t2.v1", 2, "85.0", ""),
        ("t.c.t2.v2", 4, "70.0", ""),
        ("t.b.t1.v1", 5, "50.0", "black"),
    ]
    means = [(t["unit"].code, t["mean"]) for t in township_scores(rows)]
    assert means == [("t.c.t1", D("90.0")), ("t.c.t2", D("77.5")), ("t.b.t1", D("50.0"))]


def test_no_red_list_when_nobody_passes(world: Any) -> None:
    scheme = _scheme(world.users["office"])
    _score(world, scheme, "t.c.t1.v1", "40", "30")
    _score(world, scheme, "t.c.t1.v2", "30", "30")
    assert [r.mark for r in score_ranking(scheme)] == ["", "black"]


def test_points_stay_within_each_item_and_a_rescore_replaces(world: Any) -> None:
    scheme = _scheme(world.users["office"])
    with pytest.raises(ValidationError):
        _score(world, scheme, "t.c.t1.v1", "61", "0")
    card = _score(world, scheme, "t.c.t1.v1", "60", "40")
    card = _score(world, scheme, "t.c.t1.v1", "10", "10")
    assert card.total == D(20) and card.lines.count() == 2
    with pytest.raises(ValidationError):  # the items are fixed once villages are scored
        score_scheme_set(actor=world.users["office"], year=2023, name="x", items=[("Z", "z", "z", D(1))])


def test_photos_are_checked_by_content_and_scoring_is_for_managers(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scheme = _scheme(world.users["office"])
    card = _score(world, scheme, "t.c.t1.v1", "50", "30", photos=[(io.BytesIO(PNG), "现场.png")])
    assert card.photos.get().kind == "png"
    with pytest.raises(ValidationError):
        _score(world, scheme, "t.c.t1.v1", "50", "30", photos=[(io.BytesIO(b"not an image"), "x.png")])
    items = {i.code: i.pk for i in scheme.items.all()}
    with pytest.raises(PermissionDenied):
        scorecard_save(
            actor=world.users["county_c"],
            scheme=scheme,
            village=world["t.c.t1.v1"],
            on=date(2023, 9, 1),
            inspector="x",
            points={items["A"]: (D(1), ""), items["B"]: (D(1), "")},
        )

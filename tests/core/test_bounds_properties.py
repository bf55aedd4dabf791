"""Property-based tests of the bounds at every entrance: hostile numbers, years, dates and texts
given to the import parsers and to the API's writes give a row error or a 400 — never an
exception or a 500 — and nothing out of bounds is written."""

from __future__ import annotations

import contextlib
import copy
import json
import math
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingjin.benchmark import statistics
from jingjin.core import bounds
from jingjin.plans import planfile
from jingjin.plans.models import Action, Indicator, Measure, Plan, Task
from tests.conftest import PASSWORD, small_plan

#: numbers a hostile file or request sends: huge, tiny, infinite, not-a-number, big ints
hostile_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([1e300, -1e300, 1e14, 99999999999999.9999999, 1e-300, 2**63, 3000000000]),
)
hostile_texts = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    st.sampled_from(
        ["\x00", "a\x0bb", "=cmd|' /C calc'!A0", "<img src=x onerror=alert(1)>", "x" * 400, "0001-01-01"]
    ),
    st.dates().map(str),
)
hostile_values = st.one_of(
    hostile_numbers,
    hostile_texts,
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

#: the places of a plan file a value can be put at, as key paths into small_plan()
PLACES = [
    ("plan", "start_year"),
    ("plan", "end_year"),
    ("plan", "city"),
    ("plan", "name_en"),
    ("units", 1, "parent"),
    ("units", 1, "kind"),
    ("actions", 0, "weight"),
    ("actions", 0, "start"),
    ("actions", 0, "name_zh"),
    ("actions", 0, "measures", 0, "weight"),
    ("actions", 0, "measures", 0, "tasks", 0, "mechanisms"),
    ("actions", 0, "measures", 0, "tasks", 0, "co_units"),
    ("actions", 0, "measures", 0, "tasks", 0, "end"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "baseline_value"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "baseline_year"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "target_value"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "target_min"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "unit"),
    ("actions", 0, "measures", 0, "tasks", 0, "indicators", 0, "targets"),
]


def _put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def _numbers_in_bounds(data: dict[str, Any]) -> None:
    """Every number of a valid plan file fits the database (finite, below 10**14)."""
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float | int) and not isinstance(value, bool):
            assert math.isfinite(value) and abs(value) < 10**14


@settings(max_examples=300, deadline=None)
@given(place=st.sampled_from(PLACES), value=hostile_values)
def test_the_plan_file_checks_never_raise_and_pass_only_bounded_values(place, value):
    data = _put(small_plan(), place, value)
    errors = planfile.validate(data, known_units=set())
    if not errors:
        _numbers_in_bounds(data)
        planfile.normalise(data)
    for error in errors:
        assert str(error)


@settings(max_examples=150, deadline=None)
@given(place=st.sampled_from(PLACES), value=hostile_values, fmt=st.sampled_from(["json", "yaml"]))
def test_the_plan_file_reader_never_raises_anything_but_a_plan_file_error(place, value, fmt):
    data = _put(small_plan(), place, value)
    try:
        raw = planfile.dumps(data, fmt)
    except (ValueError, TypeError):
        return  # not representable in this format
    try:
        loaded = planfile.loads(raw, fmt)
    except planfile.PlanFileError:
        return
    planfile.validate(loaded)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=300), fmt=st.sampled_from(["json", "yaml", "xlsx", "txt"]))
def test_any_bytes_give_a_plan_file_error_or_data(raw, fmt):
    with contextlib.suppress(planfile.PlanFileError):
        planfile.validate(planfile.loads(raw, fmt))


CATALOGUE = {"gdp": statistics.Indicator("gdp", "地区生产总值", "GDP", "亿元", "higher")}


@settings(max_examples=300, deadline=None)
@given(
    city=hostile_texts,
    year=st.one_of(hostile_numbers, hostile_texts),
    value=st.one_of(hostile_numbers, hostile_texts),
    source=hostile_texts,
)
def test_the_statistics_checks_name_a_row_or_keep_a_bounded_value(city, year, value, source):
    frame = pl.DataFrame(
        {
            "city": [str(city)],
            "year": [str(year)],
            "indicator": ["gdp"],
            "value": [str(value)],
            "unit": ["亿元"],
            "source": [str(source)],
        }
    )
    clean, errors = statistics.statistics_errors(frame, CATALOGUE)
    for error in errors:
        assert error.row == 1 and error.column in {"city", "year", "value", "source", "unit"}
        assert str(error)
    for row in clean.iter_rows(named=True):
        assert bounds.YEAR_MIN <= row["year"] <= bounds.YEAR_MAX
        assert math.isfinite(row["value"]) and abs(row["value"]) < 10**18
        assert bounds.CONTROL_CHARACTERS.search(row["city"] + (row["source"] or "")) is None


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(hostile_numbers, hostile_texts, st.none(), st.booleans()))
def test_a_bounded_number_is_a_decimal_the_database_can_hold_or_a_bound_error(value):
    for bound in (bounds.PLAN_NUMBER, bounds.WEIGHT, bounds.STATISTIC_VALUE):
        try:
            number = bound.parse(value)
        except bounds.BoundError as exc:
            assert str(exc)
            continue
        assert number.is_finite() and abs(number) < bound.limit
        digits = len(number.as_tuple().digits)
        assert digits <= bound.max_digits and -number.as_tuple().exponent <= bound.decimal_places  # type: ignore[operator]
        if bound.positive:
            assert number > 0


# ----------------------------------------------------------------------------------- API writes

API_WRITES = [
    ("/api/indicators/{indicator}", "baseline_value"),
    ("/api/indicators/{indicator}", "target_value"),
    ("/api/indicators/{indicator}", "baseline_year"),
    ("/api/indicators/{indicator}", "target_year"),
    ("/api/indicators/{indicator}", "note_en"),
    ("/api/indicators/{indicator}", "name_zh"),
    ("/api/actions/{action}", "weight"),
    ("/api/actions/{action}", "name_en"),
    ("/api/actions/{action}", "start"),
    ("/api/measures/{measure}", "weight"),
    ("/api/measures/{measure}", "description_zh"),
    ("/api/tasks/{task}", "weight"),
    ("/api/tasks/{task}", "end"),
    ("/api/tasks/{task}", "description_en"),
    ("/api/plans/{plan}", "start_year"),
    ("/api/plans/{plan}", "city"),
]


def _snapshot() -> Any:
    return (
        list(Plan.objects.values_list("start_year", "end_year", "city", "name_en")),
        list(Action.objects.values_list("weight", "name_en", "start")),
        list(Measure.objects.values_list("weight", "description_zh")),
        list(Task.objects.values_list("weight", "end", "description_en")),
        list(Indicator.objects.values_list("baseline_value", "target_value", "baseline_year", "note_en")),
    )


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(write=st.sampled_from(API_WRITES), value=hostile_values)
def test_api_writes_answer_400_for_hostile_values_and_write_nothing_then(client, users, write, value):
    client.login(username="office", password=PASSWORD)
    ids = {
        "indicator": Indicator.objects.get(code="A1.M1.T1.I1").pk,
        "action": Action.objects.get(code="A1").pk,
        "measure": Measure.objects.get(code="A1.M1").pk,
        "task": Task.objects.get(code="A1.M1.T1").pk,
        "plan": Plan.objects.get(code="test-plan").pk,
    }
    url, field = write
    try:
        body = json.dumps({field: value}, allow_nan=True)
    except (ValueError, TypeError):
        return
    before = _snapshot()
    response = client.patch(url.format(**ids), body, content_type="application/json")
    assert response.status_code in {200, 400, 403}, response.content[:500]
    if response.status_code != 200:  # refused (403: a field the plan office may not change)
        assert field in response.json() or "detail" in response.json()
        assert _snapshot() == before
    # whatever was accepted is within bounds and every page still reads it
    for year in Plan.objects.values_list("start_year", flat=True):
        assert bounds.YEAR_MIN <= year <= bounds.YEAR_MAX
    for years in Indicator.objects.values_list("baseline_year", "target_year"):
        assert all(y is None or bounds.YEAR_MIN <= y <= bounds.YEAR_MAX for y in years)
    for texts in Indicator.objects.values_list("name_zh", "note_en"):
        assert not any(bounds.CONTROL_CHARACTERS.search(t) for t in texts)
    for number in Indicator.objects.values_list("baseline_value", flat=True):
        assert number is None or abs(Decimal(number)) < 10**14
    for text in Action.objects.values_list("name_en", flat=True):
        assert bounds.CONTROL_CHARACTERS.search(text) is None
    for weight, end, text in Task.objects.values_list("weight", "end", "description_en"):
        assert 0 <= weight < 10**14 and bounds.CONTROL_CHARACTERS.search(text) is None
        assert end is None or bounds.YEAR_MIN <= end.year <= bounds.YEAR_MAX
    assert client.get("/api/indicators").status_code == 200


@pytest.mark.parametrize(
    ("cell", "whole"),
    [
        (2024, 2024),
        (2024.0, 2024),  # a workbook's number
        (" 2024 ", 2024),
        ("2024.0", 2024),
        (1.5, None),
        ("24x", None),
        ("", None),
        (True, None),
        (float("inf"), None),
        (float("nan"), None),
        (None, None),
    ],
)
def test_whole_number_of_a_cell(cell: object, whole: int | None) -> None:
    assert bounds.whole_number(cell) == whole


def test_parse_year_takes_whole_numbers_and_names_the_rest() -> None:
    assert bounds.parse_year(2024.0) == bounds.parse_year(" 2024 ") == 2024
    for bad, shown in ((" 20x4 ", "'20x4'"), (1850, "1850"), (2024.5, "2024.5")):
        with pytest.raises(bounds.BoundError) as raised:
            bounds.parse_year(bad)
        assert shown in str(raised.value)

"""The report batch's parser with hostile cells (hypothesis): every cell gives a row error with
its sheet, row and column, or a value within the bounds of ``jingjin.core.bounds`` — never an
exception."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from jingjin.core import bounds
from jingjin.reporting import batch
from tests.reporting.test_batch import _fill, _template

pytestmark = pytest.mark.django_db

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=30),
    st.sampled_from(["1e300", "-1e14", "99999999999999.9999999", "Infinity", "NaN", "1,234.5%", "=1+1"]),
    st.none(),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=cells, completion=cells, text=cells)
def test_hostile_cells_give_a_placed_error_or_a_bounded_value(
    client, users, task_a, period, value, completion, text
):
    template = _template(client, users["reporter_a"])
    try:
        raw = _fill(template, {"A1.M1.T1": {"D": completion, "F": text}}, {"A1.M1.T1.I1": value})
    except (IllegalCharacterError, ValueError, TypeError):
        assume(False)  # a cell a workbook cannot hold
        return
    try:
        rows = batch.validate(user=users["reporter_a"], period=period, raw=raw)
    except batch.BatchFileError as exc:
        for error in exc.errors:
            assert error.sheet and error.row >= 1 and error.column
        return
    for row in rows:
        completion_pct = row.data.get("completion_pct")
        assert completion_pct is None or 0 <= completion_pct <= 100
        for number in row.values.values():
            assert number is None or (number.is_finite() and abs(number) < bounds.PLAN_NUMBER.limit)
        for key, text_value in row.data.items():
            if isinstance(text_value, str):
                assert bounds.CONTROL_CHARACTERS.search(text_value) is None, key
            elif isinstance(text_value, float):
                assert math.isfinite(text_value)

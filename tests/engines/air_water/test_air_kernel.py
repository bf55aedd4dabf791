"""The compiled AQI kernel agrees with the numpy reference path on every generated case.

Cases: every breakpoint of every table and one step either side (1, 0.1, 0.01 and 10⁻⁷),
ties of GB/T 8170 (x.5, CO x.x5), far above the tables, zero and missing values; for both
standards, every report, float and integer columns (with and without missing values, NaN or
null: a null's place may hold anything), every column present or some left out, over several
blocks of rows (the kernel's threads).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import polars as pl
import pytest

from jingjin.engines.air import InvalidInputError, aqi, aqi_with_counts, kernel
from jingjin.engines.air import index as air_index
from jingjin.engines.air import standards as air_standards
from jingjin.engines.tables import air_hj633 as tables

pytestmark = pytest.mark.skipif(not kernel.available(), reason="numba is not installed")

STANDARDS = ("HJ633-2012", "HJ633-2026")
REPORTS = ("daily", "hourly", "realtime")
#: More rows than one kernel block (16,384 rows), so that both threads work; the block
#: boundaries are tested with small blocks below.
ROWS = 20_000


def _cases(indicator: str) -> list[float]:
    """Every breakpoint of the column's tables, one step either side, ties and the odd value."""
    values: set[float] = {0.0, 0.004, 0.005, 0.015, 0.05, 0.25, 0.35, 0.45, 1e-7, 1e9, 1e15, 1e300}
    # about the kernel's uint16 table indices (65,535 marks a value left to the slow route)
    values.update({6553.4, 6553.5, 6553.6, 65534.0, 65535.0, 65535.5, 65536.0, 2.0**32, 2.0**63})
    for table in (tables.HJ633_2012, tables.HJ633_2026):
        for bp in table.get(indicator, ()):
            for step in (1, 0.1, 0.01, 1e-7, 0.5, 0.05, 0.45, 0.55):
                values.update({bp - step, bp, bp + step})
            values.update({bp + 0.049999999, bp + 0.0500000001, bp + 0.123456789})
    if indicator.startswith("co"):
        # Ties at the dropped digit of GB/T 8170's one decimal: 2.45 → 2.4 (binary: 24.500000000000004).
        values.update(float(f"{k / 10:.1f}5") for k in range(1600))
    return sorted(v for v in values if v >= 0)


def _frame(columns: list[str], rows: int, *, dtype: str, missing: float, seed: int) -> pl.DataFrame:
    """``rows`` rows; each column cycles through its cases in its own random order."""
    rng = np.random.default_rng(seed)
    data: dict[str, pl.Series] = {}
    for name in columns:
        cases = np.array(_cases(name))
        if dtype != "float":
            cases = np.unique(np.round(cases[cases < 1e6]))
            cases = cases[cases <= (65535 if dtype == "UInt16" else 1e6)]
        picked = cases[rng.integers(0, cases.size, rows)]
        holes = rng.random(rows) < missing
        if dtype == "float":
            picked[holes] = np.nan
            data[name] = pl.Series(name, picked)
        else:
            series = pl.Series(name, picked.astype(np.int64)).cast(getattr(pl, dtype))
            data[name] = series.scatter(np.flatnonzero(holes), None) if holes.any() else series
    return pl.DataFrame(data)


def _both(frame: pl.DataFrame, **options: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The result of :func:`aqi` by the kernel and by the numpy reference path."""
    previous = air_index.KERNEL
    try:
        air_index.KERNEL = "numba"
        compiled = aqi(frame, **options)
        air_index.KERNEL = "numpy"
        reference = aqi(frame, **options)
    finally:
        air_index.KERNEL = previous
    return compiled, reference


def _assert_same(compiled: pl.DataFrame, reference: pl.DataFrame) -> None:
    assert compiled.columns == reference.columns
    assert compiled.schema == reference.schema
    for name in compiled.columns:
        left, right = compiled[name], reference[name]
        if not left.equals(right):
            rows = np.flatnonzero((left.ne_missing(right)).to_numpy())
            shown = compiled[rows[:5].tolist()]
            pytest.fail(
                f"column {name} differs in {rows.size} rows, e.g.\n{shown}\nreference\n{right[rows[:5]]}"
            )


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize(
    ("dtype", "missing"),
    [("float", 0.0), ("float", 0.05), ("Int64", 0.0), ("Int64", 0.05), ("Int32", 0.0), ("UInt16", 0.0)],
)
def test_kernel_agrees_with_the_numpy_path_on_every_column(standard, report, dtype, missing):
    frame = _frame(list(air_standards.COLUMNS), ROWS, dtype=dtype, missing=missing, seed=len(report) + 7)
    _assert_same(*_both(frame, standard=standard, report=report))


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("rows", [1, 7, 4096])
def test_kernel_agrees_in_blocks_of_any_size(standard, report, rows, monkeypatch):
    """The kernel's blocks (``_compiled.BLOCK`` rows, read on each call) change nothing: every
    generated case in blocks of 1, 7 and 4,096 rows, many blocks to each thread."""
    from jingjin.engines.air import _compiled

    frame = _frame(list(air_standards.COLUMNS), 9_000, dtype="float", missing=0.02, seed=rows)
    monkeypatch.setattr(_compiled, "BLOCK", rows)
    _assert_same(*_both(frame, standard=standard, report=report))


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("rows", [1, 7, 300, 4096])
def test_kernel_agrees_on_integer_and_float_columns_side_by_side(standard, report, rows, monkeypatch):
    """The integer and the float loop go through a column's block in chunks of
    ``_compiled.CHUNK`` rows (256), asking for the rows ahead, past the block's end on its last
    chunks: integer and float columns in turn, in blocks of 1, 7, 300 (a short chunk in each)
    and 4,096 rows (the last block short)."""
    from jingjin.engines.air import _compiled

    columns = list(air_standards.COLUMNS)
    whole = _frame(columns, 9_001, dtype="Int64", missing=0.0, seed=rows)
    decimal = _frame(columns, 9_001, dtype="float", missing=0.02, seed=rows + 1)
    frame = pl.DataFrame([(whole if k % 2 else decimal)[name] for k, name in enumerate(columns)])
    assert {frame[name].dtype for name in columns} == {pl.Int64, pl.Float64}
    monkeypatch.setattr(_compiled, "BLOCK", rows)
    _assert_same(*_both(frame, standard=standard, report=report))


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("rows", [7, 16384])
def test_the_kernel_counts_each_columns_missing_values(standard, report, rows, monkeypatch):
    """The counts the result columns trust (none or all missing: the column is not scanned):
    each sub-index's missing values, the SO2 24-h stand-in's included, and the rows without an
    AQI, in blocks with and without special values."""
    from jingjin.engines.air import _compiled

    monkeypatch.setattr(_compiled, "BLOCK", rows)
    frame = _frame(list(air_standards.COLUMNS), 20_000, dtype="float", missing=0.001, seed=rows)
    # Some rows with a value in every column: blocks whose rows are all special-free.
    frame = pl.concat([frame, frame.head(0).vstack(_plain(frame.columns, 40_000))])
    values = {name: frame[name].to_numpy() for name in frame.columns}
    result = air_index._compute(values, standard, report, frame.height)
    assert set(result.missing) == set(result.iaqi) | {"aqi"}
    for name, sub in result.iaqi.items():
        assert result.missing[name] == int((sub < 0).sum()), name
    assert result.missing["aqi"] == int((result.aqi < 0).sum())


def _plain(columns: list[str], rows: int) -> pl.DataFrame:
    """Typical values within every table, nothing missing."""
    rng = np.random.default_rng(9)
    return pl.DataFrame({name: np.round(rng.lognormal(np.log(20), 0.3, rows)) for name in columns})


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
def test_kernel_agrees_with_some_columns_left_out(standard, report):
    indicators = list(tables.INDICATORS[(standard, report)])
    # Without the O3 1-h (the 2012 note-3 fallback) and with SO2 1-h only (no 24-h stand-in).
    kept = [name for name in indicators if name not in ("o3_1h", "so2_24h")]
    frame = _frame(kept, 9_000, dtype="float", missing=0.02, seed=3)
    _assert_same(*_both(frame, standard=standard, report=report))
    frame = _frame(indicators[:1], 5_000, dtype="float", missing=0.5, seed=4)
    _assert_same(*_both(frame, standard=standard, report=report))


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", ["daily", "hourly"])
@pytest.mark.parametrize("dtype", ["float", "Int64"])
def test_kernel_agrees_on_blocks_with_and_without_special_values(standard, report, dtype):
    """Typical data (every value within its table, nothing missing) takes the kernel's short
    route block by block; one block with a missing value, one above its table and one with
    no IAQI take the long one, in the same call. HJ 633-2012's hourly report has its SO2 24-h
    stand-in: missing in every row of a short-route block, used in the block where SO2 1-h is
    above 800."""
    from jingjin.engines.air._compiled import BLOCK  # the kernel's rows per block

    rng = np.random.default_rng(5)
    columns = list(tables.INDICATORS[(standard, report)])
    if standard == "HJ633-2012" and report == "hourly":
        columns.append("so2_24h")
    rows = 6 * BLOCK + 17
    data = {  # µg/m³ whole numbers, CO mg/m³ one decimal: all within the tables
        name: np.round(rng.lognormal(np.log(1.0), 0.5, rows), 1)
        if name.startswith("co")
        else np.round(rng.lognormal(np.log(30), 0.6, rows))
        for name in columns
    }
    pm25, pm10 = (next(n for n in columns if n.startswith(p)) for p in ("pm25", "pm10"))
    data[pm25][BLOCK + 5] = np.nan
    data[pm10][2 * BLOCK + 9] = 10_000.0
    if "o3_8h" in data:
        data["o3_8h"][3 * BLOCK + 1] = 900.0  # HJ 633-2012 note 3: no IAQI above 800
    if "so2_24h" in data and "so2_1h" in data:
        data["so2_1h"][4 * BLOCK + 2] = 900.0  # note 2: the 24-h value stands in
    frame = pl.DataFrame(data)
    if dtype != "float":
        frame = frame.select(
            pl.col(name).fill_nan(None).round(0).cast(getattr(pl, dtype)) for name in columns
        )
    _assert_same(*_both(frame, standard=standard, report=report))


def test_an_enum_column_written_in_place_is_a_plain_polars_column():
    kinds = air_index._combinations()
    made = air_index.enum_buffer(kinds, 10_000)
    assert made is not None
    column, codes = made
    assert codes.dtype == np.uint16 and codes.size == 10_000 and not codes.any()
    written = np.random.default_rng(5).integers(0, kinds.len(), 10_000).astype(np.uint16)
    codes[:] = written
    expected = kinds.gather(written)
    assert column.dtype == kinds.dtype and column.equals(expected)
    # Not marked sorted (it was built from a constant): sorting, unique values and the rest
    # read the codes, not a mark.
    assert column.flags == {"SORTED_ASC": False, "SORTED_DESC": False}
    assert column.sort().equals(expected.sort())
    assert column.unique().sort().equals(expected.unique().sort())
    assert column.cast(pl.String).equals(expected.cast(pl.String))
    assert column.max() == expected.max() and column.null_count() == 0
    assert (column == kinds[int(written[3])]).to_numpy()[3]


def test_the_codes_array_keeps_its_enum_column_alive():
    import gc

    made = air_index.enum_buffer(air_index._level_kinds(2), 5_000)
    assert made is not None
    column, codes = made
    del column, made
    gc.collect()
    codes[:] = 3  # still the column's memory: the array holds the column
    assert codes.base.column.to_physical().to_list() == [3] * 5_000
    # Too short a column, or one polars would not give as one buffer: built the checked way.
    assert air_index.enum_buffer(air_index._combinations(), 1) is None


@pytest.mark.parametrize("standard", STANDARDS)
def test_the_kernel_writes_the_pollutant_sets_and_levels_into_their_enum_columns(standard, monkeypatch):
    frame = _frame(list(tables.INDICATORS[(standard, "daily")]), 9_000, dtype="float", missing=0.02, seed=8)
    # Three rows without any value: no AQI, level 0.
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.all()).name.keep())
    values = {name: frame[name].to_numpy() for name in frame.columns}
    result = air_index._compute(values, standard, "daily", frame.height)
    written = {"primary", "beyond"} | (set() if standard == "HJ633-2026" else {"exceeding"})
    assert set(result.columns) == written | {"category", "colour"}
    for key in written:
        assert (result.columns[key].to_physical().to_numpy() == getattr(result, key)).all()
    # The rows beyond the scale are written (the kernel only sets bits), the incomplete counted.
    reference = air_index._compute_numpy(values, standard, "daily", frame.height)
    assert (result.beyond == reference.beyond).all() and result.beyond.any()
    assert result.incomplete == (~reference.complete).sum() > 3
    # The category and colour codes: the level less one (a missing AQI's level 0 as 1).
    assert (result.level == 0).sum() == 3
    for key in ("category", "colour"):
        codes = result.columns[key].to_physical().to_numpy()
        assert (codes == np.maximum(result.level, 1) - 1).all()
    # aqi() is the same when polars gives no such column (the codes checked one by one).
    in_place = aqi(frame, standard=standard, report="daily")
    monkeypatch.setattr(air_index, "enum_buffer", lambda kinds, n: None)
    _assert_same(aqi(frame, standard=standard, report="daily"), in_place)


@pytest.mark.parametrize("report", REPORTS)
def test_kernel_agrees_when_the_standard_is_picked_by_date(report):
    frame = _frame(list(air_standards.COLUMNS), 6_000, dtype="float", missing=0.01, seed=11)
    days = pl.date_range(pl.date(2026, 2, 20), pl.date(2026, 3, 10), eager=True)
    frame = frame.with_columns(time=days.gather(np.arange(frame.height) % days.len()))
    _assert_same(*_both(frame, standard="auto", report=report, time_column="time"))


def test_kernel_special_rules_of_both_standards():
    """The cases the rules name, by the kernel (the default path)."""
    frame = pl.DataFrame(
        {
            "so2_1h": [801.0, 801.0, 10.0],
            "so2_24h": [160.0, 3000.0, 10.0],
            "o3_8h": [801.0, 10.0, 10.0],
            "o3_1h": [250.0, 10.0, 10.0],
            "co_24h": [2.2, 0.1, 0.1],
            "pm25_24h": [14.0, 14.0, 600.0],
        }
    )
    hourly = aqi(frame, standard="HJ633-2012", report="hourly")
    assert hourly["iaqi_so2_1h"].to_list() == [None, None, 4]  # note 2: no 1-h IAQI above 800
    assert hourly["iaqi_so2_24h"].to_list() == [102, 500, None]  # the 24-h value stands in
    assert hourly["beyond_scale"].to_list() == ["", "so2_24h", "pm25_24h"]
    daily = aqi(frame, standard="HJ633-2012", report="daily")
    assert daily["iaqi_o3_8h"].to_list() == [None, 5, 5]  # note 3: the 1-h value counts
    assert daily["aqi"].to_list() == [125, 500, 500]
    assert daily["primary_pollutants"].to_list() == ["o3_1h", "so2_24h", "pm25_24h"]
    assert daily["iaqi_co_24h"].to_list() == [55, 3, 3]  # exact ceiling: 55, not 56
    assert daily["exceeding_pollutants"].to_list() == ["so2_24h;o3_1h", "so2_24h", "pm25_24h"]
    new = aqi(frame, standard="HJ633-2026", report="daily")
    assert new["iaqi_o3_8h"].to_list() == [300, 5, 5]  # note c
    assert new["beyond_scale"].to_list() == ["", "so2_24h", "pm25_24h"]
    assert new["exceeding_pollutants"].to_list() == ["", "", ""]
    realtime = aqi({"so2_1h": [801.0, 800.4, 800.5]}, standard="HJ633-2026", report="realtime")
    assert realtime["iaqi_so2_1h"].to_list() == [200, 200, 200]  # note b; 800.5 rounds to 800
    assert realtime["primary_pollutants"].to_list() == ["so2_1h"] * 3


def test_kernel_refuses_a_negative_value_in_a_column_read_without_the_first_check():
    values = np.full(10_000, 20.0)
    values[9_876] = -1.0
    with pytest.raises(InvalidInputError, match="column pm25_24h: negative value in data row 9877"):
        aqi({"pm25_24h": values}, standard="HJ633-2026", report="daily")
    ints = pl.Series("pm10_24h", np.full(10_000, 20, dtype=np.int64)).scatter([42], -3)
    with pytest.raises(InvalidInputError, match="column pm10_24h: negative value in data row 43"):
        aqi(pl.DataFrame([ints]), standard="HJ633-2012", report="daily")
    result, counts = aqi_with_counts(
        pl.DataFrame([ints]), standard="HJ633-2012", report="daily", invalid="skip"
    )
    assert counts == {"pm10_24h": 1}
    assert result["iaqi_pm10_24h"][42] is None


def test_an_integer_column_read_in_place_is_still_checked():
    # so2_24h only stands in for SO2 1-h above 800 (here nowhere): an integer column read as it
    # is (no float copy) is still refused for a negative value in a row the kernel does not use
    columns = {name: np.full(10_000, 20, dtype=np.int64) for name in ("so2_1h", "no2_1h", "so2_24h")}
    columns["so2_24h"][17] = -5
    frame = pl.DataFrame(columns)
    with pytest.raises(InvalidInputError, match="column so2_24h: negative value in data row 18"):
        aqi(frame, standard="HJ633-2012", report="hourly")
    result, counts = aqi_with_counts(frame, standard="HJ633-2012", report="hourly", invalid="skip")
    assert counts == {"so2_24h": 1} and result["aqi"].null_count() == 0


def _checked_columns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the columns that go through the input check (``numeric``) from now on."""
    checked: list[str] = []
    check = air_index.numeric

    def numeric(series, name, *args, **options):
        checked.append(name)
        return check(series, name, *args, **options)

    monkeypatch.setattr(air_index, "numeric", numeric)
    return checked


@pytest.mark.parametrize("path", ["numba", "numpy"])
@pytest.mark.parametrize("bad", [-5.0, np.inf, -np.inf])
def test_the_so2_24h_stand_in_is_checked_in_full_without_a_first_pass(path, bad, monkeypatch):
    # A float so2_24h without nulls is read without the input check, as the indicators are: the
    # computation checks every row of it, though it reads only the rows where it stands in.
    monkeypatch.setattr(air_index, "KERNEL", path)
    read = _checked_columns(monkeypatch)
    columns = {name: np.full(40_000, 20.0) for name in ("so2_1h", "no2_1h", "so2_24h")}
    columns["so2_1h"][[5, 30_000]] = 900.0  # above 800: SO2 24-h stands in on these rows
    clean = aqi(pl.DataFrame(columns), standard="HJ633-2012", report="hourly")
    assert read == []  # no column went through the first check
    assert clean["iaqi_so2_24h"].null_count() == 40_000 - 2
    columns["so2_24h"][33_333] = bad
    frame = pl.DataFrame(columns)
    with pytest.raises(InvalidInputError, match=r"column so2_24h: .* in data row 33334"):
        aqi(frame, standard="HJ633-2012", report="hourly")
    assert "so2_24h" in read  # after the computation found it, every column was checked
    result, counts = aqi_with_counts(frame, standard="HJ633-2012", report="hourly", invalid="skip")
    assert counts == {"so2_24h": 1}
    assert result["iaqi_so2_24h"].to_list() == clean["iaqi_so2_24h"].to_list()


#: What a column's values buffer may hold in a null's place (polars keeps whatever was there):
#: each is a value the kernel must not read as one.
_GARBAGE = {
    "float": np.array([-1.0, -1e300, np.inf, -np.inf, np.nan, 1e300, 900.0, 0.123456789, 6553.5, 35.0]),
    "Int64": np.array([-1, -(10**15), 10**15, 900, 65535, 35, 0]),
}


def _with_nulls(frame: pl.DataFrame, holes: float, seed: int) -> pl.DataFrame:
    """``frame`` with ``holes`` of each column's rows null, a value of :data:`_GARBAGE` in each
    null's place in the column's values buffer."""
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(seed)
    columns = []
    for series in frame.get_columns():
        kind = "float" if series.dtype == pl.Float64 else "Int64"
        values = series.to_numpy().astype(np.float64 if kind == "float" else np.int64)
        valid = rng.random(series.len()) >= holes
        values[~valid] = _GARBAGE[kind][rng.integers(0, _GARBAGE[kind].size, int((~valid).sum()))]
        bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
        array = pa.Array.from_buffers(
            pa.float64() if kind == "float" else pa.int64(),
            values.size,
            [bits, pa.py_buffer(values)],
            null_count=int((~valid).sum()),
        )
        columns.append(pl.Series(series.name, pl.from_arrow(array)))
    return pl.DataFrame(columns)


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("dtype", ["float", "Int64"])
@pytest.mark.parametrize("rows", [7, 300, 16384])
def test_kernel_reads_columns_with_nulls_in_place_whatever_stands_in_their_place(
    standard, report, dtype, rows, monkeypatch
):
    """A column with nulls goes to the kernel as polars holds it: its values buffer and its
    validity bits (no copy with NaN for the nulls). In a null's place the buffer may hold
    anything (negative, infinite, NaN, a value within the tables): the row is missing all the
    same, and nothing is refused. The frame is also cut at row 13 and row 77, so that a
    column's first row is not the first bit of its bitmap; blocks of 7 (a word of 64 bits over
    several blocks), 300 and 16,384 rows (the kernel's own)."""
    from jingjin.engines.air import _compiled

    monkeypatch.setattr(_compiled, "BLOCK", rows)
    given = []
    validity = air_index.validity

    def spy(series):
        found = validity(series)
        given.append(found is not None)
        return found

    monkeypatch.setattr(air_index, "validity", spy)
    checked = _checked_columns(monkeypatch)
    whole = _frame(list(air_standards.COLUMNS), 9_000, dtype=dtype, missing=0.0, seed=rows)
    frame = _with_nulls(whole, 0.03, seed=rows + len(report))
    for cut in (frame, frame.slice(13), frame.slice(77, 8_000)):
        given.clear()
        with monkeypatch.context() as patched:
            patched.setattr(air_index, "KERNEL", "numba")
            compiled = aqi(cut, standard=standard, report=report)
        assert given and all(given)  # every column read with its validity bits
        assert checked == []  # and none checked again: no garbage was taken for a bad value
        _assert_same(compiled, _both(cut, standard=standard, report=report)[1])  # checks them
        checked.clear()


@pytest.mark.parametrize("standard", STANDARDS)
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("dense", [0, 1 << 40])
def test_rows_with_special_codes_settled_one_by_one_or_all_at_once_agree(
    standard, report, dense, monkeypatch
):
    """A block settles its rows with a special code (missing, no IAQI, above the table, the SO2
    24-h stand-in) one by one, or all at once where they are many (``_compiled.DENSE``): each
    route alone on every generated case, with NaN and with nulls, in blocks of 300 rows (some
    with few such rows, some with many); and the counts the result columns trust."""
    from jingjin.engines.air import _compiled

    monkeypatch.setattr(_compiled, "DENSE", dense)
    monkeypatch.setattr(_compiled, "BLOCK", 300)
    columns = list(air_standards.COLUMNS)
    sparse = _frame(columns, 6_000, dtype="float", missing=0.002, seed=dense % 7)
    frame = pl.concat(
        [
            sparse,
            _with_nulls(_frame(columns, 6_000, dtype="Int64", missing=0.0, seed=2), 0.1, 3).cast(pl.Float64),
        ]
    )
    _assert_same(*_both(frame, standard=standard, report=report))
    values = {name: frame[name].fill_null(np.nan).to_numpy() for name in columns}
    result = air_index._compute(values, standard, report, frame.height)
    for name, sub in result.iaqi.items():
        assert result.missing[name] == int((sub < 0).sum()), name
    assert result.missing["aqi"] == int((result.aqi < 0).sum())


@pytest.mark.parametrize("dtype", ["float", "Int64"])
def test_columns_with_nulls_are_copied_where_polars_gives_no_buffers(dtype, monkeypatch):
    # The route before the buffers were read in place, kept for a polars that gives none.
    monkeypatch.setattr(air_index, "validity", lambda series: None)
    whole = _frame(list(air_standards.COLUMNS), 5_000, dtype=dtype, missing=0.0, seed=5)
    _assert_same(*_both(_with_nulls(whole, 0.05, seed=6), standard="HJ633-2012", report="hourly"))


@pytest.mark.parametrize("dtype", ["float", "Int64"])
def test_a_null_so2_24h_does_not_stand_in(dtype):
    """HJ 633-2012's SO2 24-h stands in for SO2 1-h above 800: where it is null it has no
    sub-index, whatever stands in its place in the values buffer (here 120: a value within the
    table; elsewhere −1, not counted invalid)."""
    pa = pytest.importorskip("pyarrow")
    n = 40_000
    so2_1h = np.full(n, 20.0)
    so2_1h[[5, 7, 30_000]] = 900.0
    so2_24h = np.full(n, 120, dtype=np.float64 if dtype == "float" else np.int64)
    valid = np.ones(n, dtype=np.bool_)
    valid[[5, 30_000, 31_000]] = False
    so2_24h[31_000] = -1
    array = pa.Array.from_buffers(
        pa.float64() if dtype == "float" else pa.int64(),
        n,
        [pa.py_buffer(np.packbits(valid, bitorder="little")), pa.py_buffer(so2_24h)],
        null_count=3,
    )
    frame = pl.DataFrame([pl.Series("so2_1h", so2_1h), pl.Series("no2_1h", np.full(n, 20.0))]).with_columns(
        pl.Series("so2_24h", pl.from_arrow(array))
    )
    compiled, reference = _both(frame, standard="HJ633-2012", report="hourly")
    _assert_same(compiled, reference)
    assert compiled["iaqi_so2_24h"].gather([5, 7, 30_000]).to_list() == [None, 85, None]
    assert compiled["aqi"].gather([5, 7, 30_000]).to_list() == [10, 85, 10]  # NO2 1-h 20: 10


@pytest.mark.parametrize("dtype", ["float", "Int64"])
def test_a_negative_value_in_a_column_with_nulls_is_refused_by_its_row(dtype):
    frame = _with_nulls(_plain(["pm10_24h", "pm25_24h"], 30_000), 0.05, seed=11)
    frame = frame.with_columns(pl.col("pm25_24h").cast(pl.Float64 if dtype == "float" else pl.Int64))
    row = next(k for k in range(20_000, 30_000) if frame["pm25_24h"][k] is not None)
    frame = frame.with_columns(frame["pm25_24h"].clone().scatter(row, -3))
    with pytest.raises(InvalidInputError, match=rf"column pm25_24h: negative value in data row {row + 1} \("):
        aqi(frame, standard="HJ633-2012", report="daily")
    result, counts = aqi_with_counts(frame, standard="HJ633-2012", report="daily", invalid="skip")
    assert counts == {"pm25_24h": 1}
    assert result["iaqi_pm25_24h"][row] is None
    assert result["iaqi_pm25_24h"].null_count() == frame["pm25_24h"].null_count() + 1


def test_a_sub_index_column_without_any_value_is_a_plain_null_int16_column():
    # SO2 24-h stands in nowhere here: its IAQI column is all null, made without a buffer to fill
    frame = pl.DataFrame({"so2_1h": [20.0, 900.5, 30.0], "so2_24h": [10.0, 12.0, 14.0]})
    first, second = (aqi(part, standard="HJ633-2012", report="hourly") for part in (frame[::2], frame[1:]))
    column = first["iaqi_so2_24h"]
    assert column.dtype == pl.Int16 and column.to_list() == [None, None]
    assert second["iaqi_so2_24h"].to_list() == [12, None]  # 900.5: 24-h stands in on that row
    both = pl.concat([first, second])["iaqi_so2_24h"]
    assert both.to_list() == [None, None, 12, None] and both.max() == 12 and both.fill_null(0).sum() == 12


def test_the_kernel_cache_goes_in_the_data_directory_unless_set(settings, monkeypatch, tmp_path):
    from jingjin import numba_cache

    assert os.environ["NUMBA_CACHE_DIR"] == settings.NUMBA_CACHE_DIR  # set by the settings
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("JINGJIN_DATA_DIR", str(tmp_path))
    assert numba_cache.configure() == str(tmp_path.resolve() / "numba-cache")
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path.resolve() / "numba-cache")
    monkeypatch.setenv("NUMBA_CACHE_DIR", "/elsewhere")
    assert numba_cache.configure() == "/elsewhere"  # an existing setting is kept


def test_command_line_compiles_once_into_the_data_directory(tmp_path):
    """The first ``jingjin air aqi`` after an install compiles the kernel into
    ``$JINGJIN_DATA_DIR/numba-cache``; the next one loads it from there (and is faster)."""
    source = tmp_path / "in.csv"
    pl.DataFrame({"pm25_24h": [80.0, 14.0], "co_24h": [2.2, 0.1]}).write_csv(source)
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["JINGJIN_DATA_DIR"] = str(tmp_path / "data")
    code = (
        "import sys, time; from jingjin.cli import main; start = time.perf_counter(); "
        "code = main(sys.argv[1:]); print(time.perf_counter() - start); sys.exit(code)"
    )
    args = [sys.executable, "-c", code, "air", "aqi", str(source), "-o", str(tmp_path / "out.csv")]
    args += ["--standard", "HJ633-2026", "--report", "daily"]
    times = []
    for _ in range(2):
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=600)
        assert done.returncode == 0, done.stderr
        times.append(float(done.stdout.split()[-1]))
    cached = list((tmp_path / "data" / "numba-cache").rglob("*.nbi"))
    assert cached, "no numba index file in the data directory"
    assert pl.read_csv(tmp_path / "out.csv")["aqi"].to_list() == [119, 20]
    assert times[1] < times[0]


def test_kernel_runs_from_several_threads_at_once():
    """The site's job workers call aqi() from several threads: each call gets its own result."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [(standard, report) for standard in STANDARDS for report in ("daily", "hourly")]
    frames = {
        case: _frame(list(tables.INDICATORS[case]), 30_000, dtype="float", missing=0.01, seed=i)
        for i, case in enumerate(cases)
    }
    expected = {case: _both(frames[case], standard=case[0], report=case[1])[1] for case in cases}

    def run(k: int) -> bool:
        case = cases[k % len(cases)]
        return aqi(frames[case], standard=case[0], report=case[1]).equals(expected[case])

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(run, range(24)))

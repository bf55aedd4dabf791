"""Polars' own buffers as numpy arrays, read or written in place by the AQI kernel (issue 19):
the code buffer of a new Enum column, which the kernel fills (:func:`enum_buffer`), and the
values and validity bits of a column with nulls, which it reads (:func:`validity`). Each
array holds the Series whose memory it is (:class:`Codes`), so the memory lives as long as the
array. polars gives these buffers through ``Series._get_buffer_info`` and
``Series._get_buffers``: where it does not give them as expected, each function returns None
and the caller takes the copying route; ``tests/engines/air_water/test_air_kernel.py`` checks
both."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl


class Codes:
    """The code buffer of an Enum column (or ``size`` items of another buffer of ``column``) as
    a numpy array's data (the array holds this object, and this object the column, so the
    memory lives as long as the array)."""

    def __init__(
        self, column: pl.Series, address: int, dtype: np.dtype[Any], size: int | None = None
    ) -> None:
        self.column = column
        self.__array_interface__ = {
            "shape": (column.len() if size is None else size,),
            "typestr": dtype.str,
            "data": (address, False),
            "version": 3,
        }


PHYSICAL: Final = {
    pl.UInt8: np.dtype(np.uint8),
    pl.UInt16: np.dtype(np.uint16),
    pl.UInt32: np.dtype(np.uint32),
}


class EnumParts:
    """What :func:`enum_buffer` needs of an Enum's kinds, read once per kinds: the index of a
    kind whose code is 0, a one-row slice of the kind whose code is 1 and the codes' numpy type
    (None where the Enum has no such kinds or codes of another type)."""

    def __init__(self, kinds: pl.Series) -> None:
        self.kinds = kinds  # held, so that the id under which it is kept is not reused
        physical = kinds.to_physical()
        known = physical.to_numpy()  # a few thousand codes at most
        one, zero = np.flatnonzero(known == 1), np.flatnonzero(known == 0)
        self.numpy_type = PHYSICAL.get(physical.dtype) if one.size and zero.size else None  # type: ignore[call-overload]
        self.zero = int(zero[0]) if zero.size else 0
        self.one = kinds.slice(int(one[0]), 1) if one.size else kinds.clear()


ENUM_PARTS: dict[int, EnumParts] = {}


def enum_parts(kinds: pl.Series) -> EnumParts:
    parts = ENUM_PARTS.get(id(kinds))
    if parts is None or parts.kinds is not kinds:
        parts = ENUM_PARTS[id(kinds)] = EnumParts(kinds)
    return parts


def enum_buffer(kinds: pl.Series, n: int) -> tuple[pl.Series, npt.NDArray[Any]] | None:
    """A new Enum column of ``n`` rows of ``kinds``' type and a writable array over its codes,
    or None where polars does not give one (then the caller builds the column from an array).

    Polars checks every code when it makes an Enum column from codes (about 1.3 ns a value on
    this project's machines, ``bench/bench_air_parts.py``; its issue #23368 asks for a way
    without). This column is made fresh, in one buffer that nothing else holds: a
    constant 0 with the first code set to 1 (so that polars marks it neither sorted nor with
    nulls), then 0 again through the array. The caller must write every code below the number
    of categories, and before the column leaves the engine, never after.
    """
    parts = enum_parts(kinds)
    if n < 2 or parts.numpy_type is None:
        return None
    column = kinds.new_from_index(parts.zero, n)  # zeros, marked sorted
    column.scatter(0, parts.one)  # now not sorted: polars drops the mark
    flags = column._s  # the sorted marks and the codes' buffer, without the Enum type in Python
    if column.null_count() or flags.is_sorted_ascending_flag() or flags.is_sorted_descending_flag():
        return None
    address, offset, length = flags._get_buffer_info()  # the codes' (one chunk: it is new)
    if offset or length != n:
        return None
    codes = np.asarray(Codes(column, address + offset, parts.numpy_type))
    codes[0] = 0
    return column, codes


def validity(series: pl.Series) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8], int] | None:
    """A column with nulls as polars holds it, read in place: its values buffer (whatever
    stands in a null's place) and its validity bits (a uint8 array over polars' bitmap and the
    bit of row 0), for the compiled kernel; None where polars does not give them so. Filling
    the nulls with NaN instead copied the column (a float column took 12.5 ms of 2,000,000
    rows, an integer column two copies)."""
    buffers = series._get_buffers()
    values, validity = buffers["values"], buffers["validity"]
    if validity is None or validity.n_chunks() != 1 or values.len() != series.len():
        return None
    address, bit, length = validity._get_buffer_info()
    if length != series.len():
        return None
    bitmap = np.asarray(Codes(validity, address, np.dtype(np.uint8), (bit + length + 7) // 8))
    return values.to_numpy(), bitmap, bit

"""The engines' request for memory ahead (``jingjin/engines/_prefetch.py``): asked for on the
processors where it measured faster, compiled to nothing on AMD's Zen cores, and in either case
no change to what a loop computes."""

from __future__ import annotations

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from jingjin.engines import _prefetch  # noqa: E402


def test_the_loops_ask_ahead_except_on_amd_zen_cores():
    assert not _prefetch.wanted("znver1") and not _prefetch.wanted("znver3")
    assert _prefetch.wanted("rocketlake") and _prefetch.wanted("skylake-avx512")
    assert _prefetch.wanted("generic")


@pytest.mark.parametrize("asked", [True, False])
def test_a_prefetch_is_compiled_where_wanted_and_changes_no_result(asked, monkeypatch):
    # Compiled here, whatever this machine's processor: the intrinsic reads WANTED as it compiles.
    monkeypatch.setattr(_prefetch, "WANTED", asked)

    @numba.njit(cache=False)
    def total(values):
        address = values.ctypes.data
        found = 0.0
        for row in range(values.size):
            if row % 8 == 0:
                _prefetch.prefetch(address + 8 * min(row + 512, values.size - 1))
            found += values[row]
        return found

    values = np.arange(10_000, dtype=np.float64)
    assert total(values) == values.sum()
    code = "".join(total.inspect_llvm().values())
    assert ("llvm.prefetch" in code) is asked

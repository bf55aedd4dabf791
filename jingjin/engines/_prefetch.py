"""Asking the processor for memory ahead of its use, from numba code (the engines' compiled
loops import this module; it imports numba and llvmlite).

The compiled loops read their input once, from memory. On the `Intel Xeon` machine of
2026-12-07 the hardware prefetcher did not run far enough ahead of them: sampled, the AQI
kernel spent most of its time on its loads of the columns, and the same loops over data already
in the cache took a fraction of the time (ad hoc timings). A loop that asks for the lines it
will read some rows on finds them in the cache (``bench/bench_air_ab.py``,
``bench/bench_scoring_ab.py``; docs/benchmarks.md, issue 19 round 10). On AMD's Zen cores the
hardware keeps ahead and the requests only cost: there nothing is asked (:func:`wanted`).

A prefetch changes no result: it only asks. numba's cache keys a compiled function on its own
file, not on this one, so a change here reaches the callers' cached code only when their files
change too (or the cache directory is emptied).
"""

# mypy: ignore-errors

from __future__ import annotations

import llvmlite.binding
from llvmlite import ir
from numba import njit, types
from numba.core import config
from numba.extending import intrinsic

#: Bytes of a memory line (one request of :func:`fetch` each).
LINE = 64


def wanted(cpu: str) -> bool:
    """Whether the loops ask for memory ahead on a processor of LLVM's name ``cpu``: not on
    AMD's Zen cores (``znver1`` …), whose own prefetcher keeps ahead of these loops. There the
    requests only cost: on the `AMD EPYC` machine of 2026-12-07 (``znver3``) ``topsis`` took
    2.9 ms longer with them (both call orders, ``bench/bench_scoring_ab.py`` against
    ``e3daa0e``, 12:33 UTC) and ``aqi()`` on float columns 1.2–2.2 ms longer (two runs of
    ``bench/bench_air_ab.py``, 11:37 and 11:41 UTC; neutral on integer columns), while on the
    `Intel Xeon` machine they saved 2.2–2.4 ms of ``aqi()`` and up to 2.6 ms of ``topsis``."""
    return not cpu.startswith("znver")


#: Whether :func:`prefetch` asks, for the processor numba compiles for (numba's cache is kept
#: per processor too, so a cached caller always matches it).
WANTED = wanted(config.CPU_NAME or llvmlite.binding.get_host_cpu_name())


@intrinsic
def prefetch(typingctx, address):  # pragma: no cover - compiled
    """Ask for the memory line at ``address`` (an integer) to be brought into the core's second
    level cache to be read, without waiting for it: LLVM's ``llvm.prefetch``. An address outside
    the process's memory is no error: nothing is fetched. Nothing at all where not
    :data:`WANTED`."""
    if not isinstance(address, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        if not WANTED:
            return context.get_dummy_value()
        pointer, word = ir.IntType(8).as_pointer(), ir.IntType(32)
        kind = ir.FunctionType(ir.VoidType(), [pointer, word, word, word])
        function = builder.module.declare_intrinsic("llvm.prefetch", [pointer], kind)
        # read, locality 2 (the second level cache), data
        builder.call(function, [builder.inttoptr(args[0], pointer), word(0), word(2), word(1)])
        return context.get_dummy_value()

    return types.void(address), codegen


@njit(cache=True)
def fetch(start, stop):  # pragma: no cover - compiled
    """Ask for every memory line of the bytes at addresses ``start:stop`` (none if empty)."""
    for address in range(start - start % LINE, stop, LINE):
        prefetch(address)

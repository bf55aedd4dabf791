"""Where numba keeps the compiled engine kernels: ``$JINGJIN_DATA_DIR/numba-cache``.

numba reads ``NUMBA_CACHE_DIR`` once, when it is first imported, so this runs before any engine
is used: from the settings (the site, ``manage.py``, the tests) and from the command line's
``main``. The kernels are compiled on their first call after an install and loaded from this
cache afterwards (see docs/benchmarks.md for the times). A ``NUMBA_CACHE_DIR`` already set in
the environment is kept.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory, as the settings define it (``$JINGJIN_DATA_DIR``, default ``./var``)."""
    return Path(os.environ.get("JINGJIN_DATA_DIR") or Path.cwd() / "var").resolve()


def configure(directory: Path | None = None) -> str:
    """Set ``NUMBA_CACHE_DIR`` to ``<data dir>/numba-cache`` unless it is set; return it.

    Also ``OMP_WAIT_POLICY=passive`` (unless set): the kernels' OpenMP threads sleep between
    parallel calls instead of spinning, which on a shared machine (the site's workers, other
    processes) took cores from the threads doing the work: measured in bench/bench_air.py, the
    compiled AQI was up to 5× slower with spinning threads under a load of 10 on 2 cores.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    return os.environ.setdefault("NUMBA_CACHE_DIR", str((directory or data_dir()) / "numba-cache"))


def warm() -> dict[str, float]:
    """Compile the engine kernels into the cache (or load them from it) by calling each engine once
    on a few rows: the AQI (both standards), the water classes (river and lake), TOPSIS and the
    status engine's roll-up.

    ``make test`` runs this beside the linters, so that no test pays the first compilation (in a
    fresh clone, tens of seconds of a worker's time, once per worker that met a kernel first).
    Returns the seconds each took."""
    import time

    import numpy as np

    from jingjin.engines import air, water
    from jingjin.engines.scoring.mcda import topsis
    from jingjin.engines.status.rollup import prepare

    times: dict[str, float] = {}
    start = time.perf_counter()
    for standard, day in (("HJ633-2012", "2026-02-28"), ("HJ633-2026", "2026-03-01")):
        air.aqi({"pm25_24h": [35.0], "date": [day]}, standard=standard, report="daily", time_column="date")
    times["aqi"] = time.perf_counter() - start
    start = time.perf_counter()
    for body in ("river", "lake"):
        water.classify({"ph": [7.0], "do": [6.0], "codmn": [4.0]}, waterbody=body)
    times["water"] = time.perf_counter() - start
    start = time.perf_counter()
    topsis(np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]), np.array([0.5, 0.5]), np.array([True, False]))
    times["topsis"] = time.perf_counter() - start
    start = time.perf_counter()
    prepare()
    times["rollup"] = time.perf_counter() - start
    return times


if __name__ == "__main__":  # ``python -m jingjin.numba_cache``: configure, then warm the kernels
    cache = configure()
    for name, seconds in warm().items():
        print(f"engine kernel {name}: {seconds:.1f} s (compiled, or loaded from {cache})")

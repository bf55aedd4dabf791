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

"""The C allocator's settings for the web server: freed memory kept for the next request.

A page that computes over arrays (the cockpit right after a write: its trends read every report
of the plan, 300,000 rows on the benchmark plan, through a few dozen temporary arrays of some
megabytes) makes and frees about 100 MB a request. glibc's malloc gives blocks of that size back
to the system when they are freed: above a threshold it maps them apart, and it trims the top of
its heap once more than twice the largest block freed so far lies free there. The next request
then takes the memory afresh, and the system zeroes every page on first touch: about 30 ms of
the cockpit's trends after each write on this project's 2-core machines.

:func:`keep_freed_memory` fixes both settings (``mallopt``): blocks under
:data:`MMAP_THRESHOLD` come from the heap, and up to :data:`TRIM_THRESHOLD` of free memory stays
at its top. The process keeps about its peak memory instead of falling back between requests
(on the benchmark plan 281 MB instead of 232–234 MB after the pages, about the same peak).
``jingjin/wsgi.py`` calls it at start-up, before the application is loaded. It does nothing where
the C library is not glibc."""

from __future__ import annotations

import ctypes
import platform
from typing import Any, Final

#: ``mallopt`` parameters (glibc's malloc.h)
M_TRIM_THRESHOLD: Final = -1
M_MMAP_THRESHOLD: Final = -3

#: Blocks this large or larger are still mapped apart and given back when freed (glibc's own
#: ceiling for its moving threshold): a million-row table's columns do not stay in the heap.
MMAP_THRESHOLD: Final = 32 * 2**20
#: Free memory kept at the top of the heap before it is given back to the system.
TRIM_THRESHOLD: Final = 128 * 2**20


def _libc() -> Any:
    return ctypes.CDLL(None)


def keep_freed_memory() -> bool:
    """Set :data:`MMAP_THRESHOLD` and :data:`TRIM_THRESHOLD` on glibc (True where both were
    accepted; False elsewhere, changing nothing)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:  # pragma: no cover - every glibc has it
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))

"""Job kinds of the ecology app (found by :func:`jingjin.jobs.kinds.discover`): each slice's module
registers its own."""

from jingjin.ecology import (
    air_jobs,  # noqa: F401  (ecoair: air-import)
    water_jobs,  # noqa: F401  (ecowater: water-samples-import)
)

"""Job kinds of the ecology app (discovered by ``jingjin.jobs.kinds``): each data slice's own module."""

from jingjin.ecology import water_jobs  # noqa: F401 - registers water-samples-import

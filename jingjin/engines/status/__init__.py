"""Status engine: expected progress, status lights, indicator outlook and roll-up (进度状态研判).

Four pure, vectorised computations (numpy/polars in and out, no Django, no file I/O):

1. **Expected progress** at a date — linear over the task window (:func:`expected_linear`) or
   from a milestone schedule of (date, cumulative %) points (:func:`expected_schedule`).
2. **Status** from expected against reported progress (:func:`progress_status`,
   :func:`task_status`): 已完成 done, 逾期 overdue, 正常 on track, 滞后 behind, 严重滞后 far
   behind, with thresholds in :class:`StatusThresholds`.
3. **Indicator outlook**: projection of the yearly actuals to the target year, linear or
   compound, → 预计达成 likely / 存在风险 at risk / 难以达成 unlikely
   (:func:`indicator_outlook`, :func:`projection_outlook`).
4. **Roll-up** task → measure → action → plan: weighted means of progress (:func:`rollup`)
   and status distributions with the worst status (:func:`rollup_status`).

Dates are whole days (numpy ``datetime64[D]``; strings and ``datetime.date`` are accepted).
A task window includes its start and end days and progress is read at the *end* of the
``as_of`` day. Percentages are 0–100; :func:`expected_linear` and :func:`expected_schedule`
return fractions 0–1. Rows in error messages are data rows counted from 1 below the header
(for arrays: element 1 is the first). Formulas and defaults: ``docs/engines/status.md``.
Context: the issue "monthly reporting and supervision" (item 4) and REFERENCE.md §9.

Modules: :mod:`~jingjin.engines.status.codes` (the :class:`Status` and :class:`Outlook` codes,
their labels, :data:`DIRECTIONS` and :class:`StatusThresholds`),
:mod:`~jingjin.engines.status.expected` (expected progress and status: 1 and 2),
:mod:`~jingjin.engines.status.outlook` (indicator outlook: 3),
:mod:`~jingjin.engines.status.rollup` (roll-up: 4) and ``_inputs`` (date columns, column
checks and the float tolerance shared by the modules).
"""

from jingjin.engines.status.codes import (
    DEFAULT_THRESHOLDS as DEFAULT_THRESHOLDS,
)
from jingjin.engines.status.codes import (
    DIRECTIONS,
    OUTLOOK_LABELS,
    STATUS_LABELS,
    Outlook,
    Status,
    StatusThresholds,
    outlook_labels,
    status_labels,
)
from jingjin.engines.status.expected import (
    Interpolation as Interpolation,
)
from jingjin.engines.status.expected import (
    expected_linear,
    expected_schedule,
    progress_status,
    shortfall,
    task_status,
)
from jingjin.engines.status.outlook import indicator_outlook, projection_outlook
from jingjin.engines.status.rollup import rollup, rollup_matrix, rollup_status

__all__ = [
    "DIRECTIONS",
    "OUTLOOK_LABELS",
    "STATUS_LABELS",
    "Outlook",
    "Status",
    "StatusThresholds",
    "expected_linear",
    "expected_schedule",
    "indicator_outlook",
    "outlook_labels",
    "progress_status",
    "projection_outlook",
    "rollup",
    "rollup_matrix",
    "rollup_status",
    "shortfall",
    "status_labels",
    "task_status",
]

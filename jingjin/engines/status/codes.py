"""Codes of the status engine: :class:`Status`, :class:`Outlook`, their labels, thresholds.

:class:`Status` and :class:`Outlook` are IntEnums coded by severity; :data:`STATUS_LABELS` and
:data:`OUTLOOK_LABELS` map a code to its English and Chinese names and colour. Also the
indicator :data:`DIRECTIONS` and the :class:`StatusThresholds` of the status lights.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import polars as pl


class Status(IntEnum):
    """Task status (状态), coded by severity so that the worst of several is their maximum."""

    UNKNOWN = -1  # no reported or no expected progress
    DONE = 0  # 已完成
    ON_TRACK = 1  # 正常
    BEHIND = 2  # 滞后
    FAR_BEHIND = 3  # 严重滞后
    OVERDUE = 4  # 逾期


#: code → (English name, Chinese name, colour)
STATUS_LABELS: dict[int, tuple[str, str, str]] = {
    Status.UNKNOWN: ("unknown", "未知", "grey"),
    Status.DONE: ("done", "已完成", "blue"),
    Status.ON_TRACK: ("on track", "正常", "green"),
    Status.BEHIND: ("behind", "滞后", "yellow"),
    Status.FAR_BEHIND: ("far behind", "严重滞后", "red"),
    Status.OVERDUE: ("overdue", "逾期", "red"),
}


class Outlook(IntEnum):
    """Outlook of an indicator at its target year (目标达成研判)."""

    NOT_APPLICABLE = -2  # boolean and milestone indicators are not projected
    UNKNOWN = -1  # nothing to project from, or no target
    LIKELY = 0  # 预计达成
    AT_RISK = 1  # 存在风险
    UNLIKELY = 2  # 难以达成


#: code → (English name, Chinese name, colour)
OUTLOOK_LABELS: dict[int, tuple[str, str, str]] = {
    Outlook.NOT_APPLICABLE: ("not applicable", "不适用", "grey"),
    Outlook.UNKNOWN: ("unknown", "未知", "grey"),
    Outlook.LIKELY: ("likely", "预计达成", "green"),
    Outlook.AT_RISK: ("at risk", "存在风险", "yellow"),
    Outlook.UNLIKELY: ("unlikely", "难以达成", "red"),
}

DIRECTIONS = ("higher", "lower", "range", "boolean", "milestone")


def _labels(table: dict[int, tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": pl.Series(list(table), dtype=pl.Int8),
            "name_en": [v[0] for v in table.values()],
            "name_zh": [v[1] for v in table.values()],
            "colour": [v[2] for v in table.values()],
        }
    )


def status_labels() -> pl.DataFrame:
    """:data:`STATUS_LABELS` as a frame (code, name_en, name_zh, colour), to join on ``status``."""
    return _labels(STATUS_LABELS)


def outlook_labels() -> pl.DataFrame:
    """:data:`OUTLOOK_LABELS` as a frame (code, name_en, name_zh, colour), to join on ``outlook``."""
    return _labels(OUTLOOK_LABELS)


@dataclass(frozen=True)
class StatusThresholds:
    """Thresholds of the status lights (状态阈值).

    With the shortfall s (see :func:`shortfall`): 滞后 behind when s > ``behind``, 严重滞后 far
    behind when s > ``far_behind`` (strictly above: s = 10 exactly is still on track).
    ``measure`` is ``"points"`` (percentage points, the default) or ``"relative"`` (% of the
    expected progress). Done when reported ≥ ``done_pct``.
    """

    behind: float = 10.0
    far_behind: float = 25.0
    measure: Literal["points", "relative"] = "points"
    done_pct: float = 100.0

    def __post_init__(self) -> None:
        if self.measure not in ("points", "relative"):
            raise ValueError(f"measure must be 'points' or 'relative', not {self.measure!r}")
        if not 0 <= self.behind <= self.far_behind:
            raise ValueError(
                f"need 0 ≤ behind ≤ far_behind, got behind={self.behind}, far_behind={self.far_behind}"
            )
        if not 0 < self.done_pct <= 100:
            raise ValueError(f"done_pct must be in (0, 100], got {self.done_pct}")


DEFAULT_THRESHOLDS = StatusThresholds()

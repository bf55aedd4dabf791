"""The system's "today" (今天) and "now", with the ``JINGJIN_AS_OF`` setting.

A running plan office uses the real date. The demo runs at a fixed month in the middle of the
plan (``JINGJIN_AS_OF=2023-10``), so that a newcomer sees reports due, some late, some returned,
fresh warnings and recent lists: every page, the API, the services and the demo generator ask
:func:`today` and :func:`now` instead of the wall clock.

``JINGJIN_AS_OF`` is ``YYYY-MM-DD`` or ``YYYY-MM`` (then the day :data:`AS_OF_DAY` of that
month); empty means the real date. ``now()`` keeps the real time of day on the as-of date, so
two writes in a row still come in order.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

#: the day of the month a ``YYYY-MM`` as-of setting stands for: after the 5th (the default report
#: deadline, so last month's reports can be late) and well before the month's end
AS_OF_DAY = 15


def parse_as_of(text: str) -> date | None:
    """``YYYY-MM-DD`` or ``YYYY-MM`` → a date; empty → None; anything else raises ValueError."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
        year, month = int(parts[0]), int(parts[1])
        return date(year, month, min(AS_OF_DAY, calendar.monthrange(year, month)[1]))
    if len(parts) == 3:
        return date.fromisoformat(text)
    raise ValueError(f"JINGJIN_AS_OF={text!r}: write YYYY-MM or YYYY-MM-DD, or leave it empty")


def as_of() -> date | None:
    """The fixed date of ``JINGJIN_AS_OF``, or None when the system runs on the real date."""
    try:
        return parse_as_of(str(getattr(settings, "JINGJIN_AS_OF", "") or ""))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def today() -> date:
    """Today in the local zone (Asia/Shanghai), or the as-of date."""
    fixed = as_of()
    return fixed if fixed is not None else timezone.localdate()


def now() -> datetime:
    """The current moment (aware), moved onto the as-of date when one is set."""
    real = timezone.localtime()
    fixed = as_of()
    if fixed is None:
        return real
    return real.replace(year=fixed.year, month=fixed.month, day=fixed.day)


def past_day(text: str, *, before: date | None = None) -> date | None:
    """A ``YYYY-MM-DD`` query parameter naming a day before ``before`` (default: :func:`today`),
    for the lists that show things as they stood on a past day; None when it is empty, not a date
    or not in the past (then the list shows today)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if day < (before or today()) else None

"""The one write of the cockpit: the reporting period a page or the API asks for.

Like the reporting pages, the cockpit creates a month's :class:`ReportingPeriod` (with the
default deadline) the first time it is asked for — only for months from the first reporting month to
the current month, so that nobody can fill the table with arbitrary months.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.dashboard.selectors import default_month, month_choices
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.services import period_get_or_create, period_parse


def period_resolve(*, code: str = "", today: date | None = None) -> ReportingPeriod:
    """The period ``code`` (``YYYY-MM``), or the month being reported on now when empty.

    Raises ValidationError for a malformed code or a month outside the first reporting month …
    this month.
    """
    today = today or clock.today()
    if not code:
        year, month = default_month(today)
    else:
        year, month = period_parse(code)
        choices = month_choices(today)
        if f"{year:04d}-{month:02d}" not in choices:
            raise ValidationError(
                _("The cockpit covers the months from %(first)s to this month.") % {"first": choices[-1]}
            )
    existing = ReportingPeriod.objects.filter(year=year, month=month).first()
    return existing if existing is not None else period_get_or_create(year=year, month=month)

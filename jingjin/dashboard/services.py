"""The reporting period a cockpit page or the API asks for.

Like the reporting pages, the cockpit stores nothing when it is read: a month without its
:class:`ReportingPeriod` row gets an unsaved one with the default deadline
(:func:`jingjin.reporting.selectors.period_of`); only months from the first reporting month to the
current month are accepted.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.dashboard.periods import default_month, month_choices
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.selectors import period_of
from jingjin.reporting.services import period_parse


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
    # a page view stores no period row (an unsaved one has no reports)
    return period_of(year=year, month=month)

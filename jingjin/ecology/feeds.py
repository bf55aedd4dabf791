"""Targets that feed the plan (自动取数): a plan indicator takes its actuals from a computed figure.

A *figure* is a function ``fn(year) -> (value, as_of_month) | None`` registered under a key
(:func:`register`). Built in: ``water_good_share`` (share of the assessed sections at class I–III,
%), ``blackodor_remaining`` (black-odorous bodies identified and not yet treated) and
``air_good_day_ratio`` (the city's good-day ratio, %, from its daily AQI); other modules register
theirs the same way. The water and air imports and the black-odorous register's changes refresh them.

How the actuals reach the lights and warnings: an :class:`~jingjin.ecology.water_models.IndicatorFeed`
links an indicator to a figure; :func:`feeds_refresh` (run after each import or computation) stores
the figure's value of each year as a :class:`~jingjin.ecology.water_models.FedActual` (audited, by
the system), and the warnings' outlook (``jingjin.alerts.selectors``) reads fed actuals in place of
typed ones for fed indicators (:func:`fed_actual_rows`). Nobody types the figure into a report;
the warnings follow at the refresh that :func:`feeds_refresh` starts when a value changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core import permissions as P
from jingjin.core.choices import AuditAction
from jingjin.core.services import audit_change, audit_record
from jingjin.ecology.choices import WaterClass
from jingjin.ecology.models import BlackOdorousBody
from jingjin.ecology.water_models import FedActual, IndicatorFeed, SectionClass, SectionSample

FigureFn = Callable[[int], tuple[Decimal, int] | None]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    unit: str
    fn: FigureFn


FIGURES: dict[str, Figure] = {}


def register(key: str, fn: FigureFn, *, label: str | Promise, unit: str = "") -> None:
    """Make ``fn`` available as figure ``key`` (registering a key again replaces it)."""
    FIGURES[key] = Figure(key=key, label=label, unit=unit, fn=fn)


def figure_choices() -> list[tuple[str, str]]:
    return [(f.key, str(f.label)) for f in FIGURES.values()]


def label_of(key: str) -> str:
    figure = FIGURES.get(key)
    return str(figure.label) if figure is not None else key


# --------------------------------------------------------------------------------------------
# Built-in figures


def water_good_share(year: int) -> tuple[Decimal, int] | None:
    """Share (%, 2 decimals) of the sections with a class for ``year`` (the yearly class, from the
    means of the months sampled so far) at class I–III; with the latest month sampled."""
    classes = SectionClass.objects.filter(year=year, month__isnull=True, section__active=True)
    total = classes.count()
    if not total:
        return None
    good = classes.filter(water_class__lte=WaterClass.III).count()
    last = SectionSample.objects.filter(year=year).order_by("-month").values_list("month", flat=True).first()
    share = (Decimal(good) * 100 / Decimal(total)).quantize(Decimal("0.01"))
    return share, int(last or 12)


register("water_good_share", water_good_share, label=_("share of sections at class I–III"), unit="%")


def _as_of_month(year: int) -> int:
    """The month a figure of ``year`` stands at: today's month in the current year, else December."""
    today = clock.today()
    return today.month if today.year == year else 12


def blackodor_remaining(year: int) -> tuple[Decimal, int] | None:
    """Black-odorous bodies (黑臭水体) not yet treated at the end of ``year`` (today in the current
    year): identified by then, and with no treatment completed (``treated_on``) by then. None when
    no body was identified by then."""
    today = clock.today()
    end = today if today.year == year else date(year, 12, 31)
    identified = BlackOdorousBody.objects.filter(identified_on__lte=end)
    if not identified.exists():
        return None
    remaining = identified.exclude(treated_on__lte=end).count()
    return Decimal(remaining), _as_of_month(year)


register("blackodor_remaining", blackodor_remaining, label=_("black-odorous bodies remaining"))


def air_good_day_ratio(year: int) -> tuple[Decimal, int] | None:
    """The city's good-day ratio (%) of ``year`` from its daily AQI (the air data), with the month
    of the latest evaluated day; None before the year's first day."""
    from jingjin.ecology.air_models import StationDay
    from jingjin.ecology.air_selectors import city_good_day_ratio

    ratio = city_good_day_ratio(year)
    last = (
        StationDay.objects.filter(station__isnull=True, date__year=year)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if ratio is None or last is None:
        return None
    return Decimal(repr(ratio)).quantize(Decimal("0.01")), last.month


register("air_good_day_ratio", air_good_day_ratio, label=_("the city's good-day ratio"), unit="%")


# --------------------------------------------------------------------------------------------
# Links and fed values


def feed_link(
    *, actor: Any, indicator: Any, figure: str, source: str = "web", warn: bool = True
) -> IndicatorFeed | None:
    """Link ``indicator`` to ``figure`` (an empty figure removes the link); then feed it.
    ``actor`` None is the system (the demo)."""
    if actor is not None and not P.may_link_indicator_feeds(actor):
        raise P.PermissionDenied("link an indicator to a figure")
    if figure and figure not in FIGURES:
        raise ValueError(f"unknown figure {figure!r}")
    with transaction.atomic():
        feed = IndicatorFeed.objects.filter(indicator=indicator).first()
        if not figure:
            if feed is not None:
                audit_record(
                    actor=actor,
                    action=AuditAction.DELETE,
                    obj=feed,
                    before=feed.snapshot(),
                    after=None,
                    source=source,
                )
                feed.delete()
                FedActual.objects.filter(indicator=indicator).delete()
            return None
        before = feed.snapshot() if feed is not None else None
        if feed is None:
            feed = IndicatorFeed(indicator=indicator)
        if feed.figure != figure:
            FedActual.objects.filter(indicator=indicator).delete()
        feed.figure = figure
        feed.save()
        audit_change(actor=actor, obj=feed, before=before, source=source)
    feeds_refresh(years=_years_of(indicator), source=source, warn=warn)
    return feed


def _years_of(indicator: Any) -> set[int]:
    """The years a newly linked indicator is fed for: from the year after its baseline (else the
    last five years) to the clock's year; later imports feed the years they touch."""
    today = clock.today()
    start = indicator.baseline_year + 1 if indicator.baseline_year else today.year - 4
    return set(range(min(start, today.year), today.year + 1))


def feeds_refresh(*, years: Iterable[int], source: str = "system", warn: bool = True) -> int:
    """Store each linked indicator's figure for ``years`` (FedActual, audited as the system);
    returns the number of values that changed. When some did, the warnings are refreshed."""
    years = sorted(set(years))
    changed = 0
    now = clock.now()
    for feed in IndicatorFeed.objects.select_related("indicator"):
        figure = FIGURES.get(feed.figure)
        if figure is None:
            continue
        for year in years:
            result = figure.fn(year)
            changed += _store(feed, year, result, now=now, source=source)
    if changed and warn:
        from jingjin.alerts.services import warnings_refresh

        warnings_refresh(as_of=clock.today(), notify=True)
    return changed


def _store(
    feed: IndicatorFeed, year: int, result: tuple[Decimal, int] | None, *, now: Any, source: str
) -> int:
    old = FedActual.objects.filter(indicator=feed.indicator, year=year).first()
    if result is None:
        if old is None:
            return 0
        audit_record(
            actor=None, action=AuditAction.DELETE, obj=old, before=_values(old), after=None, source=source
        )
        old.delete()
        return 1
    value, month = result
    if old is not None and old.value == value and old.month == month and old.figure == feed.figure:
        return 0
    before = _values(old) if old is not None else None
    fed = old or FedActual(indicator=feed.indicator, year=year)
    fed.month, fed.value, fed.figure, fed.computed_at = month, value, feed.figure, now
    fed.save()
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    audit_record(actor=None, action=action, obj=fed, before=before, after=_values(fed), source=source)
    return 1


def _values(fed: FedActual) -> dict[str, Any]:
    return {
        "indicator": fed.indicator.code,
        "year": fed.year,
        "month": fed.month,
        "figure": fed.figure,
        "value": str(fed.value),
    }


def fed_actual_rows(*, month_index_max: int, directions: Iterable[str]) -> list[tuple[int, int, Decimal]]:
    """(indicator id, month index = year × 12 + month − 1, value) of the fed actuals up to a month,
    of indicators with these directions (the warnings' outlook reads them, ``jingjin.alerts.selectors``)."""
    fed = FedActual.objects.filter(indicator__direction__in=list(directions), indicator__feed__isnull=False)
    rows = fed.order_by().values_list("indicator_id", "year", "month", "value")
    found = [(i, y * 12 + m - 1, v) for i, y, m, v in rows]
    return [r for r in found if r[1] <= month_index_max]


def fed_indicator_ids() -> set[int]:
    return set(IndicatorFeed.objects.values_list("indicator_id", flat=True))

"""Bounds at every entrance: the numbers, years, dates and texts the system accepts.

One set of checks for every way data comes in — the forms, the API, the plan file, the statistics
import, the report batch and the command line — so that one bad cell cannot reach the database
and break the pages that read it later (a year 3000000000 made the benchmark page allocate 23 GB;
a value ``1e300`` made every page that read it raise ``decimal.InvalidOperation``).

- :data:`YEAR_MIN` … :data:`YEAR_MAX`: every year (plan years, baseline and target years,
  statistics years, comparable-from years) and every date.
- :class:`Number`: a decimal of the database's precision (``max_digits``, ``decimal_places``),
  finite, below ``10 ** (max_digits - decimal_places)`` in size, optionally positive or at least a
  minimum. :data:`PLAN_NUMBER` (baselines, targets, actuals), :data:`WEIGHT` and
  :data:`STATISTIC_VALUE` are the ones in use.
- :func:`text_problem`: at most ``max_length`` characters, no control character (line breaks
  and tabs are allowed); :data:`CONTROL_CHARACTERS` is the one definition.
- :func:`nesting_problem`: a parsed document (JSON, YAML) no deeper than a limit.

The checks return a :class:`jingjin.i18n.Msg` (English, translatable later) or ``None``: this part
has no Django, so the plan file and the statistics checks use it from the command line. The Django
part — validators for model fields and forms, and :class:`BoundedModelSerializer` for the API —
comes last and imports Django only when used.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from jingjin.i18n import Msg, _

if TYPE_CHECKING:  # at run time built on first use by __getattr__ below
    from rest_framework.serializers import ModelSerializer as BoundedModelSerializer

    __all__ = ["BoundedModelSerializer"]

#: the first and the last year any year or date may have
YEAR_MIN = 1900
YEAR_MAX = 2200
#: C0 control characters except tab, line feed and carriage return, DEL, and the C1 controls
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: the longest free text (descriptions, notes, sources) an import accepts
LONG_TEXT_MAX = 20_000
#: how deep a plan file (or any parsed document) may nest
MAX_NESTING = 32
#: how many lists, mappings and values a parsed document may hold (YAML aliases included)
MAX_ITEMS = 2_000_000


class BoundError(ValueError):
    """A value out of its bounds; the message (a :class:`Msg`) says why."""

    def __init__(self, message: Msg):
        self.message = message
        super().__init__(str(message))


def show(value: Any, limit: int = 60) -> str:
    """``value`` as a message shows it: short (a long text or a deep list is cut)."""
    try:
        text = repr(value) if isinstance(value, str) else str(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A decimal stored with ``max_digits`` digits, ``decimal_places`` of them after the point.

    Accepted: an int, a float or a numeric text (``"1,234.5"`` too) that is finite, smaller in
    size than :attr:`limit`, positive when ``positive`` and at least ``minimum`` when given.
    More decimals than ``decimal_places`` are rounded (as the database would).
    """

    max_digits: int
    decimal_places: int
    positive: bool = False
    minimum: int | None = None

    @property
    def limit(self) -> Decimal:
        """The first size that is too large: ``10 ** (max_digits - decimal_places)``."""
        return Decimal(10) ** (self.max_digits - self.decimal_places)

    def parse(self, value: Any) -> Decimal:
        """``value`` as a Decimal of this precision, or :class:`BoundError`."""
        if isinstance(value, bool) or value is None:
            raise BoundError(_("must be a number, not %(value)s", value=show(value)))
        try:
            if isinstance(value, float):
                number = Decimal(repr(value)) if math.isfinite(value) else Decimal(str(value))
            elif isinstance(value, int | Decimal):
                number = Decimal(value)
            elif isinstance(value, str):
                number = Decimal(value.replace(",", "").strip())
            else:
                raise BoundError(_("must be a number, not %(value)s", value=show(value)))
        except (InvalidOperation, ValueError) as exc:
            raise BoundError(_("must be a number, not %(value)s", value=show(value))) from exc
        if not number.is_finite():
            raise BoundError(_("must be a finite number, not %(value)s", value=show(value)))
        too_large = _(
            "%(value)s is too large: the size must stay below %(limit)s",
            value=show(value),
            limit=f"{self.limit:,.0f}",
        )
        if abs(number) >= self.limit:
            raise BoundError(too_large)
        number = number.quantize(Decimal(1).scaleb(-self.decimal_places))
        if abs(number) >= self.limit:  # 99999999999999.9999999 rounds up to the limit
            raise BoundError(too_large)
        if self.positive and number <= 0:
            raise BoundError(
                _(
                    "must be greater than 0 (at least %(step)s), not %(value)s",
                    step=Decimal(1).scaleb(-self.decimal_places),
                    value=show(value),
                )
            )
        if self.minimum is not None and number < self.minimum:
            raise BoundError(
                _("must be at least %(minimum)s, not %(value)s", minimum=self.minimum, value=show(value))
            )
        return number

    def problem(self, value: Any) -> Msg | None:
        """Why ``value`` is not acceptable, or None."""
        try:
            self.parse(value)
        except BoundError as exc:
            return exc.message
        return None


#: baselines, targets, yearly targets, shares' targets and reported actuals (DecimalField(20, 6))
PLAN_NUMBER = Number(20, 6)
#: the weight of an action, measure or task (DecimalField(20, 6), greater than 0)
WEIGHT = Number(20, 6, positive=True)
#: a value of the benchmarking statistics (DecimalField(24, 6))
STATISTIC_VALUE = Number(24, 6)


# --------------------------------------------------------------------------------------------
# Years and dates
# --------------------------------------------------------------------------------------------


def year_problem(value: Any) -> Msg | None:
    """Why ``value`` is not a year :data:`YEAR_MIN` … :data:`YEAR_MAX` (an int), or None."""
    if isinstance(value, int) and not isinstance(value, bool) and YEAR_MIN <= value <= YEAR_MAX:
        return None
    return _(
        "must be a year (a whole number %(first)s–%(last)s), not %(value)s",
        first=YEAR_MIN,
        last=YEAR_MAX,
        value=show(value),
    )


def whole_number(value: Any) -> int | None:
    """A whole number from a cell: an int, a whole float (a workbook's numbers come as floats:
    2024 is read as 2024.0) or a text of one (``"2024"``, ``"2024.0"``); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if len(text) <= 20 else math.nan
        except ValueError:
            return None
        return int(number) if math.isfinite(number) and number.is_integer() else None
    return None


def parse_year(value: Any) -> int:
    """A year from a cell (:func:`whole_number`); :class:`BoundError` otherwise or out of
    :data:`YEAR_MIN` … :data:`YEAR_MAX`."""
    year: Any = whole_number(value)
    if year is None:  # named in the message as it was given
        year = value.strip() if isinstance(value, str) else value
    problem = year_problem(year)
    if problem is not None:
        raise BoundError(problem)
    return int(year)


def parse_date(value: Any) -> date:
    """A date from a ``date``, a ``datetime`` or a text ``YYYY-MM-DD`` within the year bounds;
    :class:`BoundError` otherwise."""
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise BoundError(_("must be a date YYYY-MM-DD, not %(value)s", value=show(value)))
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise BoundError(
            _(
                "must be a date in the years %(first)s–%(last)s, not %(value)s",
                first=YEAR_MIN,
                last=YEAR_MAX,
                value=show(value),
            )
        )
    return day


# --------------------------------------------------------------------------------------------
# Texts and documents
# --------------------------------------------------------------------------------------------


def text_problem(value: str, *, max_length: int | None) -> Msg | None:
    """Why the text ``value`` is not acceptable (too long, a control character), or None."""
    if max_length is not None and len(value) > max_length:
        return _("at most %(max)s characters, now %(n)s", max=max_length, n=len(value))
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        return _(
            "contains a control character (U+%(code)s at position %(position)s); only line breaks "
            "and tabs are allowed",
            code=f"{ord(found.group()):04X}",
            position=found.start() + 1,
        )
    return None


def nesting_problem(data: Any, *, limit: int = MAX_NESTING, max_items: int = MAX_ITEMS) -> Msg | None:
    """Why a parsed document is too deep (lists and mappings nested more than ``limit`` levels)
    or too large (more than ``max_items`` entries, counting each use of a YAML alias), or None.
    Iterative, so a hostile document cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > max_items:
            return _("more than %(count)s entries", count=f"{max_items:,}")
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth > limit:
            return _("nested more than %(limit)s levels deep", limit=limit)
        stack.extend((child, depth + 1) for child in children)
    return None


# --------------------------------------------------------------------------------------------
# Django: validators for model fields, forms and serializers
# --------------------------------------------------------------------------------------------


def year_validators() -> list[Any]:
    """Validators of a year field (model, form or serializer): :data:`YEAR_MIN` … :data:`YEAR_MAX`."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    return [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


def size_check(field: str, bound: Number, name: str) -> Any:
    """A database check constraint: ``field`` is null or smaller in size than ``bound.limit``."""
    from django.db import models

    limit = bound.limit
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gt": -limit, f"{field}__lt": limit}),
        name=name,
    )


def number_validators(bound: Number) -> list[Any]:
    """Validators of a decimal field with the bound ``bound`` (its size and sign)."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    largest = bound.limit - Decimal(1).scaleb(-bound.decimal_places)
    smallest = Decimal(0).scaleb(-bound.decimal_places) if bound.positive else -largest
    if bound.minimum is not None:
        smallest = max(smallest, Decimal(bound.minimum))
    return [MinValueValidator(smallest), MaxValueValidator(largest)]


class DateInYears:
    """A validator of dates (model fields, forms, serializers): in the years
    :data:`YEAR_MIN` … :data:`YEAR_MAX`."""

    def __call__(self, value: Any) -> None:
        from django.core.exceptions import ValidationError

        if isinstance(value, date) and not YEAR_MIN <= value.year <= YEAR_MAX:
            message = _(
                "must be a date in the years %(first)s–%(last)s, not %(value)s",
                first=YEAR_MIN,
                last=YEAR_MAX,
                value=value.isoformat(),
            )
            raise ValidationError(message.translated(), code="date_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateInYears)

    def __hash__(self) -> int:
        return hash(DateInYears)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("jingjin.core.bounds.DateInYears", (), {})


class NoControlCharacters:
    """A validator of texts (model fields, forms, serializers): no control character."""

    def __call__(self, value: Any) -> None:
        from django.core.exceptions import ValidationError

        if isinstance(value, str):
            problem = text_problem(value, max_length=None)
            if problem is not None:
                raise ValidationError(problem.translated(), code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(NoControlCharacters)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("jingjin.core.bounds.NoControlCharacters", (), {})


def bound_texts(form: Any) -> Any:
    """Give every text field of a Django form the :class:`NoControlCharacters` validator (and
    :data:`LONG_TEXT_MAX` when it has no length); returns the form."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
            field.validators.append(NoControlCharacters())
            if field.max_length is None:
                from django.core.validators import MaxLengthValidator

                field.max_length = LONG_TEXT_MAX
                field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
    return form


def _bounded_serializer_base() -> type:
    from rest_framework import serializers

    class _Base(serializers.ModelSerializer):  # type: ignore[type-arg]
        """A model serializer whose texts refuse control characters and whose text fields
        without a ``max_length`` (TextField) are limited to :data:`LONG_TEXT_MAX`; numbers and
        years keep the model fields' validators (see :func:`number_validators`)."""

        def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, dict[str, Any]]:
            field_class, kwargs = super().build_standard_field(field_name, model_field)
            if issubclass(field_class, serializers.CharField) and "choices" not in kwargs:
                kwargs["validators"] = [*kwargs.get("validators", []), NoControlCharacters()]
                kwargs.setdefault("max_length", LONG_TEXT_MAX)
            return field_class, kwargs

    return _Base


def __getattr__(name: str) -> Any:
    """``BoundedModelSerializer`` is built on first use, so that the Django-free users of this
    module (the plan file and the statistics checks on the command line) never import DRF."""
    if name == "BoundedModelSerializer":
        base = _bounded_serializer_base()
        globals()[name] = base
        return base
    raise AttributeError(name)

"""Helpers shared by the supervision practices of issue 20 (instructions, extensions, urging,
meetings, 蹲点): the next free code of a year, and the check of a required text."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Length

from jingjin.core.texts import text_problem

#: longest text accepted (characters)
MAX_TEXT = 10_000


def next_code(model: Any, *, prefix: str, year: int) -> str:
    """The next free code of ``year`` among ``model``'s codes: <prefix>-2026-0001, -0002 …"""
    start = f"{prefix}-{year}-"
    last = (
        model.objects.filter(code__startswith=start)
        .annotate(code_length=Length("code"))
        .order_by("-code_length", "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.removeprefix(start)) + 1 if last else 1
    return f"{start}{number:04d}"


def required_text(value: str, *, field: str, label: Any, max_length: int = MAX_TEXT) -> str:
    """``value`` stripped; :class:`ValidationError` on ``field`` when empty, too long or holding a
    control character."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"{label}: required"})
    problem = text_problem(text, label=label, max_length=max_length)
    if problem:
        raise ValidationError({field: problem})
    return text


def user_or_none(actor: Any) -> Any:
    """The signed-in user acting, or None for the system."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None

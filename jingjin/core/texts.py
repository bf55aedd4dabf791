"""Checks of the texts users type or upload, and of the text cells the system writes to Excel.

Every text that enters is within its stated length and free of control characters (line breaks
and tabs are allowed); the message names the field in the UI's language ("本月进展最多 5000 字，
当前 6000 字"). What the exports write is made safe in :mod:`jingjin.core.exports`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from jingjin.core.bounds import CONTROL_CHARACTERS as CONTROL_CHARACTERS  # re-exported: the checks use it


def text_problem(value: str, *, label: Any, max_length: int | None) -> str | None:
    """Why ``value`` is not acceptable as the text ``label`` (its length, a control character),
    in the active language — or None when it is fine."""
    if max_length is not None and len(value) > max_length:
        return _("%(field)s: at most %(max)d characters, now %(n)d.") % {
            "field": capfirst(str(label)),
            "max": max_length,
            "n": len(value),
        }
    found = CONTROL_CHARACTERS.search(value)
    if found is not None:
        return _(
            "%(field)s contains a control character (U+%(code)04X at position %(position)d); only "
            "line breaks and tabs are allowed."
        ) % {"field": capfirst(str(label)), "code": ord(found.group()), "position": found.start() + 1}
    return None


class TextLimit:
    """A form and serializer validator: at most ``max_length`` characters, no control characters;
    the message names the field (``label``)."""

    def __init__(self, max_length: int | None, label: Any) -> None:
        self.max_length = max_length
        self.label = label

    def __call__(self, value: Any) -> None:
        problem = text_problem(str(value or ""), label=self.label, max_length=self.max_length)
        if problem is not None:
            raise ValidationError(problem, code="text")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TextLimit) and other.max_length == self.max_length and other.label == self.label
        )

    def __hash__(self) -> int:
        return hash((self.max_length, str(self.label)))


def model_text_errors(instance: Any, names: Any) -> dict[str, str]:
    """The problems of the text fields ``names`` of a model instance, by field name, each checked
    against the field's ``max_length`` and labelled with its verbose name."""
    errors: dict[str, str] = {}
    for name in names:
        field = instance._meta.get_field(name)
        value = getattr(instance, name)
        if not isinstance(value, str):
            continue
        problem = text_problem(value, label=field.verbose_name, max_length=field.max_length)
        if problem is not None:
            errors[name] = problem
    return errors

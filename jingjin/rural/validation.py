"""Checks of the personal data a case worker types: messages name the field, never the value."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jingjin.core.bounds import CONTROL_CHARACTERS

#: ISO 7064 MOD 11-2 weights and check characters of the 18-character resident ID (GB 11643-1999)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """The check character of an ID number's first 17 digits (GB 11643-1999)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def check_text(value: str, field: str, *, max_length: int, required: bool = False) -> None:
    if required and not value.strip():
        raise ValidationError({field: _("This field is required.")})
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError({field: _("The text holds a control character.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})


def check_id_number(value: str) -> str:
    """An 18-character resident ID number with a valid check character (empty allowed)."""
    text = value.strip().upper().replace(" ", "")
    if not text:
        return ""
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError({"id_number": _("An ID number has 17 digits and a check digit or X.")})
    if id_check_character(text[:17]) != text[17]:
        raise ValidationError({"id_number": _("The ID number's check digit is wrong.")})
    return text


def check_phone(value: str) -> str:
    """A mainland mobile (11 digits starting 1) or a fixed line (digits and one hyphen, 7–13)."""
    text = value.strip().replace(" ", "")
    if not text:
        return ""
    digits = text.replace("-", "", 1)
    if not digits.isdigit() or not ((len(digits) == 11 and digits[0] == "1") or 7 <= len(digits) <= 13):
        raise ValidationError({"phone": _("Give a mobile or a fixed-line number (digits only).")})
    return text

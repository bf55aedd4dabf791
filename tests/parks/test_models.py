"""The registers' rules on single values: the credit code's check character, bounds, the cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jingjin.parks import creditcode, selectors
from jingjin.parks.models import ChainLink, Firm

from .conftest import CODE_A, CODE_B, CODE_C


def test_check_character_worked_by_hand() -> None:
    """91510900MA62X1234: values 9 1 5 1 0 9 0 0 M=21 A=10 6 2 X=29 1 2 3 4, weights 1 3 9 27 19
    26 16 17 20 29 25 13 8 24 10 30 28: Σ = 9+3+45+27+0+234+0+0+420+290+150+26+232+24+20+90+112
    = 1682; 1682 mod 31 = 8; 31 − 8 = 23 → P. The next two: +28 → 1710 mod 31 = 5 → 26 → T;
    +56 → 1738 mod 31 = 2 → 29 → X."""
    assert creditcode.check_character("91510900MA62X1234") == "P"
    assert [CODE_A[-1], CODE_B[-1], CODE_C[-1]] == ["P", "T", "X"]
    assert creditcode.is_valid(CODE_A)
    assert not creditcode.is_valid(CODE_A[:-1] + "Q")  # a wrong check character
    assert not creditcode.is_valid(CODE_A.lower())
    assert not creditcode.is_valid("91510900MA62I1234P")  # I is not in the alphabet
    assert not creditcode.is_valid(CODE_A[:-1])


def test_invalid_mask_checks_a_column_at_once() -> None:
    codes = [CODE_A, CODE_A[:-1] + "0", "", "文字" * 9, CODE_B, CODE_C + "0"]
    assert creditcode.invalid_mask(codes).tolist() == [False, True, True, True, False, True]
    assert creditcode.invalid_mask([]).tolist() == []


@pytest.mark.django_db
def test_a_firm_with_a_bad_credit_code_or_a_negative_output_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Firm(name="示例企业", credit_code=CODE_A[:-1] + "Q").full_clean()
    assert "credit_code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        Firm(name="示例企业", credit_code=CODE_A, output=Decimal("-1")).full_clean()
    assert list(caught.value.message_dict) == ["output"]


@pytest.mark.django_db
def test_a_link_importance_is_from_0_to_1(park_world) -> None:
    link = ChainLink.objects.get(code="C.LI.U1")
    link.importance = Decimal("1.5")
    with pytest.raises(ValidationError) as caught:
        link.full_clean()
    assert list(caught.value.message_dict) == ["importance"]


def test_the_leading_industry_cap(settings) -> None:
    settings.JINGJIN_PARK_LEADING_CAPS = {"national": 3, "provincial": 2, "city": 2}
    assert selectors.leading_cap_exceeded(level="provincial", leading_count=3)
    assert not selectors.leading_cap_exceeded(level="provincial", leading_count=2)
    assert not selectors.leading_cap_exceeded(level="national", leading_count=3)
    assert selectors.leading_cap_exceeded(level="national", leading_count=4)
    assert not selectors.leading_cap_exceeded(level="unknown", leading_count=9)

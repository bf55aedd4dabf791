"""Fixtures of the document tests: a supervision item of unit t.a, and PDF files written by a stub
(the real PDF layout is tested once, in test_layout.py: WeasyPrint takes about a second a file)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jingjin.core.models import Unit


@pytest.fixture
def item(users: dict[str, Any]) -> Any:
    from jingjin.supervision import services

    return services.item_issue(
        actor=users["office"],
        title="推进户厕改造",
        body="加快进度。\n按月报送。",
        assignee_unit=Unit.objects.get(code="t.a"),
        deadline=date(2030, 1, 31),
        source="test",
    )


@pytest.fixture
def quick_pdf(monkeypatch: Any) -> None:
    """The PDF as a one-line stub: the tests of numbering, permissions and pages need no layout."""
    from jingjin.documents import layout

    monkeypatch.setattr(layout, "pdf_bytes", lambda page: b"%PDF-1.7 " + page.number.encode())

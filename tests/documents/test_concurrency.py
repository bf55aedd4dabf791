"""Document numbers under concurrent requests: four documents issued at the same moment get four
consecutive numbers, never the same one (the counter row is taken with ``select_for_update``; on
SQLite the write transaction begins immediately). Real threads on a real database — PostgreSQL
when ``DATABASE_URL`` names one."""

from __future__ import annotations

import contextlib
import threading
from datetime import date
from typing import Any

import pytest
from django.db import connections

from jingjin.documents import layout, services
from jingjin.documents.choices import DocumentKind
from jingjin.documents.models import NumberCounter, OfficialDocument

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quick_pdf")]

RACERS = 4


def test_numbers_are_unique_and_sequential_under_concurrent_issues(
    users: dict[str, Any], item: Any, loaded_plan: Any, monkeypatch: Any
) -> None:
    # the file is written after the number is taken: make every racer wait there (a second at most)
    # for the others — with the lock held, none of them can get that far meanwhile
    original = layout.docx_bytes
    barrier = threading.Barrier(RACERS)

    def held(page: Any) -> bytes:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=0.5)
        return original(page)

    monkeypatch.setattr(layout, "docx_bytes", held)
    start = threading.Barrier(RACERS)
    results: list[Any] = [None] * RACERS

    def issue(index: int) -> None:
        try:
            start.wait(timeout=10)
            results[index] = services.document_issue(
                actor=users["office"],
                kind=DocumentKind.NOTICE,
                plan=loaded_plan,
                source=item,
                day=date(2023, 6, 1),
            ).number
        except Exception as exc:  # reported below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [f"督函〔2023〕{n}号" for n in range(1, RACERS + 1)]
    assert NumberCounter.objects.get(prefix="督函", year=2023).last == RACERS
    assert OfficialDocument.objects.count() == RACERS


def test_the_number_is_taken_only_inside_a_transaction(db: Any) -> None:
    with pytest.raises(RuntimeError):
        services.number_take(prefix="督函", year=2023)

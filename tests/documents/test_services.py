"""Issuing and withdrawing documents: numbers per prefix and year, never reused; the texts from
each source; who may do it; the audit trail."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.documents import layout, services
from jingjin.documents.choices import DocumentKind, DocumentState
from jingjin.documents.models import NumberCounter, OfficialDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_pdf")]


def _notice(users: dict[str, Any], item: Any, loaded_plan: Any, day: date) -> OfficialDocument:
    return services.document_issue(
        actor=users["office"], kind=DocumentKind.NOTICE, plan=loaded_plan, source=item, day=day
    )


def test_numbers_follow_each_other_per_prefix_and_year(
    users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    first = _notice(users, item, loaded_plan, date(2023, 3, 1))
    second = _notice(users, item, loaded_plan, date(2023, 9, 1))
    next_year = _notice(users, item, loaded_plan, date(2024, 1, 2))
    assert (first.number, second.number, next_year.number) == (
        "督函〔2023〕1号",
        "督函〔2023〕2号",
        "督函〔2024〕1号",
    )
    assert all(layout.NUMBER_PATTERN.match(d.number) for d in (first, second, next_year))
    assert NumberCounter.objects.get(prefix="督函", year=2023).last == 2


def test_the_prefix_and_the_heading_come_from_the_plans_settings(
    users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    services.document_settings_save(
        actor=users["office"],
        plan=loaded_plan,
        values={
            "issuer": "测试市督查考核办公室",
            "prefix_notice": "测督",
            "prefix_bulletin": "测督通",
            "prefix_ranking": "测督榜",
            "copy_to": "市委办公室",
        },
    )
    document = _notice(users, item, loaded_plan, date(2023, 5, 4))
    assert document.number == "测督〔2023〕1号"
    assert (document.issuer, document.signature, document.printer) == ("测试市督查考核办公室",) * 3
    from docx import Document

    texts = [p.text for p in Document(io.BytesIO(bytes(document.docx))).paragraphs]
    assert texts[0] == "测试市督查考核办公室" and "测督〔2023〕1号" in texts
    assert "抄送：市委办公室。" in texts


def test_a_notice_says_what_by_when_to_the_unit(users: dict[str, Any], item: Any, loaded_plan: Any) -> None:
    document = _notice(users, item, loaded_plan, date(2023, 5, 4))
    assert document.title == "关于督办“推进户厕改造”的函"
    assert document.addressee == "甲局"
    assert (
        item.code in document.body
        and "2030年1月31日前办结" in document.body
        and "加快进度。" in document.body
    )
    assert [u.code for u in document.recipients.all()] == ["t.a"]
    assert document.supervision_item == item and bytes(document.pdf).startswith(b"%PDF")
    entry = AuditEntry.objects.get(object_id=document.pk, content_type__model="officialdocument")
    assert entry.action == "create" and entry.after["number"] == document.number
    assert len(entry.after["docx_sha256"]) == 64


def test_a_withdrawn_document_keeps_its_number_and_numbers_are_never_reused(
    users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    first = _notice(users, item, loaded_plan, date(2023, 5, 4))
    services.document_withdraw(actor=users["office"], document=first, reason="内容有误")
    first.refresh_from_db()
    assert first.state == DocumentState.WITHDRAWN and first.number == "督函〔2023〕1号"
    again = _notice(users, item, loaded_plan, date(2023, 5, 5))
    assert again.number == "督函〔2023〕2号"
    with pytest.raises(services.DocumentError):
        services.document_withdraw(actor=users["office"], document=first, reason="再撤")
    with pytest.raises(services.DocumentError):
        services.document_withdraw(actor=users["office"], document=again, reason="  ")
    assert AuditEntry.objects.filter(object_id=first.pk, content_type__model="officialdocument").count() == 2


@pytest.mark.parametrize("who", ["reporter_a", "county_c", "leader"])
def test_only_the_plan_office_issues_and_withdraws(
    who: str, users: dict[str, Any], item: Any, loaded_plan: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.document_issue(actor=users[who], kind=DocumentKind.NOTICE, plan=loaded_plan, source=item)
    document = _notice(users, item, loaded_plan, date(2023, 5, 4))
    with pytest.raises(PermissionDenied):
        services.document_withdraw(actor=users[who], document=document, reason="不行")
    assert not NumberCounter.objects.filter(last__gt=1).exists()


def test_a_failed_issue_takes_no_number(
    users: dict[str, Any], item: Any, loaded_plan: Any, monkeypatch: Any
) -> None:
    def broken(page: Any) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(layout, "docx_bytes", broken)
    with pytest.raises(RuntimeError):
        _notice(users, item, loaded_plan, date(2023, 5, 4))
    monkeypatch.undo()
    monkeypatch.setattr(layout, "pdf_bytes", lambda page: b"%PDF")
    assert _notice(users, item, loaded_plan, date(2023, 5, 4)).number == "督函〔2023〕1号"


def _published_list(loaded_plan: Any) -> Any:
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import ranking_list_compute, schemes_load_builtin
    from jingjin.reporting.services import period_get_or_create

    schemes_load_builtin()
    RankingScheme.objects.update(min_items=1)
    scheme = RankingScheme.objects.order_by("pk").first()
    draft = ranking_list_compute(actor=None, scheme=scheme, period=period_get_or_create(year=2024, month=2))
    return draft


def test_a_list_notice_needs_a_published_list(users: dict[str, Any], loaded_plan: Any) -> None:
    from jingjin.assessment.services import ranking_list_publish

    draft = _published_list(loaded_plan)
    with pytest.raises(services.DocumentError):
        services.document_issue(
            actor=users["office"], kind=DocumentKind.RANKING, plan=loaded_plan, source=draft
        )
    assert not OfficialDocument.objects.exists() and not NumberCounter.objects.exists()
    published = ranking_list_publish(actor=None, ranking_list=draft)
    document = services.document_issue(
        actor=users["office"],
        kind=DocumentKind.RANKING,
        plan=loaded_plan,
        source=published,
        day=date(2024, 3, 8),
    )
    assert document.number == "督榜〔2024〕1号" and "红榜" in document.body and "黑榜" in document.body
    assert document.title == "关于2024年2月红黑榜情况的通报"


def test_a_bulletin_from_the_periods_figures(users: dict[str, Any], loaded_plan: Any) -> None:
    from jingjin.reporting.services import period_get_or_create

    period = period_get_or_create(year=2024, month=3)
    document = services.document_issue(
        actor=users["office"],
        kind=DocumentKind.BULLETIN,
        plan=loaded_plan,
        source=period,
        day=date(2024, 4, 10),
    )
    assert document.number == "督通〔2024〕1号"
    assert document.title == "关于2024年3月工作推进情况的通报"
    assert document.period == period and "一、总体情况" in document.body
    assert {u.code for u in document.recipients.all()} == {"t.a", "t.b"}  # the lead units of the tasks

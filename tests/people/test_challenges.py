"""The 揭榜挂帅 board: each step only in its state, every step audited, the public list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.people import challenge_services as cs
from jingjin.people.models import Challenge

pytestmark = pytest.mark.django_db


def _draft(world: dict[str, Any], **over: Any) -> Challenge:
    data = {
        "code": "JB1",
        "title": "示例难题",
        "goal": "目标",
        "budget": Decimal(100),
        "deadline": date(2024, 6, 30),
        "evaluation": "专家评审",
        "unit": world["units"]["t.a"],
    }
    return cs.challenge_save(actor=world["users"]["personnel"], data={**data, **over})


def test_the_whole_way_with_its_audit(world: dict[str, Any]) -> None:
    actor = world["users"]["personnel"]
    c = _draft(world)
    with pytest.raises(ValidationError):  # no bid on a draft
        cs.bid_record(actor=actor, challenge=c, team=world["team"], plan="方案", budget_asked=Decimal(90))
    cs.challenge_publish(actor=actor, challenge=c)
    with pytest.raises(ValidationError):  # terms are fixed once published
        cs.challenge_save(actor=actor, challenge=c, data={"budget": Decimal(1)})
    bid = cs.bid_record(actor=actor, challenge=c, team=world["team"], plan="方案", budget_asked=Decimal(90))
    with pytest.raises(ValidationError):  # one bid per team
        cs.bid_record(actor=actor, challenge=c, team=world["team"], plan="再来", budget_asked=Decimal(80))
    with pytest.raises(ValidationError):  # no milestone before a selection
        cs.milestone_add(actor=actor, challenge=c, name="中期", planned=date(2024, 8, 1))
    with pytest.raises(ValidationError):  # a selection needs reasons
        cs.bid_select(actor=actor, bid=bid, reason=" ")
    cs.bid_select(actor=actor, bid=bid, reason="方案最优")
    m = cs.milestone_add(actor=actor, challenge=c, name="中期", planned=date(2024, 8, 1))
    with pytest.raises(ValidationError):  # passing needs every milestone reached
        cs.challenge_accept(actor=actor, challenge=c, passed=True)
    with pytest.raises(ValidationError):  # a failure needs reasons
        cs.challenge_accept(actor=actor, challenge=c, passed=False)
    cs.milestone_reach(actor=actor, milestone=m, reached=date(2024, 5, 10))
    cs.challenge_accept(actor=actor, challenge=c, passed=True, reason="达标")
    c.refresh_from_db()
    assert (c.state, c.selection_reason, c.accepted_on) == ("passed", "方案最优", date(2024, 5, 15))
    with pytest.raises(ValidationError):  # accepted once
        cs.challenge_accept(actor=actor, challenge=c, passed=False, reason="又不行")
    states = [
        e.after.get("state")
        for e in AuditEntry.objects.filter(object_id=c.pk, content_type__model="challenge").order_by("pk")
    ]
    assert states == ["draft", "published", "selected", "passed"]
    assert AuditEntry.objects.filter(content_type__model="bid").count() == 2  # recorded, selected
    assert AuditEntry.objects.filter(content_type__model="challengemilestone").count() == 2


def test_deadlines_and_who_may(world: dict[str, Any]) -> None:
    late = _draft(world, code="JB2", deadline=date(2024, 5, 1))
    with pytest.raises(ValidationError):
        cs.challenge_publish(actor=world["users"]["personnel"], challenge=late)
    c = _draft(world, code="JB3")
    cs.challenge_publish(actor=world["users"]["office"], challenge=c)
    with pytest.raises(ValidationError):  # a bid after the deadline
        cs.bid_record(
            actor=world["users"]["office"],
            challenge=c,
            team=world["team"],
            plan="p",
            budget_asked=Decimal(1),
            submitted_on=date(2024, 7, 1),
        )
    before = AuditEntry.objects.count()
    for who in ("reporter_a", "leader"):
        with pytest.raises(PermissionDenied):
            cs.challenge_save(actor=world["users"][who], data={"code": "X"})
    assert AuditEntry.objects.count() == before


def test_the_public_list_shows_open_challenges_only_without_signing_in(
    world: dict[str, Any], client: Any
) -> None:
    _draft(world, code="JB-DRAFT", title="未发布的难题")
    open_ = _draft(world, code="JB-OPEN", title="公开的难题")
    cs.challenge_publish(actor=None, challenge=open_)
    cs.bid_record(
        actor=None, challenge=open_, team=world["team"], plan="团队秘密方案", budget_asked=Decimal(5)
    )
    page = client.get("/people/open-challenges/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "公开的难题" in text and "未发布的难题" not in text
    assert "团队秘密方案" not in text and "示例团队" not in text and "张某" not in text


def test_the_page_steps(world: dict[str, Any], client: Any) -> None:
    c = _draft(world, code="JB-P")
    client.force_login(world["users"]["personnel"])
    client.post(f"/people/challenges/{c.code}/", {"step": "publish"})
    client.post(
        f"/people/challenges/{c.code}/",
        {"step": "bid", "team": world["team"].pk, "plan": "方案", "budget_asked": "50"},
    )
    c.refresh_from_db()
    assert c.state == "published" and c.bids.count() == 1
    response = client.post(
        f"/people/challenges/{c.code}/", {"step": "select", "bid": c.bids.get().pk, "reason": ""}
    )
    c.refresh_from_db()
    assert response.status_code == 200 and 'data-testid="field-error"' in response.content.decode()
    assert c.state == "published"
    client.logout()
    client.force_login(world["users"]["reporter_a"])
    assert client.post(f"/people/challenges/{c.code}/", {"step": "publish"}).status_code == 403
    assert client.get("/api/challenges").json()["count"] == 1

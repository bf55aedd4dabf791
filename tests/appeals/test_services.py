"""Appeals (异议) on a published red/black list: the window, the states, the permissions, an
accepted appeal correcting the list (score and rank, audited) and a rejected one changing nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jingjin.appeals import services
from jingjin.appeals.models import Appeal
from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from tests.appeals.conftest import PUBLISHED, entry_of

pytestmark = pytest.mark.django_db


def _file(users: Any, published: Any, who: str = "reporter_b", unit: str = "t.b", **kw: Any) -> Appeal:
    return services.appeal_file(
        actor=users[who],
        entry=entry_of(published, unit),
        reason="考核期内已按时报送指标数据，系统未计入。",
        today=kw.pop("today", PUBLISHED + timedelta(days=1)),
        **kw,
    )


def test_the_window_one_day_inside_and_one_outside(users: Any, published: Any) -> None:
    assert services.window_end(published) == PUBLISHED + timedelta(days=5)
    with pytest.raises(ValidationError, match="closed on 2024-04-25"):
        _file(users, published, today=PUBLISHED + timedelta(days=6))
    appeal = _file(users, published, today=PUBLISHED + timedelta(days=5))
    assert appeal.state == "filed"


def test_the_window_is_a_setting(users: Any, published: Any, settings: Any) -> None:
    settings.JINGJIN_APPEAL_WINDOW_DAYS = 10
    assert _file(users, published, today=PUBLISHED + timedelta(days=10)).state == "filed"


def test_only_a_published_list_is_appealed(users: Any, published: Any) -> None:
    published.status = "draft"
    published.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="published"):
        _file(users, published)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("reporter_b", True), ("office", True), ("reporter_a", False), ("leader", False), ("county_c", False)],
)
def test_who_files_for_t_b(users: Any, published: Any, who: str, allowed: bool) -> None:
    if allowed:
        appeal = _file(users, published, who=who)
        assert AuditEntry.objects.filter(object_id=appeal.pk, action="create").exists()
    else:
        with pytest.raises(PermissionDenied):
            _file(users, published, who=who)
        assert not Appeal.objects.exists()


def test_grounds_required_and_one_waiting_appeal_per_entry(users: Any, published: Any) -> None:
    with pytest.raises(ValidationError):
        services.appeal_file(
            actor=users["reporter_b"], entry=entry_of(published, "t.b"), reason="  ", today=PUBLISHED
        )
    _file(users, published)
    with pytest.raises(ValidationError, match="already has an appeal"):
        _file(users, published)


def test_evidence_is_checked_and_stored_under_a_random_name(
    users: Any, published: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    bad = SimpleUploadedFile("证明.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError, match="does not match"):
        _file(users, published, files=[bad])
    exe = SimpleUploadedFile("x.exe", b"MZ\x00\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="not accepted"):
        _file(users, published, files=[exe])
    assert not Appeal.objects.exists()
    good = SimpleUploadedFile("报送记录.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    appeal = _file(users, published, files=[good])
    (evidence,) = appeal.evidence.all()
    assert evidence.original_name == "报送记录.pdf" and evidence.kind == "pdf"
    assert "报送记录" not in evidence.file.name and evidence.file.name.endswith(".pdf")


def test_an_accepted_appeal_changes_the_published_score_and_rank_with_audit(
    users: Any, published: Any
) -> None:
    appeal = _file(users, published)
    before_a, before_b = entry_of(published, "t.a"), entry_of(published, "t.b")
    assert (before_b.score, before_b.rank, before_b.verdict) == (70.0, 2, "black")
    assert (before_a.rank, before_a.verdict) == (1, "none")
    audits = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.appeal_accept(
            actor=users["reporter_b"], appeal=appeal, decision="x", corrections={"attainment": 100}
        )
    with pytest.raises(ValidationError):  # a correction is required
        services.appeal_accept(actor=users["office"], appeal=appeal, decision="核实无误")
    with pytest.raises(ValidationError):  # a criterion the list does not score
        services.appeal_accept(actor=users["office"], appeal=appeal, decision="核实", corrections={"gap": 5})
    with pytest.raises(ValidationError):  # out of range
        services.appeal_accept(
            actor=users["office"], appeal=appeal, decision="核实", corrections={"attainment": 101}
        )
    assert AuditEntry.objects.count() == audits
    appeal = services.appeal_accept(
        actor=users["office"],
        appeal=appeal,
        decision="指标已达成，更正达成率。",
        corrections={"attainment": 100},
    )
    after_a, after_b = entry_of(published, "t.a"), entry_of(published, "t.b")
    assert (after_b.score, after_b.rank, after_b.verdict) == (100.0, 1, "red")
    assert (after_a.rank, after_a.verdict) == (2, "black")
    assert after_b.attainment_pct == 100.0
    item = next(i for i in after_b.items if i["criterion"] == "attainment")
    assert item["value"] == 100.0 and item["corrected_from"] == 0.0 and item["contribution"] == 30.0
    assert (after_a.pk, after_b.pk) == (before_a.pk, before_b.pk)  # updated in place
    assert appeal.state == "accepted"
    assert (appeal.score_before, appeal.rank_before, appeal.verdict_before) == (70.0, 2, "black")
    assert (appeal.score_after, appeal.rank_after, appeal.verdict_after) == (100.0, 1, "red")
    assert appeal.entries_changed == 2
    rows = AuditEntry.objects.filter(pk__gt=0).order_by("pk")
    entry_rows = {r.object_id: r for r in rows.filter(content_type__model="rankingentry")}
    assert entry_rows[after_b.pk].before["score"] == 70.0 and entry_rows[after_b.pk].after["score"] == 100.0
    assert (
        entry_rows[after_a.pk].before["verdict"] == "none"
        and entry_rows[after_a.pk].after["verdict"] == "black"
    )
    appeal_row = rows.filter(content_type__model="appeal", object_id=appeal.pk, action="update").get()
    assert appeal_row.before["state"] == "filed" and appeal_row.after["state"] == "accepted"
    assert rows.filter(content_type__model="rankinglist", object_id=published.pk, action="update").exists()
    published.refresh_from_db()
    assert published.status == "published"
    with pytest.raises(ValidationError, match="already decided"):
        services.appeal_reject(actor=users["office"], appeal=appeal, decision="x")


def test_an_exemption_takes_the_entry_off_the_list(users: Any, published: Any) -> None:
    appeal = services.appeal_accept(
        actor=users["office"], appeal=_file(users, published), decision="暴雨停工，不可抗力。", exempt=True
    )
    b = entry_of(published, "t.b")
    assert (b.verdict, b.rank, b.reason) == ("exempt", None, "暴雨停工，不可抗力。")
    assert published.exemptions.filter(unit__code="t.b").exists()
    assert appeal.verdict_after == "exempt" and appeal.exempted


def test_a_rejected_appeal_changes_nothing(users: Any, published: Any) -> None:
    appeal = _file(users, published)
    snapshot = list(published.entries.order_by("pk").values())
    with pytest.raises(ValidationError):  # the reason is required
        services.appeal_reject(actor=users["office"], appeal=appeal, decision=" ")
    with pytest.raises(PermissionDenied):
        services.appeal_reject(actor=users["leader"], appeal=appeal, decision="不予采纳")
    appeal = services.appeal_reject(actor=users["office"], appeal=appeal, decision="证据不足，不予采纳。")
    assert appeal.state == "rejected" and appeal.decision == "证据不足，不予采纳。"
    assert (appeal.score_before, appeal.score_after, appeal.rank_after) == (70.0, 70.0, 2)
    assert list(published.entries.order_by("pk").values()) == snapshot
    assert not AuditEntry.objects.filter(content_type__model="rankingentry").exists()
    # after a decision the unit may appeal again (within the window)
    assert _file(users, published).state == "filed"

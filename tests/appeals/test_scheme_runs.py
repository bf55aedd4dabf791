"""Appeals (异议) on a unit's score in the published run of a configurable scheme (issue 20): the
window after the scheme's publication, who files, an accepted appeal computing the run again with
the corrected figure (score, rank, audit), a rejected one changing nothing, /api/appeals for the
new kind and the mark on the scheme's page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jingjin.appeals import services
from jingjin.appeals.models import Appeal
from jingjin.assessment import scheme_services
from jingjin.assessment import services as assessment
from jingjin.assessment.scheme_models import AssessmentScheme, RunKind, SchemeRun
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied
from tests.assessment.test_scheme_lists import _revise
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

#: the day the scheme version is published; the window (5 days) ends on PUBLISHED + 5
PUBLISHED = date(2024, 4, 20)


@pytest.fixture
def run(users: Any, march: Any, schemes: Any) -> SchemeRun:
    """The published run of 2024-03 of the departments' configurable scheme, published on PUBLISHED."""
    office = users["office"]
    assessment.ranking_schemes_convert(actor=office)
    scheme = _revise(office, "rb-departments", march)
    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        published_at=timezone.make_aware(datetime(2024, 4, 20, 10))
    )
    return SchemeRun.objects.select_related("scheme", "period").get(scheme=scheme, kind=RunKind.PUBLISHED)


def _file(users: Any, run: SchemeRun, who: str = "reporter_b", today: date = PUBLISHED) -> Appeal:
    return services.appeal_file_run(
        actor=users[who],
        scheme_run=run,
        unit=Unit.objects.get(code="t.b"),
        reason="完成率数据未计入。",
        today=today,
    )


def _row(run: SchemeRun, code: str) -> dict[str, Any]:
    run.refresh_from_db()
    return next(r for r in run.rows if r["unit"] == code)


def _as(client: Any, user: Any) -> Any:
    client.logout()
    client.login(username=user.get_username(), password=PASSWORD)
    return client


def test_the_window_counts_from_the_publication(users: Any, run: SchemeRun) -> None:
    assert services.run_window_end(run) == date(2024, 4, 25)
    assert _file(users, run, today=date(2024, 4, 25)).scheme_run_id == run.pk
    Appeal.objects.all().delete()
    with pytest.raises(ValidationError, match="closed on 2024-04-25"):
        _file(users, run, today=date(2024, 4, 26))
    preview = SchemeRun.objects.get(scheme=run.scheme, kind=RunKind.PREVIEW)
    with pytest.raises(ValidationError, match="published"):
        services.appeal_file_run(
            actor=users["office"],
            scheme_run=preview,
            unit=Unit.objects.get(code="t.b"),
            reason="x",
            today=PUBLISHED,
        )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("reporter_b", True), ("office", True), ("reporter_a", False), ("leader", False), ("county_c", False)],
)
def test_who_files_for_t_b(users: Any, run: SchemeRun, who: str, allowed: bool) -> None:
    if allowed:
        appeal = _file(users, run, who=who)
        assert AuditEntry.objects.filter(object_id=appeal.pk, content_type__model="appeal").exists()
    else:
        with pytest.raises(PermissionDenied):
            _file(users, run, who=who)
        assert not Appeal.objects.exists()


def test_grounds_required_and_one_waiting_appeal(users: Any, run: SchemeRun) -> None:
    with pytest.raises(ValidationError, match="grounds"):
        services.appeal_file_run(
            actor=users["reporter_b"],
            scheme_run=run,
            unit=Unit.objects.get(code="t.b"),
            reason=" ",
            today=PUBLISHED,
        )
    _file(users, run)
    with pytest.raises(ValidationError, match="waiting"):
        _file(users, run)


def test_an_accepted_appeal_changes_the_published_score_and_rank_with_audit(
    users: Any, run: SchemeRun
) -> None:
    a, b = _row(run, "t.a"), _row(run, "t.b")
    assert (a["rank"], b["rank"], b["verdict"], b["figures"]["attainment"]) == (1, 2, "black", 0.0)
    appeal = _file(users, run)
    with pytest.raises(PermissionDenied):
        services.appeal_accept(
            actor=users["reporter_b"], appeal=appeal, decision="x", corrections={"attainment": 100}
        )
    with pytest.raises(ValidationError):
        services.appeal_accept(actor=users["office"], appeal=appeal, decision="核实")  # no correction
    for wrong in ({"gap": 5}, {"attainment": 2e9}, {"attainment": float("nan")}):
        with pytest.raises(ValidationError):
            services.appeal_accept(actor=users["office"], appeal=appeal, decision="核实", corrections=wrong)
    appeal = services.appeal_accept(
        actor=users["office"], appeal=appeal, decision="核实无误，予以更正。", corrections={"attainment": 100}
    )
    a2, b2 = _row(run, "t.a"), _row(run, "t.b")
    assert b2["figures"]["attainment"] == 100.0 and b2["total"] > b["total"]
    assert (b2["rank"], a2["rank"]) == (1, 2) and a2["total"] == pytest.approx(a["total"])
    assert appeal.state == "accepted" and appeal.corrections == {"attainment": 100.0}
    assert (appeal.score_before, appeal.rank_before, appeal.verdict_before) == (b["total"], 2, "black")
    assert (appeal.score_after, appeal.rank_after) == (b2["total"], 1)
    assert appeal.verdict_after == b2["verdict"] and appeal.entries_changed == 2
    audit = AuditEntry.objects.get(content_type__model="schemerun", object_id=run.pk)
    assert audit.before["row"]["total"] == b["total"] and audit.after["row"]["total"] == b2["total"]
    assert audit.before["ranks"] == {"t.a": 1, "t.b": 2} and audit.after["ranks"] == {"t.a": 2, "t.b": 1}
    assert AuditEntry.objects.filter(
        content_type__model="appeal", object_id=appeal.pk, action="update"
    ).exists()
    # a later accepted appeal on the run keeps the correction accepted before
    second = services.appeal_file_run(
        actor=users["reporter_a"],
        scheme_run=run,
        unit=Unit.objects.get(code="t.a"),
        reason="进度",
        today=PUBLISHED,
    )
    services.appeal_accept(
        actor=users["office"], appeal=second, decision="更正", corrections={"progress": 100}
    )
    assert _row(run, "t.b")["figures"]["attainment"] == 100.0
    assert _row(run, "t.a")["figures"]["progress"] == 100.0


def test_a_rejected_appeal_changes_nothing(users: Any, run: SchemeRun) -> None:
    rows = list(run.rows)
    appeal = _file(users, run)
    with pytest.raises(ValidationError):
        services.appeal_reject(actor=users["office"], appeal=appeal, decision=" ")
    with pytest.raises(PermissionDenied):
        services.appeal_reject(actor=users["leader"], appeal=appeal, decision="不予采纳")
    appeal = services.appeal_reject(actor=users["office"], appeal=appeal, decision="证据不足，不予采纳。")
    run.refresh_from_db()
    assert run.rows == rows and appeal.state == "rejected"
    assert (appeal.score_before, appeal.rank_before) == (appeal.score_after, appeal.rank_after) == (70.0, 2)
    assert not AuditEntry.objects.filter(content_type__model="schemerun").exists()


def test_api_files_and_decides_an_appeal_on_a_run(
    client: Any, users: Any, run: SchemeRun, settings: Any, tmp_path: Any
) -> None:
    settings.JINGJIN_AS_OF = "2024-04-22"
    settings.MEDIA_ROOT = str(tmp_path)
    reporter = _as(client, users["reporter_b"])
    made = reporter.post(
        "/api/appeals",
        {"scheme_run": run.pk, "unit": "t.b", "reason": "完成率未计入。"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["scheme_run"], body["ranking_list"], body["unit"], body["state"]) == (
        run.pk,
        None,
        "t.b",
        "filed",
    )
    assert body["scheme"] == run.scheme.code and body["period"] == "2024-03"
    assert (
        reporter.post(
            "/api/appeals",
            {"scheme_run": run.pk, "unit": "t.a", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    both = reporter.post(
        "/api/appeals",
        {"scheme_run": run.pk, "ranking_list": 1, "unit": "t.b", "reason": "x"},
        content_type="application/json",
    )
    assert both.status_code == 400
    listed = reporter.get(f"/api/appeals?scheme_run={run.pk}").json()["results"]
    assert [a["id"] for a in listed] == [body["id"]]
    office = _as(client, users["office"])
    decided = office.post(
        f"/api/appeals/{body['id']}/decide",
        {"outcome": "accept", "decision": "更正", "corrections": {"attainment": 100}},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["rank_before"], decided.json()["rank_after"]) == (2, 1)
    assert _row(run, "t.b")["rank"] == 1


def test_the_schemes_page_marks_the_appealed_unit(
    client: Any, users: Any, run: SchemeRun, settings: Any
) -> None:
    settings.JINGJIN_AS_OF = "2024-04-22"
    page = _as(client, users["reporter_b"]).get(f"/schemes/{run.scheme_id}/").content.decode()
    assert f"/appeals/file/run/{run.pk}/t.b/" in page and f"/appeals/file/run/{run.pk}/t.a/" not in page
    form = client.get(f"/appeals/file/run/{run.pk}/t.b/")
    assert form.status_code == 200 and 'data-testid="file-form"' in form.content.decode()
    filed = client.post(f"/appeals/file/run/{run.pk}/t.b/", {"reason": "数据有误"})
    assert filed.status_code == 302
    appeal = Appeal.objects.get()
    services.appeal_reject(actor=users["office"], appeal=appeal, decision="证据不足")
    page = _as(client, users["leader"]).get(f"/schemes/{run.scheme_id}/").content.decode()
    assert 'data-appeal="rejected"' in page and "Appeal: rejected" in page
    office = _as(client, users["office"])
    assert office.get(f"/appeals/{appeal.pk}/").status_code == 200
    assert _as(client, users["reporter_a"]).get(f"/appeals/file/run/{run.pk}/t.b/").status_code == 403


def test_the_office_accepts_on_the_appeal_page(client: Any, users: Any, run: SchemeRun) -> None:
    appeal = _file(users, run)
    office = _as(client, users["office"])
    page = office.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-testid="decide-form"' in page and 'name="value_attainment"' in page
    wrong = office.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "accept", "decision": "更正", "value_attainment": "2e9"}
    )
    assert wrong.status_code == 400
    done = office.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "accept", "decision": "更正", "value_attainment": "100"}
    )
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.state, appeal.rank_before, appeal.rank_after) == ("accepted", 2, 1)
    assert _row(run, "t.b")["rank"] == 1
    scheme_page = office.get(f"/schemes/{run.scheme_id}/").content.decode()
    assert 'data-appeal="accepted"' in scheme_page  # the office sees the corrected published run
    queue = office.get("/appeals/").content.decode()
    assert run.scheme.name in queue and "2024-03" in queue


def test_the_race_leaderboard_marks_the_appeals_of_its_month(client: Any, users: Any, run: SchemeRun) -> None:
    """A race on the scheme shows, on the round of the run's month, the appeal marks of the
    published run (its leaderboard itself stays as computed); another month's round shows none."""
    office = users["office"]
    race = scheme_services.race_create(
        actor=office,
        code="race-appeals",
        name_zh="赛马",
        name_en="Race",
        scheme=run.scheme,
        cadence="monthly",
        start=run.period,
        end=run.period,
    )
    scheme_services.race_run(actor=office, race=race, today=PUBLISHED)
    page = _as(client, users["leader"]).get(f"/schemes/races/{race.pk}/").content.decode()
    assert 'data-testid="round-run"' in page and "data-appeal=" not in page
    _file(users, run)
    page = _as(client, users["leader"]).get(f"/schemes/races/{race.pk}/").content.decode()
    assert 'data-appeal="filed"' in page and "Appeal: pending" in page
    before = race.rounds.get().rows
    services.appeal_reject(actor=office, appeal=Appeal.objects.get(), decision="证据不足")
    page = _as(client, users["leader"]).get(f"/schemes/races/{race.pk}/").content.decode()
    assert 'data-appeal="rejected"' in page
    assert race.rounds.get().rows == before

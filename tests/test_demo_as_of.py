"""The living demo: loaded at ``JINGJIN_AS_OF=2023-10`` it is a plan in motion on 2023-10-15 —
reports due, some late, missing, returned or waiting for review, drafts of the current month, fresh
warnings, recent lists, supervision items due soon and overdue — and nothing is dated after that day.
Pages and the API take their default months and "today" from the same setting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from jingjin.alerts.models import EarlyWarning
from jingjin.assessment.choices import ListStatus
from jingjin.assessment.models import RankingList
from jingjin.core import clock
from jingjin.core.models import AuditEntry
from jingjin.dashboard import selectors as dashboard
from jingjin.dashboard.services import period_resolve
from jingjin.reporting import lists
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.models import Report, ReportingPeriod, ReviewComment, StrikeOff
from jingjin.supervision import selectors as supervision
from jingjin.supervision.models import SupervisionItem, SupervisionStep

AS_OF = date(2023, 10, 15)

# ``make demo`` loads the demo into SQLite; the services it goes through run on PostgreSQL in their
# own tests (about 35 s of the second run's workers' time)
pytestmark = pytest.mark.first_database_only("the demo is loaded into SQLite (make demo)")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module at as-of 2023-10 (rolled back afterwards)."""
    from django.db import connection, transaction

    from jingjin.data.demo import demo_load
    from tests.conftest import FAST_HASHERS

    # the demo's accounts with the suite's fast hasher (conftest ``_fast_settings`` is per test):
    # the default one took 2 s of the load
    with (
        django_db_blocker.unblock(),
        override_settings(JINGJIN_AS_OF="2023-10", PASSWORD_HASHERS=FAST_HASHERS),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = demo_load()
            yield summary
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()


@pytest.fixture
def as_of(demo, db):
    with override_settings(JINGJIN_AS_OF="2023-10"):
        yield demo


def _user(name: str):
    return get_user_model().objects.get(username=name)


def test_the_demo_runs_at_the_as_of_date(as_of):
    assert clock.today() == AS_OF
    assert as_of["as_of"] == AS_OF and as_of["first_month"] == "2021-09"


def test_nothing_is_dated_after_the_as_of_date(as_of):
    last = (AS_OF.year, AS_OF.month)
    assert max(Report.objects.values_list("period__year", "period__month")) == last
    for field in ("submitted_at", "first_submitted_at", "reviewed_at"):
        latest = Report.objects.aggregate(m=Max(field))["m"]
        assert latest is not None and latest.date() < AS_OF, field
    assert ReviewComment.objects.aggregate(m=Max("created_at"))["m"].date() < AS_OF
    assert StrikeOff.objects.aggregate(m=Max("struck_off_at"))["m"].date() < AS_OF
    assert SupervisionItem.objects.aggregate(m=Max("issued_on"))["m"] <= AS_OF
    assert SupervisionStep.objects.aggregate(m=Max("time"))["m"].date() <= AS_OF
    assert all(i.closed_at.date() < AS_OF for i in SupervisionItem.objects.exclude(closed_at=None))
    assert EarlyWarning.objects.aggregate(m=Max("first_raised_at"))["m"].date() <= AS_OF
    assert max(RankingList.objects.values_list("period__year", "period__month")) < last
    assert RankingList.objects.aggregate(m=Max("published_at"))["m"].date() <= AS_OF
    # the change history too: the demo's writes are recorded on the as-of day at the latest
    assert timezone.localtime(AuditEntry.objects.aggregate(m=Max("time"))["m"]).date() <= AS_OF


def test_reports_are_due_some_late_missing_returned_or_waiting(as_of):
    office = _user("office")
    september = ReportingPeriod.objects.get(year=2023, month=9)
    rows = lists.overview_rows(user=office, period=september, as_of=AS_OF)
    assert len(rows) > 50
    late = [r for r in rows if r.late]
    missing = [r for r in rows if r.missing]
    assert late and missing and len(missing) < len(rows) / 4
    states = dict.fromkeys(ReportStatus.values, 0)
    for status in Report.objects.filter(period=september).values_list("status", flat=True):
        states[status] += 1
    assert states["approved"] > states["submitted"] > 0  # reviewed in part, the rest waiting
    assert states["returned"] + states["resubmitted"] > 0
    # older months are mostly approved, a few were returned and resubmitted before approval
    older = Report.objects.filter(period__year=2023, period__month__lte=7)
    assert older.filter(status="approved").count() > 0.9 * older.count()
    assert ReviewComment.objects.filter(verdict="returned", report__status="approved").exists()
    # the as-of month is not due yet: drafts, nothing late
    october = ReportingPeriod.objects.get(year=2023, month=10)
    assert Report.objects.filter(period=october, status="draft").count() > 20
    assert not any(r.late for r in lists.overview_rows(user=office, period=october, as_of=AS_OF))


def test_a_task_approved_at_100_percent_gets_no_later_report(as_of):
    done = Report.objects.filter(status="approved", completion_pct=100)
    assert done.exists()
    for report in done:
        assert not Report.objects.filter(task=report.task, period_index__gt=report.period_index).exists()
        assert StrikeOff.objects.filter(task=report.task, from_index=report.period_index + 1).exists()


def test_the_cockpit_shows_a_plan_in_motion(as_of):
    period = period_resolve(code="")
    assert period.code in ("2023-09", "2023-10")
    data = dashboard.cockpit(user=_user("leader"), period=period)
    assert data.progress is not None and 0 < data.progress < 100
    assert data.report_rows and data.attention_rows
    # as they stood at the end of the month shown: some items were overdue already, warnings open
    assert data.overdue_count >= 1 and sum(data.open_warnings.values()) >= 1


def test_a_reporter_has_tasks_due(as_of):
    october = ReportingPeriod.objects.get(year=2023, month=10)
    rows = lists.my_rows(user=_user("fgw_reporter"), period=october, as_of=AS_OF)
    assert rows and any(r.report is None or r.report.status == "draft" for r in rows)


def test_warnings_are_fresh_and_lists_recent(as_of):
    open_warnings = EarlyWarning.objects.filter(resolved_at__isnull=True)
    assert open_warnings.exists()
    assert all(w.first_raised_at.date() >= AS_OF - timedelta(days=35) for w in open_warnings)
    published = set(
        RankingList.objects.filter(status=ListStatus.PUBLISHED).values_list("period__year", "period__month")
    )
    assert {(2023, 8), (2023, 9)} <= published


def test_supervision_items_due_soon_and_overdue_on_the_as_of_date(as_of):
    office = _user("office")
    assert supervision.items_overdue(user=office, as_of=clock.today()).count() >= 3
    assert supervision.items_due_soon(user=office, as_of=clock.today()).count() >= 2


# --------------------------------------------------------------------------------------------
# Pages and API at the as-of date


def test_pages_show_the_as_of_date_and_default_to_its_months(as_of, client):
    client.force_login(_user("leader"))
    page = client.get("/cockpit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="as-of"' in html and "2023-10-15" in html
    assert page.context["period"].code == "2023-09"
    assert page.context["periods"][0] == "2023-10"  # nothing after the as-of month to choose
    assert client.get("/cockpit/?period=2023-11").status_code == 404

    api = client.get("/api/cockpit")
    assert api.status_code == 200, api.content
    assert api.json()["period"]["code"] == "2023-09"


def test_the_supervision_api_judges_deadlines_on_the_as_of_date(as_of, client):
    client.force_login(_user("office"))
    response = client.get("/api/supervision-items?overdue=true")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows and all(date.fromisoformat(r["deadline"]) < AS_OF for r in rows)


# --------------------------------------------------------------------------------------------
# Where the as-of date comes from


def test_the_demo_month_comes_from_the_data_file_unless_the_environment_sets_one(monkeypatch, tmp_path):
    from jingjin.data.demo_calendar import demo_as_of_env, demo_calendar, store_as_of, stored_as_of

    assert demo_calendar().as_of == "2023-10" and demo_calendar().first_month == (2021, 9)
    monkeypatch.delenv("JINGJIN_AS_OF", raising=False)
    assert demo_as_of_env() == "2023-10"
    monkeypatch.setenv("JINGJIN_AS_OF", "")  # explicitly empty: the real date
    assert demo_as_of_env() == ""
    monkeypatch.setenv("JINGJIN_AS_OF", "2024-06")
    assert demo_as_of_env() == "2024-06"

    assert stored_as_of(tmp_path) is None
    store_as_of(tmp_path, "2023-10")
    assert stored_as_of(tmp_path) == "2023-10"
    store_as_of(tmp_path, "")
    assert stored_as_of(tmp_path) == ""


def test_a_bad_demo_file_is_refused_with_the_key(tmp_path):
    from jingjin.data.demo_calendar import demo_calendar

    bad = tmp_path / "demo.yaml"
    bad.write_text('as_of: "2023-13"\nfirst_month: "2021-09"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="as_of"):
        demo_calendar(bad)


@override_settings(JINGJIN_AS_OF="")
def test_without_an_as_of_the_header_says_nothing(client, users):
    client.force_login(_user("leader"))
    assert 'data-testid="as-of"' not in client.get("/cockpit/").content.decode()


def test_the_attraction_demo_has_leads_in_every_stage_before_the_as_of_date(as_of, client):
    from jingjin.parks import attraction_selectors
    from jingjin.parks.models import AttractionLead, CandidateFirm

    leads = AttractionLead.objects.all()
    assert leads.count() == 40 and not leads.filter(is_synthetic=False).exists()
    assert AttractionLead.objects.aggregate(m=Max("stage_date"))["m"] <= AS_OF
    assert set(leads.values_list("stage", flat=True)) == {
        "lead",
        "contact",
        "visit",
        "signed",
        "dropped",
    }
    signed = leads.filter(stage="signed")
    assert signed.count() == 2 and all(lead.project.is_synthetic for lead in signed)
    assert leads.filter(attraction_selectors.stale_q()).count() >= 4
    assert CandidateFirm.objects.filter(is_synthetic=True, name__startswith="示例").count() == 12
    client.force_login(_user("office"))
    chain = client.get("/parks/chains/C.LI/").content.decode()
    assert 'data-testid="new-lead"' in chain  # the demo's links have reference outputs: gaps
    funnel = client.get("/parks/attraction/funnel/")
    assert funnel.status_code == 200 and funnel.context["funnel"]["total"] == 40


def test_the_county_announcement_of_the_as_of_month_has_an_approval(as_of, client):
    from jingjin.rural.demo import ACCOUNT

    client.force_login(_user(ACCOUNT))
    page = client.get("/rural/announcement/")  # the current month to the as-of day, own county
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(AS_OF.replace(day=1) <= h.monitored_since <= AS_OF for h in rows)
    assert all(h.is_synthetic for h in rows)

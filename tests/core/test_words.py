"""Words (defect 5 of issue 10): change histories in field labels, choice labels, names and local
times; the task page's link to a report reads as a verb; no English msgid on the Chinese pages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jingjin.core.audit_display import describe, display_value, local_time
from jingjin.core.models import AuditEntry, Unit
from jingjin.reporting import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(settings: Any) -> Any:
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def approver_a(make_user: Any, users: Any) -> Any:
    return make_user("approver_a", "approver", "t.a")


@pytest.fixture
def returned(users: Any, approver_a: Any, loaded_plan: Any) -> Any:
    """A report of A1.M1.T1 for 2024-03, submitted and returned."""
    from jingjin.plans.models import Task

    period = services.period_get_or_create(year=2024, month=3)
    report = services.report_save_draft(
        actor=users["reporter_a"],
        task=Task.objects.get(code="A1.M1.T1"),
        period=period,
        data={"progress": "完成户厕改造1200户", "completion_pct": 55},
    )
    report = services.report_submit(actor=users["reporter_a"], report=report)
    return services.report_return(actor=approver_a, report=report, comment="请补充佐证材料")


def _changes(entry: AuditEntry) -> dict[str, tuple[str, str, str]]:
    (row,) = describe([entry])
    return {c.field: (c.label, c.before, c.after) for c in row.changes}


def test_local_time() -> None:
    assert local_time("2025-12-05T06:30:00+00:00") == "2025-12-05 14:30"
    assert local_time(datetime(2025, 12, 31, 20, 0, tzinfo=ZoneInfo("UTC"))) == "2026-01-01 04:00"
    assert local_time("") == "—" and local_time("not a time") == "not a time"


def test_history_shows_labels_names_and_local_times(english: Any, returned: Any) -> None:
    from jingjin.core.models import Unit
    from jingjin.plans.models import Task

    entry = AuditEntry.objects.filter(object_id=returned.pk, content_type__model="report").first()
    assert entry is not None and entry.after["status"] == "returned"
    changes = _changes(entry)
    assert changes["status"] == ("Status", "Submitted", "Returned")
    label, before, after = changes["reviewed_at"]
    assert label == "Reviewed at" and before == "—"
    stored = datetime.fromisoformat(entry.after["reviewed_at"])
    assert after == stored.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert "T" not in after and "+" not in after

    created = AuditEntry.objects.filter(
        object_id=returned.pk, content_type__model="report", action="create"
    ).get()
    values = {c.field: (c.label, c.after) for c in describe([created])[0].changes}
    assert values["task"] == ("Task", "A1.M1.T1 Task of A")  # a foreign key by its name
    assert values["milestone_reached"][1] == "No"
    assert values["completion_pct"] == ("Completion (%)", "55")

    # a unit's history in Chinese: the parent by its Chinese name
    from django.utils import translation

    unit_entry = AuditEntry.objects.filter(
        content_type__model="unit", object_id=Unit.objects.get(code="t.a").pk
    ).first()
    assert unit_entry is not None
    with translation.override("zh-hans"):
        (row,) = describe([unit_entry])
        parent = {c.field: c.after for c in row.changes}["parent"]
        kinds = {c.field: c.after for c in row.changes}["kind"]
    assert parent == "测试市" and kinds != "department"
    assert Task.objects.filter(code="A1.M1.T1").exists()


def test_a_warning_history_names_ids_too(english: Any, users: Any, loaded_plan: Any) -> None:
    from datetime import date

    from jingjin.alerts.services import warnings_refresh

    services.period_get_or_create(year=2024, month=3)
    warnings_refresh(as_of=date(2024, 4, 8))
    entry = AuditEntry.objects.filter(content_type__model="earlywarning").order_by("pk").first()
    assert entry is not None and isinstance(entry.after["unit"], int)  # the snapshot keeps ids
    values = {c.field: c.after for c in describe([entry])[0].changes}
    assert values["unit"] in {"Bureau A", "Bureau B"}
    assert values["task"].startswith("A1.M1.T") and " Task of " in values["task"]
    assert values["period"] == "2024-03"
    assert values["level"] == "Red" and values["rule"] == "Report missing"


def test_display_value_of_plain_values() -> None:
    assert display_value(None, None) == "—"
    assert display_value(None, ["a", "b"]) == "a、b"
    assert display_value(None, {"A1.I1": 3, "A1.I2": None}) == "A1.I1: 3; A1.I2: —"


def test_the_pages_show_the_history_in_words(client: Any, english: Any, users: Any, returned: Any) -> None:
    client.force_login(users["office"])
    for url in ("/audit/", f"/reports/2024-03/tasks/{returned.task_id}/"):
        text = client.get(url).content.decode()
        assert "<strong>Status</strong>: <del>Submitted</del> → <ins>Returned</ins>" in text, url
        assert "<strong>status</strong>" not in text and "<strong>reviewed_at</strong>" not in text, url
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), url  # no ISO times
    audit = client.get("/audit/").content.decode()
    assert '<span class="small text-muted">Monthly report</span>' in audit  # not "report"
    assert '<option value="report" >Monthly report</option>' in audit
    assert "web page" in audit  # the source in words


def test_the_audit_api_gives_local_times(client: Any, users: Any, returned: Any) -> None:
    client.force_login(users["office"])
    rows = client.get("/api/audit").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows and all(row["time"].endswith("+08:00") for row in rows)


def test_the_task_page_link_to_a_report_is_a_verb(
    client: Any, settings: Any, users: Any, returned: Any
) -> None:
    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    text = client.get("/plan/test-plan/tasks/A1.M1.T1/").content.decode()
    link = re.search(r'data-testid="open-report">([^<]*)<', text)
    assert link is not None
    assert link.group(1) == "查看"
    assert "未办结" not in text


def _bad_plan() -> bytes:
    import json

    from tests.conftest import small_plan

    data = small_plan()
    task = data["actions"][0]["measures"][0]["tasks"][0]
    task["lead_unit"] = "t.zz"
    task["name_zh"] = ""
    return json.dumps(data, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("language", "expected", "english_text"),
    [
        ("en", ["unknown unit 't.zz'", "must not be empty"], True),
        ("zh-hans", ["未知单位 't.zz'", "不能为空"], False),
    ],
)
def test_plan_import_errors_in_the_ui_language(
    client: Any, settings: Any, users: Any, language: str, expected: list[str], english_text: bool
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    upload = SimpleUploadedFile("plan.json", _bad_plan(), content_type="application/json")
    response = client.post("/plan/import/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    errors = text[text.index('data-testid="import-errors"') :]
    errors = errors[: errors.index("</div>")]
    for message in expected:
        assert message.replace("'", "&#x27;") in errors, (message, errors)
    assert ("unknown unit" in errors) is english_text
    assert "$.actions[0].measures[0].tasks[0].lead_unit" in errors  # the place stays exact


def test_plan_file_errors_stay_english_outside_a_request() -> None:
    from django.utils import translation

    from jingjin.plans import planfile
    from tests.conftest import small_plan

    data = small_plan()
    data["actions"][0]["measures"][0]["tasks"][0]["lead_unit"] = "t.zz"
    with translation.override("zh-hans"):
        errors = planfile.validate(data, known_units={"t", "t.a", "t.b", "t.c"})
        assert [str(e.message) for e in errors] == ["unknown unit 't.zz'"]  # the command line's text
        assert [e.message.translated() for e in errors] == ["未知单位 't.zz'"]  # a page's text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "data row 1 (spreadsheet row 2), column 'value': not a number: 'abc'"),
        ("zh-hans", "第 1 条数据（表格第 2 行），“value”列：不是数字：“abc”"),
    ],
)
def test_statistics_import_errors_in_the_ui_language(
    client: Any, settings: Any, users: Any, language: str, expected: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingjin.benchmark import services as benchmark
    from jingjin.benchmark.models import Statistic

    benchmark.builtin_load()
    before = Statistic.objects.count()
    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    raw = "city,year,indicator,value,unit,source\n遂宁,2024,gdp,abc,亿元,test\n".encode()
    upload = SimpleUploadedFile("data.csv", raw, content_type="text/csv")
    response = client.post("/benchmark/import/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert expected.replace("'", "&#x27;") in text
    assert Statistic.objects.count() == before


#: text that is the same in both languages
SAME_IN_BOTH = {"API", "Excel", "PDF", "Word", "%", "—", "Jingjin"}


def _english_msgids() -> set[str]:
    from tests.core.test_settings_and_login import po_entries

    return {m for m, s, _fuzzy in po_entries() if m and s and m != s and m not in SAME_IN_BOTH}


def _text_nodes(html: str) -> list[str]:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<option\b[^>]*>.*?</option>", " ", html)  # filters: checked in English
    return [t.strip() for t in re.split(r"<[^>]*>", html) if t.strip()]


def test_the_main_pages_in_chinese_show_no_english_msgid(
    client: Any, settings: Any, users: Any, returned: Any
) -> None:
    """Every text of the main pages in the Chinese UI that is an English msgid of the catalogue
    (a string left untranslated: a raw state name, a verb, a label) is a defect."""
    from datetime import date

    from jingjin.alerts.services import warnings_refresh

    warnings_refresh(as_of=date(2024, 4, 8))
    from django.contrib.auth import get_user_model

    # user names are what their users typed (a user may be called "test"), not UI words
    msgids = _english_msgids() - set(get_user_model().objects.values_list("username", flat=True))
    client.force_login(users["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    pages = [
        "/cockpit/?period=2024-03",
        "/plan/test-plan/",
        "/plan/test-plan/tasks/A1.M1.T1/",
        "/reports/?period=2024-03",
        "/reports/overview/?period=2024-03",
        "/reports/review/",
        f"/reports/2024-03/tasks/{returned.task_id}/",
        "/lists/",
        "/warnings/",
        "/supervision/",
        "/benchmark/",
        "/audit/",
        "/units/",
    ]
    found = {}
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        left = sorted({t for t in _text_nodes(response.content.decode()) if t in msgids})
        if left:
            found[url] = left
    assert found == {}


def test_a_deletion_shows_its_values_and_its_reason(english: Any, users: Any) -> None:
    """A deletion's row shows the values the item had and, for a field only the deletion recorded
    (the reason a user gave), that value."""
    from django.contrib.contenttypes.models import ContentType
    from django.template.loader import render_to_string

    unit = Unit.objects.get(code="t.a")
    entry = AuditEntry.objects.create(
        user_name="test",
        action="delete",
        content_type=ContentType.objects.get_for_model(Unit),
        object_id=unit.pk,
        object_repr="t.a",
        before={"code": "t.a"},
        after={"reason": "录入错误"},
        source="test",
    )
    (row,) = describe([entry])
    html = render_to_string("includes/audit_changes.html", {"entry": row})
    assert "录入错误" in html and "t.a" in html

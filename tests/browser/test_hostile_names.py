"""Every name and text is hostile; a user visits every main page; no script runs (issue 18, finding 3).

The plan, its units, reports, supervision items, the benchmark's indicators and the demo's other
texts are overwritten with XSS payloads (``<img src=x onerror=…>``, ``"><script>…``, ``<svg
onload=…>``) and spreadsheet formulas, as stored data would be after an import or an API write.
A payload that ran would set ``window.__xss`` or open a dialog; one that the Content-Security-Policy
blocked would raise a ``securitypolicyviolation`` event; the test sees all three, on every page,
also after hovering over every chart (the cockpit's tooltips once built HTML from names)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from tests.browser.test_plan_tree import sign_in
from tests.dashboard.conftest import build_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    '"><script>window.__xss=2</script>',
    "'><svg onload=window.__xss=3>",
    "</script><script>window.__xss=4</script>",
    "=cmd|' /C calc'!A0",
    '<b onmouseover="window.__xss=5">{{7*7}}</b>',
]
#: text fields that hold names and free texts (codes, choices and keys keep their values)
TEXT_FIELD = re.compile(
    r"name|title|text|note|reason|description|progress|problem|step|remark|comment|summary"
)
APPS = ("core", "plans", "reporting", "supervision", "benchmark", "alerts", "assessment", "jobs")

#: recorded in every document before any page script runs (Playwright's init script is not
#: subject to the page's CSP)
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
  e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
"""


def make_everything_hostile() -> int:
    """Overwrite the name and text fields of every row of the project's models; returns how many
    values were written."""
    written = 0
    for config in apps.get_app_configs():
        if config.label not in APPS:
            continue
        for model in config.get_models():
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField))
                and not f.choices
                and not f.unique
                and TEXT_FIELD.search(f.name)
                and (f.max_length is None or f.max_length >= 20)
            ]
            if not fields:
                continue
            for index, pk in enumerate(model.objects.values_list("pk", flat=True)):
                values = {}
                for n, field in enumerate(fields):
                    text = f"{PAYLOADS[(index + n) % len(PAYLOADS)]} {pk}"
                    values[field.name] = text[: field.max_length] if field.max_length else text
                model.objects.filter(pk=pk).update(**values)
                written += len(values)
    return written


def hostile_evaluation(user: Any) -> Any:
    """A done air-quality evaluation of an upload whose name and texts are payloads."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingjin.evaluations.services import evaluation_submit
    from jingjin.jobs.models import Job

    rows = [f'"{p.replace(chr(34), chr(39))}",2026-03-0{i + 1},{20 + i}' for i, p in enumerate(PAYLOADS)]
    content = ("station,date,pm25_24h\n" + "\n".join(rows) + "\n").encode()
    name = '<img src=x onerror="window.__xss=6">.csv'
    job = evaluation_submit(
        actor=user,
        kind="air-aqi",
        file=SimpleUploadedFile(name, content),
        file_name=name,
        options={"standard": "auto", "report": "daily", "time_column": "date"},
    )
    job = Job.objects.get(pk=job.pk)
    assert job.state == "done", job.error
    return job


def published_list(user: Any) -> Any:
    """The departments' red/black list of 2024-03, computed and published."""
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import ranking_list_compute, ranking_list_publish, schemes_load_builtin
    from jingjin.reporting.models import ReportingPeriod

    schemes_load_builtin()
    RankingScheme.objects.update(min_items=1)
    scheme = RankingScheme.objects.get(code="departments")
    ranking = ranking_list_compute(
        actor=user,
        scheme=scheme,
        period=ReportingPeriod.objects.get(year=2024, month=3),
        today=date(2024, 4, 10),
    )
    return ranking_list_publish(actor=user, ranking_list=ranking)


def hover_charts(page: Any) -> None:
    for canvas in page.locator(".jj-chart canvas").all():
        box = canvas.bounding_box()
        if not box or box["width"] < 10:
            continue
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        for fx in (0.2, 0.35, 0.5, 0.65, 0.8):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.6)
            page.wait_for_timeout(60)


def test_hostile_names_run_no_script_on_any_main_page(
    live_server: Any, users: Any, loaded_plan: Any, page: Any
) -> None:
    from jingjin.alerts.services import warnings_refresh
    from jingjin.benchmark import services as benchmark
    from jingjin.reporting.models import Report
    from jingjin.supervision.models import SupervisionItem

    build_scenario(loaded_plan)
    benchmark.builtin_load()
    evaluation = hostile_evaluation(users["office"])
    ranking = published_list(users["office"])
    warnings_refresh(as_of=date(2024, 4, 10), notify=False)
    assert make_everything_hostile() > 50
    report = Report.objects.filter(period__year=2024, period__month=3).order_by("pk").first()
    warning = next(m for m in apps.get_app_config("alerts").get_models() if m.__name__.endswith("Warning"))
    assert report is not None and warning.objects.exists()

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH)
    sign_in(page, live_server.url, "office")

    item = SupervisionItem.objects.order_by("code").first()
    plan = loaded_plan.code
    pages = [
        "/cockpit/?period=2024-03",
        "/cockpit/?period=2024-03&county=t.c",
        f"/plan/{plan}/",
        f"/plan/{plan}/actions/A1/",
        f"/plan/{plan}/measures/A1.M1/",
        f"/plan/{plan}/tasks/A1.M1.T1/",
        "/search/?q=%3Cimg",
        "/reports/?period=2024-03",
        "/reports/review/?period=2024-03",
        "/reports/overview/?period=2024-03",
        "/supervision/",
        f"/supervision/{item.code}/" if item else "/supervision/",
        "/benchmark/",
        "/lists/",
        "/warnings/",
        f"/reports/2024-03/tasks/{report.task_id}/",
        f"/lists/{ranking.pk}/",
        "/evaluations/",
        f"/evaluations/{evaluation.kind}/{evaluation.pk}/",
        "/jobs/",
        "/units/",
        "/audit/",
        "/api/docs",
    ]
    visited: list[str] = []
    shown: list[str] = []  # the pages that show a payload as text
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        if path.startswith(f"/plan/{plan}/") and path.endswith(f"{plan}/"):
            page.locator('[data-tree="open"]').first.click()  # every measure opens: htmx loads the tasks
            page.wait_for_load_state("networkidle")
        if path == "/api/docs":
            page.locator(".swagger-ui .info").wait_for()  # Swagger UI starts under the policy
        hover_charts(page)
        if "window.__xss" in page.inner_text("body"):
            shown.append(path)
        state = page.evaluate("({xss: window.__xss || null, csp: window.__csp || []})")
        assert state == {"xss": None, "csp": []}, (path, state)
        visited.append(path)
    # the payloads are on the pages, shown as text
    page.goto(f"{live_server.url}/cockpit/?period=2024-03")
    assert "<img src=x onerror=" in page.get_by_test_id("action-table").inner_text()
    assert dialogs == [] and console == [] and errors == [], (dialogs, console, errors)
    assert len(visited) == len(pages)
    assert set(pages) - set(shown) == {"/evaluations/", "/api/docs"}  # every other page shows payloads

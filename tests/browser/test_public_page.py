"""The public page on a phone, without sign-in: the plan's tasks with their status lights, the
published list and the selected indicator's chart; then axe-core (node_modules/axe-core) checks the
page against WCAG 2.1 A and AA and finds no violation — in Chinese, then in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.public.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_the_public_page_is_accessible(live_server, users, loaded_plan, browser):
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci installs it (a devDependency)")
    make_world(users, loaded_plan)
    # axe is injected as an inline script, which the page's Content-Security-Policy forbids
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/public/{loaded_plan.code}/")
    assert page.get_by_test_id("public-title").inner_text() == "测试规划"
    assert page.get_by_test_id("public-task").count() == 2
    assert page.get_by_test_id("public-list").count() == 1
    page.locator("#public-status canvas").wait_for()
    page.locator(".jj-indicator-chart canvas").first.wait_for()
    chinese = _axe(page)
    # the English page (the language cookie the switch sets): the same checks
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/public/{loaded_plan.code}/")
    assert page.get_by_test_id("public-title").inner_text() == "Test plan"
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#public-status canvas").wait_for()
    page.locator(".jj-indicator-chart canvas").first.wait_for()
    english = _axe(page)
    context.close()
    assert chinese == [], chinese
    assert english == [], english


def _axe(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))",
        WCAG,
    )

"""A unit files an appeal (异议) on its black-list entry, the plan office accepts it with the
corrected figure, and the published list shows the new result and the mark — on a phone."""

from __future__ import annotations

import pytest

from jingjin.appeals.models import Appeal
from tests.appeals.conftest import published  # noqa: F401 - the fixtures of the appeal tests
from tests.assessment.conftest import march, schemes  # noqa: F401
from tests.browser.test_plan_tree import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_unit_appeals_its_black_entry_and_the_office_accepts(
    live_server,
    users,
    browser,
    page,
    published,  # noqa: F811
    settings,
    tmp_path,
):
    settings.JINGJIN_AS_OF = "2024-04-22"  # two days after publication: inside the window
    settings.MEDIA_ROOT = str(tmp_path)
    base = live_server.url
    sign_in(page, base, "reporter_b")
    page.goto(f"{base}/lists/{published.pk}/")
    card = page.locator('[data-testid="entries"] [data-unit="t.b"]')
    assert card.locator('[data-verdict="black"]').count() == 1
    assert page.locator('[data-unit="t.a"] [data-testid="file-appeal"]').count() == 0  # not its entry
    assert "2024-04-25" in page.get_by_test_id("appeal-window").inner_text()
    card.get_by_test_id("file-appeal").click()
    page.wait_for_load_state()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.fill("#id_reason", "3月指标已达成，已报送佐证，系统按任务状态计为0。")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "达成情况.txt", "mimeType": "text/plain", "buffer": "指标达成".encode()}],
    )
    page.get_by_test_id("file-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("appeal-state").get_attribute("data-state") == "filed"
    assert "达成情况.txt" in page.get_by_test_id("evidence").inner_text()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    office = context.new_page()
    office.set_default_timeout(15000)
    sign_in(office, base, "office")
    office.goto(f"{base}/appeals/")
    assert office.evaluate(NO_SIDEWAYS_SCROLL)
    office.locator('[data-testid="appeals"] [data-state="filed"] a').first.click()
    office.wait_for_load_state()
    assert office.evaluate(NO_SIDEWAYS_SCROLL)
    office.fill("#id_value_attainment", "100")
    office.fill("#id_decision", "核实无误，更正指标达成率为100%。")
    office.get_by_test_id("accept").click()
    office.wait_for_load_state()
    assert office.get_by_test_id("appeal-state").get_attribute("data-state") == "accepted"
    assert "70.00" in office.get_by_test_id("before-after").inner_text()
    assert "100.00" in office.get_by_test_id("before-after").inner_text()
    context.close()

    page.goto(f"{base}/lists/{published.pk}/")
    card = page.locator('[data-testid="entries"] [data-unit="t.b"]')
    assert card.locator('[data-verdict="red"]').count() == 1
    assert card.get_by_test_id("appeal-mark").get_attribute("data-appeal") == "accepted"
    assert "100.00" in card.inner_text()
    assert page.locator('[data-testid="entries"] [data-unit="t.a"] [data-verdict="black"]').count() == 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert Appeal.objects.get().rank_after == 1

"""The plan office links a red/black scheme to a published configurable scheme on the scheme's
page (and unlinks it): the next computed list uses the linked scheme's rule; an unknown,
unpublished or unrankable choice is refused on the field; other roles get 403."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.assessment import scheme_services, services
from jingjin.assessment.models import RankingScheme
from jingjin.assessment.scheme_models import AssessmentScheme
from jingjin.core.models import AuditEntry, Unit
from tests.assessment.conftest import AFTER

DEDUCT = [{"kind": "deduction", "source": "missed_reports", "points": 4, "cap": 3, "label": "late"}]


@pytest.fixture
def published(users: Any, march: Any) -> AssessmentScheme:
    """A published scheme of t.a and t.b: on-time reporting, 3 points off at most for late reports."""
    office = users["office"]
    units = list(Unit.objects.filter(code__in=["t.a", "t.b"]))
    peers = scheme_services.peer_set_save(actor=office, code="ab", name_zh="组", name_en="AB", units=units)
    draft = scheme_services.scheme_create(
        actor=office,
        code="late",
        name_zh="按时报送考核",
        name_en="On time",
        peer_set=peers,
        criteria=[{"source": "on_time", "weight": 1}],
        adjustments=DEDUCT,
        settings={"red_top_n": 1, "black_bottom_m": 1, "target_score": 10},
    )
    scheme_services.scheme_preview(actor=office, scheme=draft, period=march, today=AFTER)
    scheme_services.scheme_publish(actor=office, scheme=draft, period=march, today=AFTER)
    return AssessmentScheme.objects.get(pk=draft.pk)


def test_office_links_and_unlinks_and_the_next_list_follows(users, march, schemes, published, client):
    office = users["office"]
    scheme = schemes["departments"]
    url = f"/lists/schemes/{scheme.pk}/"
    client.force_login(office)
    page = client.get(url).content.decode()
    assert 'data-testid="scheme-link-form"' in page and '<option value="late">' in page
    assert "None: the lists are computed by the fixed weights below." in page
    linked = client.post(f"{url}link/", {"assessment_code": "late"}, follow=True)
    assert linked.redirect_chain == [(url, 302)]
    assert "The next lists are computed by the configurable scheme late." in linked.content.decode()
    assert f'href="/schemes/{published.pk}/"' in linked.content.decode()
    scheme.refresh_from_db()
    assert scheme.assessment_code == "late"
    audit = AuditEntry.objects.filter(content_type__model="rankingscheme", object_id=scheme.pk).latest("pk")
    assert (audit.before["assessment_code"], audit.after["assessment_code"], audit.user) == (
        "",
        "late",
        office,
    )
    made = services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER)
    assert made.assessment_scheme == published and made.rule["assessment_scheme"] == "late"
    entries = {e.unit.code: e for e in made.entries.select_related("unit")}
    # t.a: one of two reports late (50 %), 4 points capped at 3; t.b: on time
    assert (entries["t.a"].score, entries["t.b"].score) == (pytest.approx(47.0), pytest.approx(100.0))
    unlinked = client.post(f"{url}link/", {"assessment_code": ""}, follow=True)
    assert "The next lists are computed by the fixed weights again." in unlinked.content.decode()
    scheme.refresh_from_db()
    assert scheme.assessment_code == ""
    again = services.ranking_list_compute(actor=office, scheme=scheme, period=march, today=AFTER)
    assert again.assessment_scheme is None and "assessment_scheme" not in again.rule


def test_bad_choices_are_refused_on_the_field(users, march, schemes, published, client):
    scheme_services.scheme_create(
        actor=users["office"],
        code="draft-only",
        name_zh="草稿",
        name_en="Draft",
        peer_set=published.peer_set,
        criteria=[{"source": "on_time", "weight": 1}],
    )
    client.force_login(users["office"])
    cases = [
        (schemes["departments"], "nope", "No configurable scheme has the code nope."),
        (
            schemes["departments"],
            "draft-only",
            "The configurable scheme draft-only has no published version.",
        ),
        (schemes["key-projects"], "late", "Only a scheme of units can be computed by a configurable scheme."),
    ]
    for scheme, code, message in cases:
        page = client.post(f"/lists/schemes/{scheme.pk}/link/", {"assessment_code": code})
        assert page.status_code == 200
        assert page.context["link_form"].errors == {"assessment_code": [message]}, code
        assert RankingScheme.objects.get(pk=scheme.pk).assessment_code == ""


def test_other_roles_may_not_link(users, schemes, published, client):
    scheme = schemes["departments"]
    for user in ("reporter_a", "leader", "county_c"):
        client.force_login(users[user])
        assert (
            client.post(f"/lists/schemes/{scheme.pk}/link/", {"assessment_code": "late"}).status_code == 403
        )
        assert client.get(f"/lists/schemes/{scheme.pk}/link/").status_code in (403, 405)
    assert RankingScheme.objects.get(pk=scheme.pk).assessment_code == ""

"""The county announcement (县级公告): the households a county approved in a period, entered into
monitoring or their risk eliminated, on a page and as .xlsx — only the counties the user sees, no
personal data, bad queries refused with the field named."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from jingjin.rural.elimination import household_eliminate
from jingjin.rural.models import Household

from .conftest import ID_HEAD, household_of
from .test_workflow import identify, monitored_and_ready
from .test_workflow import line_2023 as line_2023  # the fixture

pytestmark = pytest.mark.django_db

URL = "/rural/announcement/"
OCTOBER = {"county": "t.c", "procedure": "identification", "start": "2023-10-01", "end": "2023-10-31"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def approved(household: Household, world: dict[str, Any]) -> dict[str, Household]:
    """The household of C approved on Oct 10, one of D on Oct 12, one of C still under identification."""
    identify(household, world["worker_c"])
    other = household_of(world, "丁某（演示）", village="village_d", worker="worker_d")
    identify(other, world["worker_d"], start=4)
    pending = household_of(world, "李某（演示）")
    return {"c": household, "d": other, "pending": pending}


def codes(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('data-code="')[1:]]


def test_the_county_lists_the_households_it_approved_in_the_period(
    approved: dict[str, Household], world: dict[str, Any]
) -> None:
    response = client_for(world["worker_c"]).get(URL, OCTOBER)
    page = response.content.decode()
    assert response.status_code == 200
    assert codes(page) == [approved["c"].code]  # not D's, not the one still under identification
    assert "2023-10-10" in page and "Village 1" in page and "Town X" in page
    for secret in (ID_HEAD, "13800001234", "6222021234567890123", "高血压"):
        assert secret not in page
    # the period counts: a day after the approval, nothing
    response = client_for(world["worker_c"]).get(URL, {**OCTOBER, "start": "2023-10-11"})
    assert codes(response.content.decode()) == []
    assert 'data-testid="announcement-empty"' in response.content.decode()


def test_every_county_reads_as_the_household_list_and_a_county_it_does_not_see_is_refused(
    approved: dict[str, Household], world: dict[str, Any]
) -> None:
    # everyone with a role reads the households (masked): the announcements too
    for user in ("office", "worker_c"):
        page = client_for(world[user]).get(URL, {**OCTOBER, "county": "t.d"}).content.decode()
        assert codes(page) == [approved["d"].code]
    response = client_for(world["worker_c"]).get(URL, {**OCTOBER, "county": "t"})  # no household
    assert response.status_code == 400
    assert 'data-testid="error-county"' in response.content.decode()


def test_without_any_household_the_page_says_so(world: dict[str, Any]) -> None:
    response = client_for(world["worker_c"]).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="announcement-none"' in page and 'data-testid="error-county"' not in page


def test_without_a_query_the_current_month_of_the_users_county(
    approved: dict[str, Household], world: dict[str, Any]
) -> None:
    page = client_for(world["worker_c"]).get(URL).content.decode()  # as of 2023-10-15
    assert 'value="2023-10-01"' in page and 'value="2023-10-15"' in page
    assert codes(page) == [approved["c"].code]
    assert codes(client_for(world["worker_d"]).get(URL).content.decode()) == [approved["d"].code]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2023-10-31", "end": "2023-10-01"}, "end"),
        ({"start": "2023-13-01"}, "start"),
        ({"procedure": "everything"}, "procedure"),
        ({"county": "nowhere\x00"}, "county"),
    ],
)
def test_a_bad_query_is_refused_with_the_field_named(
    approved: dict[str, Household], world: dict[str, Any], query: dict[str, str], field: str
) -> None:
    client = client_for(world["worker_c"])
    for url in (URL, "/rural/announcement.xlsx"):
        response = client.get(url, {**OCTOBER, **query})
        assert response.status_code == 400
        assert f'data-testid="error-{field}"' in response.content.decode()


@pytest.mark.usefixtures("line_2023")
def test_the_elimination_announcement_and_the_links_from_the_file(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)
    household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    client = client_for(worker)
    elimination = {**OCTOBER, "procedure": "elimination"}
    page = client.get(URL, elimination).content.decode()
    assert codes(page) == [household.code] and "2023-10-15" in page
    assert codes(client.get(URL, OCTOBER).content.decode()) == []  # monitored since April
    april = {**OCTOBER, "start": "2023-04-01", "end": "2023-04-30"}
    assert codes(client.get(URL, april).content.decode()) == [household.code]
    detail = client.get(f"/rural/households/{household.code}/").content.decode()
    assert "procedure=elimination&amp;start=2023-10-15&amp;end=2023-10-15" in detail
    assert "procedure=identification&amp;start=2023-04-15&amp;end=2023-04-15" in detail


def test_the_download_holds_the_page_rows_and_no_formula(
    approved: dict[str, Household], world: dict[str, Any]
) -> None:
    Household.objects.filter(pk=approved["c"].pk).update(head_name="=HYPERLINK(1)")
    response = client_for(world["worker_c"]).get("/rural/announcement.xlsx", OCTOBER)
    assert response.status_code == 200
    assert "announcement-t.c-identification-20231001-20231031.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "t.c" not in str(rows[0][0]) and "2023-10-01" in rows[0][0]  # the title names the county
    kind = approved["c"].get_monitoring_type_display()
    assert rows[3][:6] == [1, "Town X", "Village 1", "=HYPERLINK(1)", 2, kind]
    assert rows[3][6].date() == date(2023, 10, 10)  # a date cell, as Excel sorts and filters it
    head = next(sheet.iter_rows(min_row=4, max_row=4))[3]
    assert head.data_type == "s" and head.quotePrefix  # text, never a formula
    assert len(rows) == 4


API = "/api/households"


def api_codes(client: Client, query: dict[str, str]) -> list[str]:
    response = client.get(API, query)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_the_api_lists_what_the_announcement_lists(
    approved: dict[str, Household], world: dict[str, Any]
) -> None:
    office = client_for(world["office"])
    october = {"approved": "identification", "approved_from": "2023-10-01", "approved_to": "2023-10-31"}
    for county, key in (("t.c", "c"), ("t.d", "d")):
        page = client_for(world["office"]).get(URL, {**OCTOBER, "county": county}).content.decode()
        assert api_codes(office, {**october, "county": county}) == codes(page) == [approved[key].code]
    # both counties, by township, village and day; a day after C's approval only D's
    assert set(api_codes(office, october)) == {approved["c"].code, approved["d"].code}
    assert api_codes(office, {**october, "approved_from": "2023-10-11"}) == [approved["d"].code]
    # no days: every approval; the one still under identification is not approved
    assert approved["pending"].code not in api_codes(office, {"approved": "identification"})
    assert api_codes(office, {"county": "t.c", "state": "identifying"}) == [approved["pending"].code]
    assert api_codes(office, {"approved": "elimination"}) == []
    # the filters keep the masking of personal data
    row = office.get(API, {**october, "county": "t.c"}).json()["results"][0]
    assert row["id_number"] != ID_HEAD and row["county"] == "t.c"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (
            {"approved": "identification", "approved_from": "2023-10-31", "approved_to": "2023-10-01"},
            "approved_to",
        ),
        ({"approved_from": "2023-10-01"}, "approved"),
        ({"approved": "everything"}, "approved"),
        ({"approved": "identification", "approved_from": "2023-13-01"}, "approved_from"),
        ({"county": "nowhere"}, "county"),
        ({"county": "t.c\x00"}, "county"),
        ({"state": "gone"}, "state"),
    ],
)
def test_a_bad_api_filter_is_refused_with_the_parameter_named(
    approved: dict[str, Household], world: dict[str, Any], query: dict[str, str], field: str
) -> None:
    response = client_for(world["worker_c"]).get(API, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]

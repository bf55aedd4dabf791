"""A household's file after its creation: its situation (size, rigid expenditure and the basic
needs, as the elimination rule reads them) updated by its county's case worker, and a closed file's
family monitored again in a new file (audited, checked, all or nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client

from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied
from jingjin.rural import elimination, services
from jingjin.rural.models import Household

from .test_workflow import line_2023 as line_2023  # the fixture
from .test_workflow import monitored_and_ready

pytestmark = pytest.mark.django_db


def updates_of(household: Household) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(Household)
    entries = AuditEntry.objects.filter(content_type=kind, object_id=household.pk, action="update")
    return list(entries.order_by("pk"))


@pytest.mark.usefixtures("line_2023")
def test_housing_made_safe_lets_the_risk_be_eliminated(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)
    services.household_situation_update(actor=worker, household=household, housing_secure=False)
    household.refresh_from_db()
    with pytest.raises(ValidationError, match="not secure"):
        elimination.household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))

    before = len(updates_of(household))
    services.household_situation_update(actor=worker, household=household, housing_secure=True)
    entry = updates_of(household)[-1]
    assert len(updates_of(household)) == before + 1
    assert (entry.before["housing_secure"], entry.after["housing_secure"]) == (False, True)
    assert entry.user == worker
    household.refresh_from_db()
    elimination.household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))
    assert Household.objects.get(pk=household.pk).state == "eliminated"


@pytest.mark.usefixtures("line_2023")
def test_more_members_lower_the_income_per_head(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    household = monitored_and_ready(household, worker)  # 14,000 a year for 2: 7,000 > 6,000
    services.household_situation_update(actor=worker, household=household, size=3)  # 4,667 < 6,000
    household.refresh_from_db()
    with pytest.raises(ValidationError, match="less than 6 months"):
        elimination.household_eliminate(actor=worker, household=household, on=date(2023, 10, 15))


@pytest.mark.parametrize("size", [0, 100, -1])
def test_a_size_out_of_range_is_refused(household: Household, world: dict[str, Any], size: int) -> None:
    with pytest.raises(ValidationError, match="1 to 99 members"):
        services.household_situation_update(actor=world["worker_c"], household=household, size=size)
    assert Household.objects.get(pk=household.pk).size == 2 and updates_of(household) == []


def test_only_its_county_and_only_an_open_file(household: Household, world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.household_situation_update(actor=world["worker_d"], household=household, size=3)
    with pytest.raises(TypeError, match="net_income"):  # the income follows its records
        services.household_situation_update(
            actor=world["worker_c"], household=household, net_income=Decimal(1)
        )
    services.household_reject(
        actor=world["worker_c"], household=household, on=date(2023, 10, 2), note="收入稳定"
    )
    with pytest.raises(ValidationError, match="closed"):
        services.household_situation_update(actor=world["worker_c"], household=household, size=3)
    assert Household.objects.get(pk=household.pk).size == 2


def test_the_page_shows_the_needs_and_takes_the_update(household: Household, world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["worker_c"])
    url = f"/rural/households/{household.code}/"
    page = client.get(url).content.decode()
    assert 'data-testid="size-mismatch"' in page  # size 2, one member registered
    assert page.count('data-secure="1"') == 5 and 'name="situation-size" value="2"' in page

    form = {
        "situation-size": "0",
        "situation-rigid_expenditure": "1200",
        "situation-food_clothing_secure": "on",
        "situation-education_secure": "on",
        "situation-medical_secure": "on",
        "situation-water_secure": "on",
    }
    response = client.post(url + "situation/", form)
    assert response.status_code == 400 and updates_of(household) == []
    assert "greater than or equal to 1" in response.content.decode()  # Django's message, by the field
    bad_money = client.post(
        url + "situation/", {**form, "situation-size": "1", "situation-rigid_expenditure": "NaN"}
    )
    assert bad_money.status_code == 400 and updates_of(household) == []

    assert client.post(url + "situation/", {**form, "situation-size": "1"}).status_code == 302
    household.refresh_from_db()
    assert (household.size, household.rigid_expenditure, household.housing_secure) == (
        1,
        Decimal(1200),
        False,
    )
    page = client.get(url).content.decode()
    assert 'data-testid="size-mismatch"' not in page and page.count('data-secure="0"') == 1

    other = Client()
    other.force_login(world["worker_d"])
    assert other.post(url + "situation/", {**form, "situation-size": "4"}).status_code in (403, 404)
    assert Household.objects.get(pk=household.pk).size == 1


def test_the_api_reads_the_basic_needs(household: Household, world: dict[str, Any]) -> None:
    services.household_situation_update(actor=world["worker_c"], household=household, water_secure=False)
    client = Client()
    client.force_login(world["office"])
    body = client.get(f"/api/households/{household.code}").json()
    assert (body["water_secure"], body["housing_secure"], body["size"]) == (False, True, 2)


def closed(household: Household, worker: Any) -> Household:
    """The household's identification closed without confirming it on 2023-10-05."""
    return services.household_reject(actor=worker, household=household, on=date(2023, 10, 5), note="收入稳定")


def test_a_closed_file_is_followed_by_a_new_one_with_the_family(
    household: Household, world: dict[str, Any]
) -> None:
    worker = world["worker_c"]
    services.household_situation_update(actor=worker, household=household, housing_secure=False)
    old = closed(household, worker)
    new = services.household_monitor_again(
        actor=worker,
        household=old,
        lead_date=date(2023, 10, 12),
        channel="self_application",
        monitoring_type="sudden",
        note="房屋受损",
    )
    assert (new.state, new.previous, new.lead_date, new.monitoring_type) == (
        "identifying",
        old,
        date(2023, 10, 12),
        "sudden",
    )
    assert (new.size, new.net_income, new.housing_secure, new.village) == (
        2,
        Decimal(10000),
        False,
        old.village,
    )
    assert [s.step for s in new.steps.all()] == ["lead"]
    copied, kept = new.members.get(), old.members.get()
    assert copied.pk != kept.pk
    assert (copied.id_number, copied.phone, copied.health) == (kept.id_number, kept.phone, kept.health)
    assert Household.objects.get(pk=old.pk).state == "rejected"  # the closed file stays as it was

    again = {
        "lead_date": date(2023, 10, 13),
        "channel": "cadre_visit",
        "monitoring_type": "sudden",
        "note": "再次",
    }
    with pytest.raises(ValidationError, match=f"followed in file {new.code}"):
        services.household_monitor_again(actor=worker, household=old, **again)
    with pytest.raises(ValidationError, match="open"):  # the new file is worked on, not reopened
        services.household_monitor_again(actor=worker, household=new, **again)
    # the person is in an open file now: not a second time
    with pytest.raises(ValidationError, match="already registered"):
        services.member_add(actor=worker, household=old, name="张某（演示）", id_number=kept.id_number)
    # the closed file's member is still corrected (the ID number kept)
    fields = ("relation", "id_number", "bank_account", "health", "labour_capacity")
    services.member_update(
        actor=worker, member=kept, name="张某", phone="13900005678", **{f: getattr(kept, f) for f in fields}
    )
    assert old.members.get().phone == "13900005678" and new.members.get().phone == "13800001234"


def test_monitoring_again_is_checked(household: Household, world: dict[str, Any]) -> None:
    worker = world["worker_c"]
    old = closed(household, worker)
    again = {"channel": "cadre_visit", "monitoring_type": "marginal", "note": "因病"}
    with pytest.raises(PermissionDenied):
        services.household_monitor_again(
            actor=world["worker_d"], household=old, lead_date=date(2023, 10, 12), **again
        )
    with pytest.raises(ValidationError, match="after the file was closed"):
        services.household_monitor_again(actor=worker, household=old, lead_date=date(2023, 10, 4), **again)
    with pytest.raises(ValidationError, match="after today"):
        services.household_monitor_again(actor=worker, household=old, lead_date=date(2023, 10, 16), **again)
    with pytest.raises(ValidationError, match="risk found"):
        services.household_monitor_again(
            actor=worker, household=old, lead_date=date(2023, 10, 12), **{**again, "note": " "}
        )
    assert not Household.objects.filter(previous=old).exists()

    # a member of the closed family now in another open file: the whole new file is refused
    other = services.household_create(
        actor=worker,
        village=world["village"],
        head_name="王某（演示）",
        channel="cadre_visit",
        monitoring_type="marginal",
        lead_date=date(2023, 10, 10),
        source="test",
    )
    services.member_add(
        actor=worker, household=other, name="张某（演示）", id_number=old.members.get().id_number
    )
    with pytest.raises(ValidationError, match="Member 张某（演示）"):
        services.household_monitor_again(actor=worker, household=old, lead_date=date(2023, 10, 12), **again)
    assert not Household.objects.filter(previous=old).exists()


def test_the_page_opens_the_new_file(household: Household, world: dict[str, Any]) -> None:
    old = closed(household, world["worker_c"])
    client = Client()
    client.force_login(world["worker_c"])
    url = f"/rural/households/{old.code}/"
    assert 'data-testid="form-again"' in client.get(url).content.decode()
    form = {
        "again-lead_date": "2023-10-12",
        "again-channel": "cadre_visit",
        "again-monitoring_type": "sudden",
    }
    refused = client.post(url + "again/", form)  # no risk given
    assert refused.status_code == 400 and not Household.objects.filter(previous=old).exists()
    response = client.post(url + "again/", {**form, "again-note": "因灾房屋受损"})
    new = Household.objects.get(previous=old)
    assert response.status_code == 302 and response["Location"] == f"/rural/households/{new.code}/"
    page = client.get(url).content.decode()
    assert f'data-testid="later-file">{new.code}' in page and 'data-testid="form-again"' not in page
    assert f'data-testid="earlier-file">{old.code}' in client.get(response["Location"]).content.decode()


def test_the_api_names_the_earlier_file(household: Household, world: dict[str, Any]) -> None:
    old = closed(household, world["worker_c"])
    new = services.household_monitor_again(
        actor=world["worker_c"],
        household=old,
        lead_date=date(2023, 10, 12),
        channel="cadre_visit",
        monitoring_type="sudden",
        note="因病",
    )
    client = Client()
    client.force_login(world["office"])
    assert client.get(f"/api/households/{new.code}").json()["previous"] == old.code
    assert client.get(f"/api/households/{old.code}").json()["previous"] is None

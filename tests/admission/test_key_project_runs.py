"""Key projects (重点项目) as the candidates of an allocation run, through the service, the page
and the API: a saved run equals ``jingjin allocate`` on the same table; a missing figure counts
as 0 and a missing benefit as the project's total investment; bad lines and codes are named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import ValidationError

from jingjin import cli
from jingjin.admission import allocation
from jingjin.admission.models import AllocationRun
from jingjin.core.models import Unit
from jingjin.projects.models import KeyProject

pytestmark = pytest.mark.django_db


def key_projects() -> None:
    owner = Unit.objects.get(code="t.a")
    for code, investment in (("XM-1", 100), ("XM-2", 80), ("XM-3", 60), ("XM-4", 500)):
        KeyProject.objects.create(
            code=code, name_zh=f"示例项目{code}", name_en=f"Demo {code}", level="city", category="industry",
            owner_unit=owner, total_investment=investment, is_synthetic=True,
        )  # fmt: skip


ROWS: list[dict[str, Any]] = [
    {"code": "XM-1", "land_mu": 100, "energy_tce": 10, "env_units": 1},
    {"code": "XM-2", "land_mu": 60, "energy_tce": 10, "env_units": 1, "leading": True},
    {"code": "XM-3", "land_mu": 50, "energy_tce": 10, "env_units": 1, "benefit": 60},
    {"code": "XM-4"},  # no demand: draws on no quota; benefit its total investment
]


def test_a_key_project_run_equals_the_command(world: Any, tmp_path: Path, capsys: Any) -> None:
    key_projects()
    candidates = allocation.key_project_candidates(ROWS, must=set(), exclude={"XM-3"})
    run = allocation.run_create(
        actor=None, code="R-KP", name="重点项目", pool=world["pool"], source="key_projects",
        leading_bonus=Decimal("0.5"), candidates=candidates, queue=False,
    )  # fmt: skip
    run = allocation.run_solve(run)
    table = allocation.run_table(run)
    assert table["benefit"].to_list() == [100.0, 80.0, 60.0, 500.0]
    assert table["land_mu"].to_list() == [100.0, 60.0, 50.0, 0.0]
    assert table["leading"].to_list() == [0, 1, 0, 0] and table["exclude"].to_list() == [0, 0, 1, 0]
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    table.write_csv(source)
    pool = world["pool"]
    argv = ["allocate", str(source), "-o", str(out), "--land", str(pool.land_mu)]
    argv += ["--energy", str(pool.energy_tce), "--env", str(pool.env_units), "--leading-bonus", "0.5"]
    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [int(c.selected) for c in run.candidates.order_by("id")] == pl.read_csv(out)["selected"].to_list()
    assert run.summary["objective"] == pytest.approx(summary["objective"])
    for name in ("land", "energy", "env"):
        assert run.summary["quotas"][name]["used"] == pytest.approx(summary["quotas"][name]["used"])
    assert run.summary["greedy"]["objective"] == pytest.approx(summary["greedy"]["objective"])
    assert run.candidates.get(project_id="XM-4").selected is True
    with pytest.raises(ValidationError) as unknown:
        allocation.key_project_candidates([{"code": "XM-9"}], must=set(), exclude=set())
    assert "key_projects" in unknown.value.message_dict
    with pytest.raises(ValidationError) as stray:
        allocation.key_project_candidates(ROWS, must={"XM-9"}, exclude=set())
    assert "must" in stray.value.message_dict


def test_key_projects_on_the_page_and_the_api(world: Any, users: Any, client: Any, english: Any) -> None:
    key_projects()
    client.force_login(users["office"])
    form = {
        "code": "R-P",
        "name": "示例",
        "pool": world["pool"].pk,
        "leading_bonus": "0",
        "source": "key_projects",
    }
    lines = "XM-1, 100, 10, 1\nXM-2, 60, x, 1\n"
    bad = client.post("/admission/runs/new/", {**form, "key_projects": lines})
    assert bad.status_code == 400
    assert bad.context["form"].errors["key_projects"] == [
        "Line 2, column 3 (energy_tce): enter a number, 0 or more."
    ]
    empty = client.post("/admission/runs/new/", form)
    assert empty.status_code == 400 and "key_projects" in empty.context["form"].errors
    unknown = client.post("/admission/runs/new/", {**form, "key_projects": "XM-9"})
    assert unknown.status_code == 400 and "XM-9" in str(unknown.context["form"].errors["key_projects"])
    good = client.post("/admission/runs/new/", {**form, "key_projects": "XM-1, 100, 10, 1\nXM-4,,,,,,1\n"})
    assert good.status_code == 302
    run = AllocationRun.objects.get(code="R-P")
    assert run.source == "key_projects" and run.candidates.get(project_id="XM-4").must
    body = {
        "code": "R-A",
        "name": "示例",
        "pool": 2023,
        "source": "key_projects",
        "key_projects": ROWS,
        "must": ["XM-2"],
    }
    made = client.post("/api/allocation-runs", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert [c["project_id"] for c in made.json()["candidates"]] == ["XM-1", "XM-2", "XM-3", "XM-4"]
    assert made.json()["candidates"][1]["must"] is True
    negative = {**body, "code": "R-B", "key_projects": [{"code": "XM-1", "land_mu": -1}]}
    refused = client.post("/api/allocation-runs", negative, content_type="application/json")
    assert refused.status_code == 400 and "land_mu" in refused.json()["key_projects"][0]
    none = client.post(
        "/api/allocation-runs", {**body, "code": "R-C", "key_projects": []}, content_type="application/json"
    )
    assert none.status_code == 400 and "key_projects" in none.json()
    client.force_login(users["county_c"])
    assert (
        client.post(
            "/api/allocation-runs", {**body, "code": "R-D"}, content_type="application/json"
        ).status_code
        == 403
    )

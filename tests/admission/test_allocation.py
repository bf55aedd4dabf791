"""Quota allocation runs: a saved run equals ``jingjin allocate`` on the same table; shadow prices
of the LP relaxation; scenarios (must-fund, excluded, leading bonus); the background job."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.core.exceptions import ValidationError

from jingjin import cli
from jingjin.admission import allocation, services
from jingjin.admission.models import AllocationRun
from jingjin.engines.allocation_duals import lp_relaxation

from .conftest import application_data

pytestmark = pytest.mark.django_db

#: (code, land mu, output per mu, energy per output, env units)
PROJECTS = [
    ("AP-1", 60, 500, "0.2", 10),
    ("AP-2", 50, 450, "0.3", 12),
    ("AP-3", 40, 300, "0.1", 5),
    ("AP-4", 30, 600, "0.4", 8),
    ("AP-5", 20, 200, "0.2", 2),
]


def admitted(world: dict[str, Any]) -> list[Any]:
    apps = []
    for i, (code, land, output, energy, env) in enumerate(PROJECTS):
        industry = world["bat"] if i % 2 == 0 else world["chem"]
        data = application_data(
            world,
            code=code,
            industry=industry,
            catalogue_entry=None,
            land_mu=Decimal(land),
            output_per_mu=Decimal(output),
            energy_per_output=Decimal(energy),
            env_units=Decimal(env),
        )
        app = services.application_submit(actor=None, data=data)
        app = services.application_check(actor=None, application=app)
        apps.append(
            services.application_decide(actor=None, application=app, decision="restricted", note="示例")
        )
    return apps


def make_run(
    world: Any,
    *,
    must: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
    bonus: str = "0.2",
) -> AllocationRun:
    candidates = allocation.application_candidates(
        allocation.admitted_applications(), must=set(must), exclude=set(exclude)
    )
    run = allocation.run_create(
        actor=None, code="R1", name="示例", pool=world["pool"], source="applications",
        leading_bonus=Decimal(bonus), candidates=candidates, queue=False,
    )  # fmt: skip
    return allocation.run_solve(run)


def test_saved_run_equals_the_command(world: Any, tmp_path: Path, capsys: Any) -> None:
    admitted(world)
    run = make_run(world, must=frozenset({"AP-5"}))
    table = allocation.run_table(run)
    assert table["leading"].to_list() == [1, 0, 1, 0, 1]  # LI.BAT under the park's leading LI
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    table.write_csv(source)
    pool = world["pool"]
    argv = [
        "allocate",
        str(source),
        "-o",
        str(out),
        "--land",
        str(pool.land_mu),
        "--energy",
        str(pool.energy_tce),
    ]
    assert cli.main([*argv, "--env", str(pool.env_units), "--leading-bonus", "0.2"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    chosen = pl.read_csv(out)["selected"].to_list()
    assert [int(c.selected) for c in run.candidates.order_by("id")] == chosen
    assert run.summary["objective"] == pytest.approx(summary["objective"])
    assert run.summary["gap"] == pytest.approx(summary["gap"])
    for name in ("land", "energy", "env"):
        assert run.summary["quotas"][name]["used"] == pytest.approx(summary["quotas"][name]["used"])
    assert run.summary["greedy"]["objective"] == pytest.approx(summary["greedy"]["objective"])
    assert run.state == "done" and run.summary["proven"]


def test_scenario_flags_and_reasons(world: Any, english: Any) -> None:
    admitted(world)
    run = make_run(world, must=frozenset({"AP-5"}), exclude=frozenset({"AP-1"}))
    rows = {c.project_id: c for c in run.candidates.all()}
    assert rows["AP-5"].selected and "Must" in rows["AP-5"].reason
    assert not rows["AP-1"].selected and "Excluded" in rows["AP-1"].reason
    assert all(c.reason for c in rows.values())
    land = sum(float(c.land_mu) for c in rows.values() if c.selected)
    assert land <= 150


def test_shadow_prices_from_the_lp_relaxation() -> None:
    # one quota of 6: items of value 10, 6, 4 needing 5, 4, 3 → x = (1, 0.25, 0), price 6/4 = 1.5
    value = np.array([10.0, 6.0, 4.0])
    req = np.array([[5.0, 0.0], [4.0, 0.0], [3.0, 1.0]])
    none = np.zeros(3, bool)
    relaxed = lp_relaxation(value, req, np.array([6.0, 10.0]), none, none)
    assert relaxed.objective == pytest.approx(11.5)
    assert relaxed.shadow_prices.tolist() == pytest.approx([1.5, 0.0])


def test_run_as_a_job_and_a_refused_problem_fails_it(
    world: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admitted(world)
    candidates = allocation.application_candidates(
        allocation.admitted_applications(), must={"AP-1", "AP-2", "AP-3", "AP-4"}, exclude=set()
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = allocation.run_create(
            actor=users["office"], code="R2", name="超额", pool=world["pool"], source="applications",
            leading_bonus=Decimal(0), candidates=candidates,
        )  # fmt: skip
    run.refresh_from_db()
    assert run.state == "failed" and "must-fund" in run.error
    assert run.job is not None and run.job.state == "failed"


def test_only_the_plan_office_runs(world: Any, users: Any) -> None:
    from jingjin.core.permissions import PermissionDenied

    admitted(world)
    candidates = allocation.application_candidates(
        allocation.admitted_applications(), must=set(), exclude=set()
    )
    with pytest.raises(PermissionDenied):
        allocation.run_create(
            actor=users["county_c"], code="R3", name="x", pool=world["pool"], source="applications",
            leading_bonus=Decimal(0), candidates=candidates,
        )  # fmt: skip


def test_a_table_of_key_projects_as_candidates(world: Any) -> None:
    frame = pl.DataFrame(
        {
            "project_id": ["XM-1", "XM-2", "XM-3"],
            "benefit": [100.0, 80.0, 60.0],
            "land_mu": [100.0, 60.0, 50.0],
            "energy_tce": [10.0, 10.0, 10.0],
            "env_units": [1.0, 1.0, 1.0],
            "leading": [0, 1, 0],
        }
    )
    candidates = allocation.table_candidates(frame)
    run = allocation.run_create(
        actor=None, code="R-KP", name="重点项目", pool=world["pool"], source="key_projects",
        leading_bonus=Decimal("0.5"), candidates=candidates, queue=False,
    )  # fmt: skip
    run = allocation.run_solve(run)
    # land 150: XM-2 (80 × 1.5 = 120) + XM-3 (60) = 180 beats XM-1 alone (100)
    assert [c.selected for c in run.candidates.order_by("id")] == [False, True, True]
    bad = frame.with_columns(pl.lit(-1.0).alias("land_mu"))
    with pytest.raises(ValidationError):
        allocation.table_candidates(bad)

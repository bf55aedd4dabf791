"""Quota allocation runs (指标分配): candidates, scenario, the background solve and its reasons.

:func:`run_create` (the plan office) stores a run with its candidates — the admitted applications
(benefit = committed output at full production, land as applied for, energy = output × energy
per output, environmental units as applied for; leading when the industry is a leading industry
of the park), the key projects chosen with their demand (:func:`key_project_candidates`), or an
uploaded table with the columns of ``jingjin allocate`` — and queues the ``admission-allocation``
job. :func:`run_solve` (the job) solves it with the same call
as the command (:func:`jingjin.engine_runs.allocate_run`), adds the shadow prices of the LP
relaxation and each candidate's reason for in or out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.admission.choices import ApplicationState, CandidateSource, RunState
from jingjin.admission.models import AllocationCandidate, AllocationRun, Application, QuotaPool
from jingjin.core.permissions import PermissionDenied, may_run_quota_allocation
from jingjin.core.services import audit_change
from jingjin.engines.allocation_duals import lp_relaxation

#: the columns of a run's table, those of ``jingjin allocate``
COLUMNS = ("project_id", "benefit", "land_mu", "energy_tce", "env_units", "leading", "must", "exclude")
ADMITTED_STATES = (ApplicationState.DECIDED, ApplicationState.COMPLETED, ApplicationState.PRODUCING)
DEFAULT_GAP = 1e-4


def application_candidates(
    applications: list[Application], *, must: set[str], exclude: set[str]
) -> list[AllocationCandidate]:
    """Unsaved candidates from admitted applications (committed figures at full production)."""
    out = []
    for app in applications:
        output = app.output_per_mu * app.land_mu
        leading = app.park.leading_industries.filter(
            pk__in=[app.industry_id, app.industry.parent_id or 0]
        ).exists()
        out.append(
            AllocationCandidate(
                project_id=app.code,
                label=app.project_name,
                application=app,
                benefit=output.quantize(Decimal("0.0001")),
                land_mu=app.land_mu,
                energy_tce=(output * app.energy_per_output).quantize(Decimal("0.0001")),
                env_units=app.env_units,
                leading=leading,
                must=app.code in must,
                exclude=app.code in exclude,
            )
        )
    return out


def admitted_applications() -> list[Application]:
    """The applications admitted (decided 鼓励支持 or 限制, not 禁入), the candidates of a run."""
    queryset = Application.objects.filter(state__in=ADMITTED_STATES).exclude(decision="prohibited")
    return list(queryset.select_related("park", "industry").order_by("code"))


#: what a key project's row may give; what is missing is explained by :func:`key_project_candidates`
KEY_PROJECT_FIGURES = ("benefit", "land_mu", "energy_tce", "env_units")
KEY_PROJECT_MISSING = gettext_lazy(
    "A key project has no land, energy or environmental demand of its own in the key-project "
    "register: a figure left empty counts as 0 (the project draws nothing on that quota), an empty "
    "benefit is the project's total investment (10k yuan; 0 when it has none), and the project is "
    "a leading-industry project only when its row says so."
)


def key_project_candidates(
    rows: list[dict[str, Any]], *, must: set[str], exclude: set[str]
) -> list[AllocationCandidate]:
    """Unsaved candidates from key projects (重点项目), each row ``code`` with its optional
    ``benefit`` (万元), ``land_mu``, ``energy_tce``, ``env_units`` and ``leading`` — a missing
    figure as :data:`KEY_PROJECT_MISSING` says. Unknown or repeated codes, and must-fund or
    excluded codes that are not candidates, are refused naming the field."""
    from jingjin.projects.models import KeyProject

    codes = [str(row["code"]).strip() for row in rows]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValidationError(
            {"key_projects": _("Key projects named twice: %(codes)s.") % {"codes": ", ".join(repeated)}}
        )
    projects = KeyProject.objects.in_bulk(codes, field_name="code")
    unknown = [c for c in codes if c not in projects]
    if unknown:
        raise ValidationError(
            {"key_projects": _("Unknown key projects: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    for name, flagged in (("must", must), ("exclude", exclude)):
        stray = sorted(flagged - set(codes))
        if stray:
            raise ValidationError(
                {name: _("Not among the candidates: %(codes)s.") % {"codes": ", ".join(stray)}}
            )
    step = Decimal("0.0001")
    out = []
    for code, row in zip(codes, rows, strict=True):
        project = projects[code]
        figures = {name: row.get(name) for name in KEY_PROJECT_FIGURES}
        if figures["benefit"] is None:
            figures["benefit"] = project.total_investment or 0
        out.append(
            AllocationCandidate(
                project_id=code,
                label=str(project)[:200],
                **{name: Decimal(str(value or 0)).quantize(step) for name, value in figures.items()},
                leading=bool(row.get("leading")),
                must=code in must,
                exclude=code in exclude,
            )
        )
    return out


def table_candidates(frame: pl.DataFrame) -> list[AllocationCandidate]:
    """Unsaved candidates from a table with the columns of ``jingjin allocate`` (checked by
    :func:`jingjin.engines.allocation.allocate_table` when the run is solved; here the types)."""
    from jingjin.engines.scoring import InputError, check_ids, flag_column, numeric_column

    try:
        check_ids(frame, "project_id")
        numbers = {c: numeric_column(frame, c, minimum=0) for c in COLUMNS[1:5]}
        flags = {
            c: flag_column(frame, c) if c in frame.columns else np.zeros(frame.height, bool)
            for c in COLUMNS[5:]
        }
    except InputError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    ids = frame.get_column("project_id").cast(pl.String).to_list()
    return [
        AllocationCandidate(
            project_id=str(pid),
            **{c: Decimal(repr(float(numbers[c][i]))) for c in COLUMNS[1:5]},
            **{c: bool(flags[c][i]) for c in COLUMNS[5:]},
        )
        for i, pid in enumerate(ids)
    ]


@transaction.atomic
def run_create(
    *,
    actor: Any,
    code: str,
    name: str,
    pool: QuotaPool,
    source: str,
    leading_bonus: Decimal,
    candidates: list[AllocationCandidate],
    queue: bool = True,
    is_synthetic: bool = False,
    origin: str = "web",
) -> AllocationRun:
    """Store a run and its candidates, then queue its solve as a background job."""
    if actor is not None and not may_run_quota_allocation(actor):
        raise PermissionDenied("only the plan office runs quota allocations")
    if source not in CandidateSource.values:
        raise ValidationError({"source": _("Unknown source of candidates.")})
    if not candidates:
        raise ValidationError({"source": _("There are no candidate projects.")})
    both = [c.project_id for c in candidates if c.must and c.exclude]
    if both:
        raise ValidationError({"must": _("Both must-fund and excluded: %(ids)s.") % {"ids": ", ".join(both)}})
    run = AllocationRun(
        code=code, name=name, pool=pool, source=source, leading_bonus=leading_bonus, is_synthetic=is_synthetic
    )
    run.full_clean()
    run.save()
    for candidate in candidates:
        candidate.run = run
        candidate.full_clean(exclude=["run"])
    AllocationCandidate.objects.bulk_create(candidates)
    audit_change(actor=actor, obj=run, before=None, source=origin)
    if queue:
        from jingjin.admission.job_kinds import KIND
        from jingjin.jobs.services import job_submit

        job = job_submit(actor=actor, kind=KIND, params={"run": run.pk}, source=origin)
        run.job = job
        run.save(update_fields=["job"])
    return run


def run_table(run: AllocationRun) -> pl.DataFrame:
    """The run's candidates as the table ``jingjin allocate`` reads (flags as 1/0)."""
    rows = list(run.candidates.order_by("id"))
    data: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for row in rows:
        data["project_id"].append(row.project_id)
        for c in COLUMNS[1:5]:
            data[c].append(float(getattr(row, c)))
        for c in COLUMNS[5:]:
            data[c].append(int(getattr(row, c)))
    schema = {
        "project_id": pl.String,
        **dict.fromkeys(COLUMNS[1:5], pl.Float64),
        **dict.fromkeys(COLUMNS[5:], pl.Int64),
    }
    return pl.DataFrame(data, schema=schema)


def _reason(row: AllocationCandidate, greedy: bool, binding: list[str]) -> str:
    if row.must:
        return _("Must fund (scenario).")
    if row.exclude:
        return _("Excluded (scenario).")
    if row.selected:
        return (
            _("Chosen by the optimum.")
            if greedy
            else _("Chosen by the optimum; the greedy rule leaves it out.")
        )
    if greedy:
        return _("Left out by the optimum (the greedy rule takes it): its quotas give more elsewhere.")
    if binding:
        return _("Left out: the binding quotas (%(quotas)s) give more to the chosen projects.") % {
            "quotas": ", ".join(binding)
        }
    return _("Left out: no benefit to add.")


@transaction.atomic
def run_solve(run: AllocationRun) -> AllocationRun:
    """Solve a run (the job's work): the optimum as ``jingjin allocate`` finds it, the shadow
    prices of the LP relaxation, the greedy rule, each candidate's reason. Raises the engine's
    ``InputError`` for a problem it refuses (e.g. must-fund projects beyond a quota)."""
    from jingjin.engine_runs import allocate_run

    run = AllocationRun.objects.select_for_update().select_related("pool").get(pk=run.pk)
    before = run.snapshot()
    frame = run_table(run)
    pool = run.pool
    limits = [float(pool.land_mu), float(pool.energy_tce), float(pool.env_units)]
    bonus = float(run.leading_bonus)
    result = allocate_run(
        frame, land=limits[0], energy=limits[1], env=limits[2], leading_bonus=bonus,
        partial=False, gap=DEFAULT_GAP, time_limit=None,
    )  # fmt: skip
    summary = dict(result.summary)
    requirements = frame.select("land_mu", "energy_tce", "env_units").to_numpy()
    value = frame["benefit"].to_numpy() * (1 + bonus * frame["leading"].to_numpy())
    relaxed = lp_relaxation(
        value, requirements, np.array(limits), frame["must"].to_numpy() == 1, frame["exclude"].to_numpy() == 1
    )
    for name, price in zip(("land", "energy", "env"), relaxed.shadow_prices, strict=True):
        summary["quotas"][name]["shadow_price"] = None if np.isnan(price) else float(price)
    summary["lp_bound"] = None if np.isnan(relaxed.objective) else relaxed.objective
    from jingjin.engines.allocation import greedy_allocation

    greedy = greedy_allocation(
        value, requirements, np.array(limits), frame["must"].to_numpy() == 1, frame["exclude"].to_numpy() == 1
    )
    binding = [name for name, use in summary["quotas"].items() if use["binds"]]
    selected = result.table["selected"].to_list()
    rows = list(run.candidates.order_by("id"))
    for row, chosen, taken in zip(rows, selected, greedy, strict=True):
        row.selected = bool(chosen)
        row.greedy_selected = bool(taken > 0)
        row.reason = _reason(row, row.greedy_selected, binding)
    AllocationCandidate.objects.bulk_update(rows, ["selected", "greedy_selected", "reason"])
    run.summary = summary
    run.state = RunState.DONE
    run.error = ""
    run.save(update_fields=["summary", "state", "error"])
    audit_change(actor=None, obj=run, before=before, source="job")
    return run


def run_fail(run: AllocationRun, message: str) -> None:
    """Mark a run failed with the engine's message (the job's error says the same)."""
    AllocationRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error=message[:2000])

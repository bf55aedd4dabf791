"""The evaluation job kinds (评价任务): ``air-aqi``, ``air-daily``, ``air-annual``, ``water``,
``score``, ``land``, ``admit``, ``allocate``.

Each runs the engine of its command line (:mod:`jingjin.engine_runs`) on the uploaded table with
the options of ``job.params["options"]`` (checked again by :func:`options.clean_options`), reports
its progress (reading, computing, writing) and writes the table the command line writes as Parquet
(``<kind>-result.parquet``; CSV and XLSX are made on download). Bad input fails the job with the
engine's message, rows and columns named, and the server's path of the upload replaced by the file's
name.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.translation import gettext

from jingjin import engine_runs as runs
from jingjin.core.permissions import may_evaluate
from jingjin.evaluations import options as evaluation_options
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job

RESULT_SUFFIX = "-result.parquet"


def _plain_json(value: Any) -> Any:
    """A summary as plain JSON: non-finite numbers become None, numpy numbers Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _plain_json(value.item())
    return json.loads(json.dumps(value, default=str))


def _message(exc: Exception, job: Job, *, note_rows: bool = False) -> str:
    """The engine's message for users, as the command line prints it (``note_rows``: with the row
    convention spelled out, as ``jingjin score``/``land``/``allocate`` add it), the server's path of
    the upload replaced by the file's own name."""
    from jingjin.commands._io import user_message

    text = user_message(exc) if note_rows else str(exc)
    if job.input_file:
        text = text.replace(job.input_file.path, job.input_name or "input")
    return text


def compute(kind: str, frame: Any, options: dict[str, Any], *, source: str) -> runs.Run:
    """The engine run of ``kind`` on ``frame`` with checked ``options`` — what the command line runs."""
    o = options
    if kind == "air-aqi":
        return runs.aqi_run(
            frame,
            standard=o["standard"],
            report=o["report"],
            time_column=o["time_column"],
            hour_label=o["hour_label"],
            invalid=o["invalid"],
            source=source,
            flag=runs.api_flag,
        )
    if kind == "air-daily":
        return runs.daily_run(
            frame,
            station_column=o["station_column"],
            time_column=o["time_column"],
            city_column=o["city_column"],
            hour_label=o["hour_label"],
            invalid=o["invalid"],
        )
    if kind == "air-annual":
        return runs.annual_run(
            frame, date_column=o["date_column"], group_column=o["group_column"], invalid=o["invalid"]
        )
    if kind == "water":
        return runs.water_run(
            frame,
            waterbody=o["waterbody"],
            waterbody_column=o["waterbody_column"],
            items=o["items"],
            invalid=o["invalid"],
            missing_flag_suffix=o["missing_flag_suffix"],
        )
    if kind == "score":
        return runs.score_run(frame, evaluation_options.score_spec(o), explain=o["explain"])
    if kind == "land":
        return runs.land_run(frame, evaluation_options.land_scheme(o), items=not o["no_items"])
    if kind == "admit":
        thresholds, rules = evaluation_options.admission(o)
        return runs.admit_run(frame, thresholds, rules)
    if kind == "allocate":
        return runs.allocate_run(
            frame,
            land=o["land"],
            energy=o["energy"],
            env=o["env"],
            leading_bonus=o["leading_bonus"],
            partial=o["partial"],
            gap=o["gap"],
            time_limit=o["time_limit"],
        )
    raise ValueError(f"not an evaluation kind: {kind}")


def run_evaluation(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the upload, run the engine, write the result as Parquet; progress at each step."""
    from jingjin.commands._io import TableError, read_table
    from jingjin.engines.errors import InputError

    if not job.input_file:
        raise JobInputError(gettext("No input file was uploaded."))
    try:
        options = evaluation_options.clean_options(job.kind, job.params.get("options"))
        progress(5, gettext("Reading %(name)s") % {"name": job.input_name})
        frame = read_table(job.input_file.path)
        progress(
            35,
            gettext("Read %(rows)d rows; evaluating") % {"rows": frame.height},
        )
        run = compute(job.kind, frame, options, source=job.input_name)
        progress(80, gettext("Writing %(rows)d result rows") % {"rows": run.table.height})
    except (evaluation_options.OptionsError, runs.OptionError) as exc:
        raise JobInputError(_message(exc, job)) from exc
    except (InputError, TableError) as exc:
        raise JobInputError(_message(exc, job, note_rows=True)) from exc
    path = job.scratch_path(f"{job.kind}{RESULT_SUFFIX}")
    run.table.write_parquet(path)
    progress(100, gettext("Done: %(rows)d rows") % {"rows": run.table.height})
    return JobOutcome(result_path=path, summary=_plain_json(run.summary))


for _evaluation in evaluation_options.EVALUATIONS.values():
    register(_evaluation.code, label=_evaluation.label, runner=run_evaluation, may_run=may_evaluate)

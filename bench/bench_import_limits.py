"""Small Excel files, huge cost (issue 18, finding 8): time and peak memory of reading hostile workbooks.

Before the import limits (jingjin.core.limits), a 1.8 MB plan workbook took 121 s and 3.5 GB and a
2.6 MB statistics workbook 154 s and 2.6 GB. This script builds workbooks of those sizes and reads
each in a fresh process through the same functions the pages and the API call — the plan file
reader and checks (``planfile.loads`` + ``planfile.validate``) and the statistics reader and checks
(``benchmark.services.read_frame`` + ``benchmark_data.statistics_errors`` against the bundled
catalogue) — printing the file size, the wall time, the peak memory (max RSS of the process) and
how it ended (refused with which message, or how many errors).

Cases:

* ``plan-rows``: a plan workbook of ~1.8 MB whose ``tasks`` sheet has tens of thousands of rows,
  each naming an unknown measure (one error per row; 45,000 rows);
* ``plan-far-cell``: the small test plan with one cell at column 5,000, row 1,000,000;
* ``plan-bomb``: the small test plan with a ~1.8 MB member that unzips to ~1.8 GB;
* ``stats-rows``: a statistics workbook of ~2.6 MB (long format, 104,000 rows, every value bad);
* ``stats-far-cell``: a statistics workbook with one cell at column 5,000, row 1,000,000;
* ``stats-ok``: a good statistics workbook just inside the limits (40,000 rows, 2,000 cities × 20
  years of GDP), read and checked in full.

Run: ``JINGJIN_DATA_DIR=$(mktemp -d) .venv/bin/python bench/bench_import_limits.py`` (``--case NAME``
for one case; ``--timeout S`` per case, default 300).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("plan-rows", "plan-far-cell", "plan-bomb", "stats-rows", "stats-far-cell", "stats-ok")


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")
    import django

    django.setup()


def _small_plan_xlsx() -> bytes:
    from jingjin.plans import planfile
    from tests.conftest import small_plan

    return planfile.to_xlsx(planfile.normalise(small_plan()))


def _save(workbook: object) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def build(case: str) -> bytes:
    from openpyxl import Workbook, load_workbook

    if case == "plan-rows":
        workbook = load_workbook(io.BytesIO(_small_plan_xlsx()))
        sheet = workbook["tasks"]
        for i in range(45_000):
            sheet.append(["NO.MEASURE", f"X{i}.T{i}", f"任务{i}", f"Task {i}", "", "", "t.a", "", "", 1])
        return _save(workbook)
    if case in ("plan-far-cell", "stats-far-cell"):
        if case == "plan-far-cell":
            workbook = load_workbook(io.BytesIO(_small_plan_xlsx()))
            sheet = workbook["tasks"]
        else:
            workbook = Workbook()
            sheet = workbook.active
            sheet.append(["city", "year", "indicator", "value", "unit", "source"])
        sheet.cell(row=1_000_000, column=5_000, value="x")
        return _save(workbook)
    if case == "plan-bomb":
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(_small_plan_xlsx())) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
        ):
            for member in source.infolist():
                data = source.read(member.filename)
                if member.filename == "xl/sharedStrings.xml":
                    continue
                target.writestr(member, data)
            with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
                handle.write(
                    b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><si><t>'
                )
                chunk = b"A" * (16 * 1024 * 1024)
                for _ in range(110):  # ~1.8 GB
                    handle.write(chunk)
                handle.write(b"</t></si></sst>")
        return out.getvalue()
    if case == "stats-rows":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append(["city", "year", "indicator", "value", "unit", "source"])
        for i in range(104_000):
            sheet.append([f"城{i % 300}", 2000 + i % 25, "gdp", f"bad{i}", "亿元", "x"])
        return _save(workbook)
    if case == "stats-ok":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append(["city", "year", "indicator", "value", "unit", "source"])
        for i in range(40_000):
            sheet.append([f"城{i // 20}", 2001 + i % 20, "gdp", 100 + i % 997, "亿元", "统计年鉴"])
        return _save(workbook)
    raise SystemExit(f"unknown case {case}")


def run(case: str, path: Path) -> str:
    raw = path.read_bytes()
    if case.startswith("plan"):
        from jingjin.plans import planfile

        try:
            data = planfile.loads(raw, "xlsx", name=path.name)
            errors = planfile.validate(data)
        except planfile.PlanFileError as exc:
            return f"refused: {len(exc.errors)} error(s) listed, first: {exc.errors[0]}"[:200]
        return f"read: {len(errors)} error(s)"
    from jingjin import benchmark_data
    from jingjin.benchmark import services

    try:
        frame = services.read_frame(raw, "xlsx")
    except services.StatisticsFileError as exc:
        return f"refused: {exc.errors[0].describe()}"[:200]
    _clean, errors = benchmark_data.statistics_errors(frame, benchmark_data.load_catalogue())
    return f"read: {frame.height} rows, {len(errors)} error(s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup()
    if args.child:
        case, file = args.child
        started = time.perf_counter()
        outcome = run(case, Path(file))
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{elapsed:.2f}\t{peak:.0f}\t{outcome}")
        return
    workdir = Path(os.environ.get("JINGJIN_DATA_DIR", "/tmp")) / "bench-import-limits"
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), python {sys.version.split()[0]}")
    print(f"{'case':<16}{'file MB':>9}{'time s':>9}{'peak MB':>9}  outcome")
    for case in [args.case] if args.case else CASES:
        path = workdir / f"{case}.xlsx"
        path.write_bytes(build(case))
        size = path.stat().st_size / 1024 / 1024
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", case, str(path)],
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=False,
            )
            line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
            elapsed, peak, outcome = [*line.split("\t"), "", ""][:3]
        except subprocess.TimeoutExpired:
            elapsed, peak, outcome = f">{args.timeout:.0f}", "?", "timed out"
        print(f"{case:<16}{size:>9.2f}{elapsed:>9}{peak:>9}  {outcome}")


if __name__ == "__main__":
    main()

"""Fixtures of the evaluation tests: media in tmp, English messages, signed-in clients, the input
files of every kind with their options and the command line that must give the same table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages; the Chinese ones are in jingjin/locale/pending/r2.po."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def client_of(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


SPEC = """
method: weighted_sum
weights: fixed
id_column: unit
criteria:
  - {column: gdp_growth, weight: 0.5, normalize: target, target: 6.0}
  - {column: energy_per_gdp, direction: cost, weight: 0.3, normalize: minmax}
  - {column: investment, weight: 0.2, normalize: ratio, benchmark: max}
group_by: kind
classes: {by: share, bounds: {A: 0.5}, rest: B}
"""

COUNTIES = (
    "unit,kind,gdp_growth,energy_per_gdp,investment\n"
    "船山区,district,6.6,0.5,200\n安居区,district,5.4,0.7,100\n射洪市,county,7.2,0.9,400\n"
    "蓬溪县,county,3.0,0.5,100\n大英县,county,6.0,0.6,300\n"
)
FIRMS = (
    "enterprise_id,land_mu,tax_10k,revenue_10k,value_added_10k,energy_tce,emissions_t,employees,rd_10k\n"
    "F1,100,4819.4,30000,6808,1263.5,,400,453\n"
    "F2,20,200,5000,1000,500,0.5,100,50\n"
    "F3,10,241,2000,1361.6,100,0.1,50,60.4\n"
)
PROJECTS = (
    "project_id,park,industry,land_mu,investment_10k,tax_10k,output_10k,rd_10k,catalogue,zoning\n"
    "P1,内荣工业园,装备制造,100,16000,900,36000,800,鼓励,通过\n"
    "P2,内荣工业园,食品饮料,50,6000,350,14000,,允许,有条件\n"
    "P3,内荣工业园,玻璃,20,3000,160,5000,0,限制类,通过\n"
)
ALLOC = (
    "project_id,benefit,land_mu,energy_tce,env_units,leading,must,exclude\n"
    "A,10,5,2,1,0,0,0\nB,8,4,1,1,1,0,0\nC,7,3,3,2,0,1,0\nD,3,1,1,0,0,0,1\n"
)
WATER = (
    "section,river,ph,do,cod,nh3_n,tp,tn\n"
    "S1,R,7.2,8.0,10,0.15,0.02,3\nS2,R,7.0,5.0,20,1.0,0.2,3\nS3,R,7.0,1.5,45,2.5,0.5,3\n"
)
AIR = (
    "station,date,pm25_24h,co_24h,remark\n"
    "A,2026-02-28,80,2.2,x\nB,2026-03-01,80,2.45,y\nC,2026-03-02,,1.0,z\n"
)


def hourly_parquet() -> bytes:
    start = datetime(2025, 1, 1)
    rows = []
    for station, level in (("S1", 10.0), ("S2", 30.0)):
        for h in range(48):
            rows.append(
                {"city": "Suining", "site": station, "time": start + timedelta(hours=h), "pm25_1h": level}
            )
    import io

    buffer = io.BytesIO()
    pl.DataFrame(rows).write_parquet(buffer)
    return buffer.getvalue()


def daily_xlsx() -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["city", "date", "pm25_24h", "pm10_24h", "o3_8h"])
    for day in range(1, 11):
        sheet.append(["Suining", f"2025-01-{day:02d}", 20.0 + day, 50.0 + day, 80.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """One evaluation kind: the upload, the API's options, the command line's arguments (``{in}``,
    ``{out}`` and ``{spec}`` replaced), whether the command prints a JSON summary, and a bad upload
    with a text the engine's message names."""

    kind: str
    name: str
    content: bytes
    options: dict[str, Any]
    cli: list[str]
    prints_summary: bool
    bad: bytes
    bad_text: str


CASES = [
    Case(
        "air-aqi",
        "air.csv",
        AIR.encode(),
        {"standard": "auto", "report": "daily", "time_column": "date"},
        [
            "air",
            "aqi",
            "{in}",
            "-o",
            "{out}",
            "--standard",
            "auto",
            "--report",
            "daily",
            "--time-column",
            "date",
        ],
        False,
        b"station,date,pm25_24h,co_24h\nA,2026-02-28,80,2.2\nB,2026-03-01,-5,2.45\n",
        "column pm25_24h: negative value in data row 2",
    ),
    Case(
        "air-daily",
        "hourly.parquet",
        hourly_parquet(),
        {"station_column": "site", "time_column": "time", "city_column": "city"},
        [
            "air",
            "daily",
            "{in}",
            "-o",
            "{out}",
            "--station-column",
            "site",
            "--time-column",
            "time",
            "--city-column",
            "city",
        ],
        False,
        b"site,time,pm25_1h\nS1,2025-01-01 00:00,abc\n",
        "pm25_1h",
    ),
    Case(
        "air-annual",
        "daily.xlsx",
        daily_xlsx(),
        {"group_column": "city"},
        ["air", "annual", "{in}", "-o", "{out}", "--group-column", "city"],
        False,
        b"city,date,pm25_24h\nSuining,2025-01-01,-3\n",
        "column pm25_24h: negative value in data row 1",
    ),
    Case(
        "water",
        "water.csv",
        WATER.encode(),
        {"waterbody": "river"},
        ["water", "classify", "{in}", "-o", "{out}", "--waterbody", "river"],
        False,
        b"section,do,cod\nS1,8.0,10\nS2,5.0,-20\n",
        "column cod: negative value in data row 2",
    ),
    Case(
        "score",
        "counties.csv",
        COUNTIES.encode(),
        {"spec": yaml.safe_load(SPEC), "explain": True},
        ["score", "{in}", "-o", "{out}", "--spec", "{spec}", "--explain"],
        True,
        COUNTIES.replace("6.6,0.5", "fast,0.5").encode(),
        "gdp_growth",
    ),
    Case(
        "land",
        "firms.csv",
        FIRMS.encode(),
        {"scheme": "huangyan-2022"},
        ["land", "evaluate", "{in}", "-o", "{out}", "--scheme", "huangyan-2022"],
        True,
        FIRMS.replace("F2,20,", "F2,-20,").encode(),
        "column 'land_mu': negative land area in data row 2",
    ),
    Case(
        "admit",
        "projects.csv",
        PROJECTS.encode(),
        {},
        ["land", "admit", "{in}", "-o", "{out}"],
        True,
        PROJECTS.replace("P3,内荣工业园", "P3,别处").encode(),
        "park '别处'",
    ),
    Case(
        "allocate",
        "projects.csv",
        ALLOC.encode(),
        {"land": 9, "energy": 6, "env": 4, "leading_bonus": 0.5},
        [
            "allocate",
            "{in}",
            "-o",
            "{out}",
            "--land",
            "9",
            "--energy",
            "6",
            "--env",
            "4",
            "--leading-bonus",
            "0.5",
        ],
        True,
        ALLOC.replace("A,10,5,", "A,10,-5,").encode(),
        "land_mu",
    ),
]


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST an evaluation through the API; the job runs when the request's transaction commits
    (immediate mode)."""

    def post(
        client: Client, kind: str, name: str, content: bytes, options: Any = None, *, raw: str | None = None
    ) -> Any:
        data: dict[str, Any] = {"kind": kind, "file": SimpleUploadedFile(name, content)}
        if raw is not None:
            data["options"] = raw
        elif options is not None:
            data["options"] = json.dumps(options)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/evaluations", data)

    return post


def run_cli(case: Case, directory: Path, content: bytes, capsys: Any) -> tuple[int, Path, str, str]:
    """Run the command line on the same file; return its exit code, output path, stdout, stderr."""
    from jingjin.cli import main

    source = directory / case.name
    source.write_bytes(content)
    spec = directory / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    target = directory / "cli-out.parquet"
    args = [
        a.replace("{in}", str(source)).replace("{out}", str(target)).replace("{spec}", str(spec))
        for a in case.cli
    ]
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, target, captured.out, captured.err

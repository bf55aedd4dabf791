"""``jingjin plan export|import`` as a user runs them, in a fresh data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import small_plan

JINGJIN = str(Path(sys.executable).parent / "jingjin")


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["JINGJIN_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [JINGJIN, *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )


@pytest.mark.own_sqlite
def test_builtin_export_touches_no_database(tmp_path):
    result = run(tmp_path, "plan", "export", "--builtin", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"format", "plan", "units", "mechanisms", "actions"}
    assert [len(a["measures"]) for a in data["actions"]] == [6, 6, 7, 5, 7, 4]
    assert [a["lead_unit"] for a in data["actions"]] == [
        "sn.fgw",
        "sn.zjj",
        "sn.jxj",
        "sn.xczx",
        "sn.sthj",
        "sn.djb",
    ]
    assert not (tmp_path / "data").exists()  # no database, not even a data directory


@pytest.mark.own_sqlite
def test_import_then_export_round_trips_and_bad_files_write_nothing(tmp_path, migrated_data_dir):
    # tmp_path / "data" holds a migrated database (the migrations on an empty data directory are
    # the template's build, conftest ``migrated_sqlite``): the import's own migrate finds nothing to do
    good = tmp_path / "plan.yaml"
    good.write_text(yaml.safe_dump(small_plan(), allow_unicode=True), encoding="utf-8")
    bad_data = small_plan()
    bad_data["actions"][0]["measures"][0]["tasks"][0]["indicators"][0]["target_value"] = "lots"
    bad_data["actions"][0]["lead_unit"] = "nowhere"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_data, ensure_ascii=False), encoding="utf-8")

    refused = run(tmp_path, "plan", "import", str(bad))
    assert refused.returncode == 2
    assert "nothing was imported" in refused.stderr
    assert "$.actions[0].lead_unit: unknown unit 'nowhere'" in refused.stderr
    assert "$.actions[0].measures[0].tasks[0].indicators[0].target_value: must be a number" in refused.stderr
    empty = run(tmp_path, "plan", "export", "--format", "json")
    assert empty.returncode == 2 and "no plan in the database" in empty.stderr

    loaded = run(tmp_path, "plan", "import", str(good))
    assert loaded.returncode == 0, loaded.stderr
    assert "test-plan" in loaded.stdout
    first = run(tmp_path, "plan", "export", "--format", "yaml", "-o", str(tmp_path / "out1.yaml"))
    assert first.returncode == 0
    again = run(tmp_path, "plan", "import", str(tmp_path / "out1.yaml"))
    assert "0 created, 0 updated, 0 deleted" in again.stdout
    run(tmp_path, "plan", "export", "--format", "yaml", "-o", str(tmp_path / "out2.yaml"))
    assert (tmp_path / "out1.yaml").read_bytes() == (tmp_path / "out2.yaml").read_bytes()
    workbook = run(tmp_path, "plan", "export", "--format", "xlsx")
    assert workbook.returncode == 2 and "-o FILE.xlsx" in workbook.stderr

"""Fixtures for the benchmark tests: the bundled real data, its catalogue and peer groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest

from jingjin.benchmark import statistics as bd
from jingjin.cli import main


@pytest.fixture(scope="session")
def catalogue() -> dict[str, bd.Indicator]:
    return bd.load_catalogue()


@pytest.fixture(scope="session")
def data(catalogue: dict[str, bd.Indicator]) -> pl.DataFrame:
    return bd.load_builtin(catalogue)


@pytest.fixture(scope="session")
def groups() -> dict[str, bd.PeerGroup]:
    return bd.load_peer_groups()


@pytest.fixture(scope="session")
def sichuan(groups: dict[str, bd.PeerGroup]) -> list[str]:
    return list(groups["sichuan"].cities)


@pytest.fixture(scope="session")
def options(catalogue: dict[str, bd.Indicator]) -> dict[str, Any]:
    """The engine's catalogue keywords: directions, growth kinds, comparable_from."""
    return bd.engine_options(catalogue)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call ``jingjin`` in-process with string arguments; return exit code, stdout, stderr."""

    def run(*args: object) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run

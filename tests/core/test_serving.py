"""Production serving: ``jingjin serve --workers N`` (gunicorn, waitress as the fallback), the
systemd units, the environment file and the nginx example in ``deploy/``."""

from __future__ import annotations

import base64
import configparser
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from jingjin.cli import UsageError, build_parser, main
from jingjin.commands import _gunicorn, demo

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
JINGJIN = str(Path(sys.executable).with_name("jingjin"))
INSTALLED_JINGJIN = "/opt/jingjin/.venv/bin/jingjin"


def parse(*argv: str) -> Any:
    return build_parser().parse_args(list(argv))


# --- the serve command's arguments and its choice of server ------------------------------------


def test_serve_arguments() -> None:
    args = parse("serve", "--workers", "3", "--threads", "2", "--host", "10.0.0.5", "--port", "9000")
    assert (args.workers, args.threads, args.host, args.port, args.server) == (3, 2, "10.0.0.5", 9000, "auto")
    assert args.handler is demo.serve_only
    defaults = parse("serve")
    assert (defaults.workers, defaults.threads, defaults.server) == (1, None, "auto")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "0"], "must be at least 1, not 0"),
        (["--workers", "two"], "not a whole number: 'two'"),
        (["--threads", "-1"], "must be at least 1, not -1"),
        (["--server", "uwsgi"], "invalid choice: 'uwsgi'"),
    ],
)
def test_serve_refuses_bad_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse("serve", *argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_one_process_is_waitress_several_are_gunicorn() -> None:
    assert demo.gunicorn_unavailable() is None  # Linux, gunicorn installed
    assert demo.choose_server(1) == ("waitress", "")
    assert demo.choose_server(2) == ("gunicorn", "")
    assert demo.choose_server(1, "gunicorn") == ("gunicorn", "")
    assert demo.choose_server(3, "waitress") == (
        "waitress",
        "waitress serves in one process; --workers 3 ignored",
    )


def test_gunicorn_unavailable_on_windows_or_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.os, "name", "nt")
    assert demo.gunicorn_unavailable() == "gunicorn needs a POSIX system (Linux)"
    monkeypatch.setattr(demo.os, "name", "posix")
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)  # import fails as if not installed
    reason = demo.gunicorn_unavailable()
    assert reason is not None and reason.startswith("gunicorn cannot be imported")


def test_several_processes_fall_back_to_waitress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "gunicorn_unavailable", lambda: "gunicorn needs a POSIX system (Linux)")
    assert demo.choose_server(4) == (
        "waitress",
        "gunicorn needs a POSIX system (Linux); serving with waitress in one process instead of 4",
    )
    assert demo.choose_server(1) == ("waitress", "")
    with pytest.raises(UsageError, match="--server gunicorn: gunicorn needs a POSIX system"):
        demo.choose_server(2, "gunicorn")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record what ``jingjin serve`` would start instead of starting it."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def waitress(host: str, port: int, threads: int) -> int:
        calls.append(("waitress", {"host": host, "port": port, "threads": threads}))
        return 0

    def gunicorn(host: str, port: int, workers: int, threads: int) -> int:
        calls.append(("gunicorn", {"host": host, "port": port, "workers": workers, "threads": threads}))
        return 0

    monkeypatch.setattr(demo, "_serve", waitress)
    monkeypatch.setattr(demo, "_serve_gunicorn", gunicorn)
    return calls


def test_serve_dispatch(served: list[tuple[str, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["serve"]) == 0
    assert main(["serve", "--workers", "2", "--port", "8100"]) == 0
    assert main(["serve", "--workers", "3", "--threads", "1"]) == 0
    monkeypatch.setattr(demo, "gunicorn_unavailable", lambda: "gunicorn needs a POSIX system (Linux)")
    assert main(["serve", "--workers", "2"]) == 0
    assert main(["serve", "--workers", "2", "--server", "gunicorn"]) == 2  # asked for, cannot run: an error
    assert served == [
        ("waitress", {"host": "127.0.0.1", "port": 8000, "threads": demo.WAITRESS_THREADS}),
        ("gunicorn", {"host": "127.0.0.1", "port": 8100, "workers": 2, "threads": demo.GUNICORN_THREADS}),
        ("gunicorn", {"host": "127.0.0.1", "port": 8000, "workers": 3, "threads": 1}),
        # the fallback keeps the capacity: one process with the threads of both workers
        ("waitress", {"host": "127.0.0.1", "port": 8000, "threads": 2 * demo.GUNICORN_THREADS}),
    ]


# --- the gunicorn application ------------------------------------------------------------------


def test_gunicorn_options() -> None:
    options = _gunicorn.options(host="127.0.0.1", port=8000, workers=2, threads=4)
    assert options["bind"] == "127.0.0.1:8000"
    assert (options["workers"], options["worker_class"], options["threads"]) == (2, "gthread", 4)
    assert options["control_socket_disable"] is True
    assert options["keepalive"] > 60  # longer than nginx's upstream keep-alive (deploy/nginx-jingjin.conf)
    assert _gunicorn.options(host="::1", port=8001, workers=1, threads=1)["worker_class"] == "sync"
    assert _gunicorn.bind_address("::1", 8001) == "[::1]:8001"
    application = _gunicorn.JingjinApplication(options)
    assert application.cfg.workers == 2
    assert application.cfg.threads == 4
    assert application.cfg.worker_class_str == "gthread"
    assert application.cfg.keepalive == _gunicorn.KEEPALIVE
    assert application.cfg.address == [("127.0.0.1", 8000)]
    from jingjin.wsgi import application as wsgi_application

    assert application.load() is wsgi_application


def test_gunicorn_runs_in_a_fresh_interpreter() -> None:
    argv = _gunicorn.command(host="127.0.0.1", port=8001, workers=3, threads=2)
    assert argv[:3] == [sys.executable, "-m", "jingjin.commands._gunicorn"]
    args = _gunicorn.parse_args(argv[3:])
    assert (args.host, args.port, args.workers, args.threads) == ("127.0.0.1", 8001, 3, 2)


def test_gunicorn_refuses_an_unknown_setting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):  # gunicorn prints the configuration error and exits
        _gunicorn.JingjinApplication({"wokers": 2})
    assert "unknown gunicorn setting 'wokers'" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts the worker processes through /proc")
def test_serve_with_two_gunicorn_workers(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JINGJIN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [JINGJIN, "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        login = f"http://127.0.0.1:{port}/accounts/login/"
        body = ""
        login = f"http://127.0.0.1:{port}/accounts/login/"
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                with urllib.request.urlopen(login, timeout=5) as response:
                    assert response.status == 200
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert 'name="csrfmiddlewaretoken"' in body, "the login page did not come up within 60 s"
        deadline = time.monotonic() + 30
        while len(children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children(process.pid)) == 2  # gunicorn's master and two worker processes
        # the master (exec'd in place of the command, same process id) has not loaded Polars, whose
        # threads do not survive the workers' fork
        master_threads = [
            (task / "comm").read_text().strip() for task in Path(f"/proc/{process.pid}/task").iterdir()
        ]
        assert not [name for name in master_threads if "polars" in name], master_threads
    finally:
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    # idle workers exit at once, well before gunicorn's graceful timeout
    assert time.monotonic() - stopping < _gunicorn.GRACEFUL_TIMEOUT / 2, output
    assert process.returncode == 0, output
    assert "with gunicorn, 2 worker(s) × 4 thread(s)" in output
    assert "Using worker: gthread" in output
    assert output.count("Booting worker with pid") >= 2


# --- the systemd units, the environment file and the nginx example -----------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def exec_start(parser: configparser.ConfigParser) -> list[str]:
    return shlex.split(parser["Service"]["ExecStart"])


def test_web_unit_runs_jingjin_serve_with_gunicorn() -> None:
    web = unit("jingjin-web.service")
    assert set(web.sections()) == {"Unit", "Service", "Install"}
    argv = exec_start(web)
    assert argv[0] == INSTALLED_JINGJIN
    args = parse(*argv[1:])
    assert args.handler is demo.serve_only
    # Type=notify needs gunicorn (it tells systemd when it is ready): no silent fallback to waitress
    assert web["Service"]["Type"] == "notify"
    assert args.server == "gunicorn"
    assert demo.choose_server(args.workers, args.server) == ("gunicorn", "")
    assert args.workers >= 2
    assert args.host == "127.0.0.1"  # only the reverse proxy reaches the web processes
    assert web["Service"]["EnvironmentFile"] == "/etc/jingjin/jingjin.env"
    assert web["Service"]["User"] != "root"
    assert web["Install"]["WantedBy"] == "multi-user.target"


def test_worker_unit_structure() -> None:
    web, worker = unit("jingjin-web.service"), unit("jingjin-worker.service")
    assert set(worker.sections()) == {"Unit", "Service", "Install"}
    argv = exec_start(worker)
    assert argv[0] == INSTALLED_JINGJIN
    assert argv[1] == "worker"
    assert argv[2] == "--workers" and int(argv[3]) >= 1
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "StateDirectory"):
        assert worker["Service"][key] == web["Service"][key], key
    # Huey's consumer stops gracefully on SIGINT (SIGTERM stops it at once)
    assert worker["Service"]["KillSignal"] == "SIGINT"
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if "worker" in subcommands:  # the job queue's command (issue 11) is registered: parse it too
        parse(*argv[1:])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("name", ["jingjin-web.service", "jingjin-worker.service"])
def test_systemd_analyze_verify(name: str, tmp_path: Path) -> None:
    # systemd checks that ExecStart's program exists: point it at this environment's jingjin
    text = (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED_JINGJIN, JINGJIN)
    assert JINGJIN in text
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60
    )
    # verify exits 0 on unknown keys and bad values: every line it prints is a finding
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def environment_file() -> dict[str, str]:
    values = {}
    lines = (DEPLOY / "jingjin.env.example").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(\S*)", line)
        assert match, f"line {number} is not KEY=value: {line!r}"
        values[match[1]] = match[2]
    return values


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **environment_file()}
    env.pop("REDIS_URL")  # the check does not need the job queue
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", JINGJIN_DATA_DIR=str(tmp_path))
    env.update(overrides)
    return subprocess.run(
        [JINGJIN, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_environment_file_passes_the_deploy_checks(tmp_path: Path) -> None:
    values = environment_file()
    assert values["JINGJIN_PROFILE"] == "production"
    assert values["JINGJIN_AS_OF"] == ""  # the real date
    assert values["DATABASE_URL"].startswith("postgres://")
    assert values["REDIS_URL"].startswith("redis://")
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "JINGJIN_DATA_DIR", "CONN_MAX_AGE"):
        assert values[key], key
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    result = check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), JINGJIN_PERSONAL_DATA_KEY=key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # ...and the example's placeholder key is not good enough
    placeholder = check_deploy(tmp_path, JINGJIN_PERSONAL_DATA_KEY=key)
    assert placeholder.returncode != 0
    assert "security.W009" in placeholder.stdout + placeholder.stderr


def test_nginx_accepts_the_largest_upload() -> None:
    from django.conf import settings

    from jingjin.reporting import batch
    from jingjin.reporting.evidence import evidence_max_size

    text = (DEPLOY / "nginx-jingjin.conf").read_text(encoding="utf-8")
    match = re.search(r"^\s*client_max_body_size\s+(\d+)([km]?);", text, re.MULTILINE)
    assert match
    limit = int(match[1]) * {"": 1, "k": 1024, "m": 1024**2}[match[2]]
    assert limit >= max(evidence_max_size(), batch.MAX_FILE_SIZE, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text  # SECURE_PROXY_SSL_HEADER in production
    assert "proxy_set_header Host $host;" in text
    assert re.search(r"location /static/ \{\s*alias /var/lib/jingjin/static/;", text)
    assert "JINGJIN_DATA_DIR=/var/lib/jingjin" in (DEPLOY / "jingjin.env.example").read_text(encoding="utf-8")

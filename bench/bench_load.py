"""Load test of production serving: 50 signed-in users on two web processes (issue 11).

Target (issue 11, Performance): two web processes (and, with the job queue, two workers) on
PostgreSQL + Redis serve 50 concurrent users on loopback with p95 under 500 ms and no errors.

1. A PostgreSQL database of its own, ``jingjin_bench_load`` on 127.0.0.1:5432 as user
   ``postgres`` (``--postgres`` to change the server's URL; loopback only), created afresh and
   dropped at the end, and a temporary data directory.
2. ``jingjin demo --no-serve`` with that ``DATABASE_URL``: the built-in plan and the demo data.
3. ``jingjin serve --workers 2`` (gunicorn, 4 threads per worker) on 127.0.0.1 on a free port,
   with ``CONN_MAX_AGE=60`` as in ``deploy/jingjin.env.example``; ``--redis URL`` sets
   ``REDIS_URL`` (the job queue's broker) for it and for ``--queue-workers M`` × ``jingjin worker``
   when that command exists.
4. locust, run in this process (``locust.env.Environment`` and a local runner, headless): ``--users``
   (default 50) signed in as the demo accounts through the login form (CSRF token from the form),
   spawned at ``--spawn-rate`` (10/s), each waiting 1–3 s between pages (``--wait``), for
   ``--duration`` seconds (60) after the last user has started. Pages: the cockpit, the plan tree,
   My reports, the period overview, task pages, warnings, the red/black lists, the cockpit's task
   list and ``GET /api/cockpit``.
5. Prints p50/p95/p99, requests/s and errors, overall and per page, with the machine and the load
   average; stops the server and drops the database.

Run: ``.venv/bin/python bench/bench_load.py`` (``--users 10 --duration 20`` for a short run).
"""

# ruff: noqa: I001 - locust patches the standard library for gevent when it is imported (ssl and
# socket included), so it comes before them.
from __future__ import annotations

import locust
from locust import HttpUser, between, events, task
from locust.env import Environment

import argparse
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import gevent

ROOT = Path(__file__).resolve().parent.parent
JINGJIN = str(Path(sys.executable).with_name("jingjin"))
DATABASE = "jingjin_bench_load"
P95_TARGET_MS = 500.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

#: Filled in from ``jingjin demo``'s output before the users start.
ACCOUNTS: list[str] = []
PASSWORD = ""
#: Users who have signed in and looked up their task pages.
READY: list[str] = []


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, locust {locust.__version__}"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loopback_only(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"{what} must be on this machine (127.0.0.1), not {host!r}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


# --- the simulated users --------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINK = re.compile(r'href="(/[^"#?]*)')
TASK_LINK = re.compile(r'href="(/plan/[^/"]+/tasks/[^/"]+/)"')
MEASURE_LINK = re.compile(r'href="(/plan/[^/"]+/measures/[^/"]+/)"')


class PlanUser(HttpUser):  # type: ignore[misc]
    """A civil servant signed in with a demo account, clicking through the main pages."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.task_pages: list[str] = []
        username = ACCOUNTS[random.randrange(len(ACCOUNTS))]
        form = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(form.text)
        if token is None:
            form.failure("no CSRF token in the login form")  # type: ignore[attr-defined]
            raise locust.exception.StopUser()
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1], "next": ""},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"{username} could not sign in")
                raise locust.exception.StopUser()
        tree = self.client.get("/", name="plan tree")
        self.links = set(LINK.findall(tree.text))  # the menu: the pages this user's role may open
        self.task_pages = sorted(set(TASK_LINK.findall(tree.text)))
        if not self.task_pages:  # the tree lists measures: take the tasks of one
            measures = sorted(set(MEASURE_LINK.findall(tree.text)))
            if measures:
                page = self.client.get(random.choice(measures), name="measure page")
                self.task_pages = sorted(set(TASK_LINK.findall(page.text)))
        READY.append(username)

    def visit(self, path: str, name: str, menu: str | None = None) -> None:
        """GET a page, if the user's menu links to it (``menu``: the menu entry it belongs to)."""
        if (menu or path) in self.links:
            self.client.get(path, name=name)

    @task(4)
    def cockpit(self) -> None:
        self.visit("/cockpit/", "cockpit")

    @task(3)
    def plan_tree(self) -> None:
        self.visit("/", "plan tree")

    @task(3)
    def my_reports(self) -> None:
        self.visit("/reports/", "my reports")

    @task(2)
    def overview(self) -> None:
        self.visit("/reports/overview/", "overview")

    @task(3)
    def task_page(self) -> None:
        if self.task_pages:
            self.client.get(random.choice(self.task_pages), name="task page")

    @task(2)
    def warnings(self) -> None:
        self.visit("/warnings/", "warnings")

    @task(2)
    def lists(self) -> None:
        self.visit("/lists/", "red/black lists")

    @task(1)
    def task_list(self) -> None:
        self.visit("/cockpit/tasks/", "cockpit task list", "/cockpit/")

    @task(2)
    def api_cockpit(self) -> None:
        self.visit("/api/cockpit", "/api/cockpit", "/cockpit/")


# --- set-up, run, figures ---------------------------------------------------------------------------


def run_demo(env: dict[str, str]) -> None:
    global PASSWORD
    started = time.perf_counter()
    result = subprocess.run(
        [JINGJIN, "demo", "--no-serve"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"jingjin demo failed:\n{result.stdout}\n{result.stderr}")
    print(f"jingjin demo --no-serve: {time.perf_counter() - started:.1f} s")
    lines = result.stdout.splitlines()
    for index, line in enumerate(lines):
        match = re.search(r"password for all: (\S+)\)", line)
        if match:
            PASSWORD = match[1]
            ACCOUNTS.extend(
                row.split()[0] for row in lines[index + 1 :] if row.startswith("  ") and row.strip()
            )
    if not PASSWORD or not ACCOUNTS:
        raise SystemExit(f"no demo accounts in jingjin demo's output:\n{result.stdout}")
    print(f"Demo accounts: {', '.join(ACCOUNTS)}")


def wait_until_up(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"jingjin serve stopped with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our http://127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen[str], signal_number: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(signal_number)
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def report(environment: Environment, seconds: float, *, target: bool = True) -> bool:
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda entry: -entry.num_requests)
    print(f"\n{'page':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for entry in [*(row for row in rows if row.num_requests), stats.total]:
        name = "all" if entry is stats.total else entry.name
        print(
            f"{name:<22}{entry.num_requests:>9}{entry.num_failures:>8}"
            f"{entry.get_response_time_percentile(0.50):>9.0f}{entry.get_response_time_percentile(0.95):>9.0f}"
            f"{entry.get_response_time_percentile(0.99):>9.0f}{entry.max_response_time:>9.0f}"
        )
    for error in stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} × {error.occurrences}")
    total = stats.total
    p95 = total.get_response_time_percentile(0.95)
    print(
        f"\nall: {total.num_requests} requests in {seconds:.0f} s = "
        f"{total.num_requests / seconds:.1f} req/s, "
        f"{total.num_failures} errors, p50 {total.get_response_time_percentile(0.5):.0f} ms, "
        f"p95 {p95:.0f} ms, p99 {total.get_response_time_percentile(0.99):.0f} ms"
    )
    met = p95 < P95_TARGET_MS and total.num_failures == 0
    if target:
        print(f"target p95 < {P95_TARGET_MS:.0f} ms and no errors: {'met' if met else 'NOT met'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--duration", type=int, default=60, help="seconds after the last user started")
    parser.add_argument("--wait", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per web worker")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default=None, help="REDIS_URL for the web processes and the job workers")
    parser.add_argument("--queue-workers", type=int, default=2, help="job workers when --redis is given")
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 1 <= args.duration <= 600 and 0 < args.spawn_rate <= 50):
        raise SystemExit("bounded runs only: 1–200 users, 1–600 s, a spawn rate up to 50/s")
    loopback_only(args.postgres, "--postgres")
    if args.redis:
        loopback_only(args.redis, "--redis")
    PlanUser.wait_time = between(*args.wait)

    print(f"Machine: {machine()}")
    print(f"Load average before: {load_average()}")
    data_dir = Path(tempfile.mkdtemp(prefix="jingjin-bench-load-"))
    database_url = with_database(args.postgres, DATABASE)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JINGJIN_DATA_DIR": str(data_dir),
        "CONN_MAX_AGE": "60",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    processes: list[subprocess.Popen[str]] = []
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 - closed at the end, after the server
    psql(args.postgres, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    psql(args.postgres, f'CREATE DATABASE "{DATABASE}"')
    try:
        run_demo(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                *(JINGJIN, "serve", "--workers", str(args.web_workers), "--threads", str(args.threads)),
                *("--host", "127.0.0.1", "--port", str(port)),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(server)
        wait_until_up(f"{base}/accounts/login/", server)
        print(f"jingjin serve --workers {args.web_workers} --threads {args.threads} on {base}")
        if args.redis:
            from jingjin.cli import build_parser

            commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
            if "worker" in commands:
                for _ in range(args.queue_workers):
                    processes.append(
                        subprocess.Popen(
                            [JINGJIN, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
                        )
                    )
                print(f"jingjin worker × {args.queue_workers} on {args.redis}")
            else:
                print("jingjin worker does not exist yet: no job workers started")

        environment = Environment(user_classes=[PlanUser], host=base, events=events)
        runner = environment.create_local_runner()
        login_started = time.monotonic()
        runner.start(args.users, spawn_rate=args.spawn_rate)
        deadline = login_started + 300
        while len(READY) < args.users and time.monotonic() < deadline:
            gevent.sleep(0.2)
        login_seconds = time.monotonic() - login_started
        print(f"\nSigning in: {len(READY)} of {args.users} users in {login_seconds:.1f} s")
        report(environment, login_seconds, target=False)
        environment.stats.reset_all()  # then the steady state: every user signed in, clicking
        started = time.monotonic()
        gevent.sleep(args.duration)
        runner.quit()
        seconds = time.monotonic() - started
        print("\nSteady state:")
        print(
            f"\n{args.users} users, spawn rate {args.spawn_rate:g}/s, "
            f"wait {args.wait[0]:g}–{args.wait[1]:g} s"
        )
        print(f"Load average after: {load_average()}")
        met = report(environment, seconds) and len(READY) == args.users
    finally:
        for process in reversed(processes):
            stop(process, signal.SIGINT if process is not processes[0] else signal.SIGTERM)
        log.close()
        psql(args.postgres, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""gunicorn as a library: the server of ``jingjin serve --workers N`` (N > 1) on Linux.

The programmatic pattern of gunicorn's documentation ("Custom Application"): a
:class:`gunicorn.app.base.BaseApplication` whose configuration comes from :func:`options` rather
than from gunicorn's own command line or a ``gunicorn.conf.py``, and whose application is
``jingjin.wsgi:application``, loaded in each worker after the fork (no ``preload_app``: every
worker opens its own database connections and starts its own Polars thread pool).

``jingjin serve`` runs this module in a fresh interpreter (``python -m jingjin.commands._gunicorn``,
through ``exec``, so the process id stays the one systemd started): the ``jingjin`` command line has
imported Polars, whose threads do not survive a fork — workers forked from such a master hang when
they exit, and Polars is documented as unsafe to use after a fork. The master here imports gunicorn
and nothing of the application.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

#: Seconds a worker may stay silent before the master restarts it. The gthread worker's main
#: loop keeps beating while its threads serve, so this bounds a hung worker, not a long request.
TIMEOUT = 60
#: Seconds the workers get to finish their requests on SIGTERM (``systemctl stop``).
GRACEFUL_TIMEOUT = 30
#: Seconds an idle keep-alive connection stays open: longer than a client (or nginx's upstream
#: ``keepalive_timeout``, 60 s) keeps it, so the server never closes a connection the client is
#: just reusing — with gunicorn's 2 s default, users clicking every 1–3 s got "connection reset".
#: The gthread worker holds idle connections in its poller, not in a thread.
KEEPALIVE = 75


def bind_address(host: str, port: int) -> str:
    """``host:port`` as gunicorn's ``bind`` wants it (an IPv6 address in brackets)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn settings for ``workers`` processes of ``threads`` threads each.

    One thread per worker uses gunicorn's ``sync`` worker, more the ``gthread`` worker. gunicorn's
    control socket (``$HOME/.gunicorn/gunicorn.ctl`` by default) is off, so that several servers
    can run on one machine; ``FORWARDED_ALLOW_IPS`` (default the loopback addresses) names the
    reverse proxies whose ``X-Forwarded-*`` headers gunicorn trusts.
    """
    return {
        "bind": bind_address(host, port),
        "workers": workers,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": KEEPALIVE,
        "proc_name": "jingjin",
        "preload_app": False,
        "control_socket_disable": True,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


class JingjinApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn serving ``jingjin.wsgi:application`` with the settings given."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key not in self.cfg.settings:
                raise ValueError(f"unknown gunicorn setting {key!r}")
            self.cfg.set(key, value)

    def load(self) -> Any:
        from jingjin.wsgi import application

        return application


def command(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line that runs gunicorn's master in a fresh interpreter (see the module's notes)."""
    return [
        sys.executable,
        "-m",
        __name__,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jingjin.commands._gunicorn")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until gunicorn's master is stopped (SIGINT/SIGTERM); gunicorn exits the process."""
    args = parse_args(argv)
    JingjinApplication(
        options(host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    ).run()


if __name__ == "__main__":
    main()

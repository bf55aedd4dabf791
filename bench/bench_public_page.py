"""Benchmark of the public page (issue 20): ``/public/<plan>/`` of the demo's plan, cold (figures
computed) and cached (the plan, the data version, the cached figures, the page rendered).

Target (issue 20): under 100 ms cached. Peer, in the same run: the signed-in plan tree page
(``/``) of the same plan, which is not cached — the page a visitor would otherwise need.

Needs a data directory with the demo loaded (``jingjin demo --no-serve``). Run:
``JINGJIN_DATA_DIR=/tmp/jd PYTHONPATH=. .venv/bin/python bench/bench_public_page.py [--repeat 20]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")


def _timed(get: object, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = get(path)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from jingjin.plans.models import Plan

    plan = Plan.objects.filter(public=True).order_by("pk").first()
    if plan is None:
        raise SystemExit("no public plan: load the demo first (jingjin demo --no-serve)")
    path = f"/public/{plan.code}/"
    anonymous = Client()
    anonymous.get("/public/")  # warm up: imports, URL conf, templates
    cache.clear()
    cold = _timed(anonymous.get, path, 1)[0]
    cached = _timed(anonymous.get, path, args.repeat)
    office = Client()
    office.force_login(
        get_user_model().objects.filter(is_superuser=False, profile__role="plan_office").first()
    )
    tree = _timed(office.get, "/", max(3, args.repeat // 4))
    machine = platform.processor() or platform.machine()
    print(f"# public page benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}")
    print(f"plan {plan.code}: {plan.actions.count()} actions")
    print(f"public page, cold (figures computed): {cold:.1f} ms")
    median, best = statistics.median(cached), min(cached)
    print(f"public page, cached: median {median:.1f} ms, best {best:.1f} ms ({args.repeat} runs)")
    print(f"peer: signed-in plan tree: median {statistics.median(tree):.1f} ms, best {min(tree):.1f} ms")
    print("target: cached < 100 ms —", "met" if statistics.median(cached) < 100 else "NOT met")


if __name__ == "__main__":
    main()

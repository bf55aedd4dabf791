"""Time the firm register's import (企业名录): 200,000 synthetic firms from a CSV, all new, then
the same file again (all known: changed in place, nothing to audit), on a fresh SQLite database.

Run: ``JINGJIN_DATA_DIR=/tmp/bench-parks python bench/parks_firm_import.py [ROWS]``. Prints the
seconds of validation and of writing; the figures go into docs/benchmarks.md with the machine's load.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
import time


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jingjin.core.models import Unit
    from jingjin.parks import creditcode, firm_import, services
    from jingjin.parks.models import Firm

    city, _ = Unit.objects.get_or_create(code="bench", defaults={"name_zh": "示例市", "kind": "city"})
    for p in range(100):
        Unit.objects.get_or_create(
            code=f"bench.p{p}", defaults={"name_zh": f"示例园区{p}", "kind": "park", "parent": city}
        )
    parks = [["园区单位代码", "级别"], *[[f"bench.p{p}", "省级"] for p in range(100)]]
    services.register_import(kind="parks", raw=_csv(parks), filename="parks.csv", actor=None)
    rng = random.Random(1)
    body = [
        ["企业名称", "统一社会信用代码", "园区单位代码", "产值(万元)", "税收(万元)", "从业人数", "专精特新"]
    ]
    for n in range(rows):
        first17 = f"91510900X{n:08d}"
        code = first17 + creditcode.check_character(first17)
        body.append(
            [f"示例企业{n:06d}", code, f"bench.p{n % 100}", round(rng.uniform(10, 1e5), 2), 12.5, 100, "否"]
        )
    raw = _csv(body)
    print(f"{rows:,} rows, {len(raw) / 1e6:.1f} MB CSV; firms before: {Firm.objects.count():,}")
    for label in ("new", "known"):
        start = time.perf_counter()
        columns = firm_import.firms_validate(raw, "firms.csv")
        checked = time.perf_counter()
        result = services.firms_import(columns=columns, actor=None, source="bench")
        done = time.perf_counter()
        print(
            f"{label}: validate {checked - start:.2f} s, write {done - checked:.2f} s "
            f"({result.created:,} created, {result.updated:,} updated)"
        )


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


if __name__ == "__main__":
    main()

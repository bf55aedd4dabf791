"""Links to many rows: ``django.urls.reverse`` for each row against ``core.reversing.reverser``.

The cockpit lists a county's tasks (about 430 in ``bench_cockpit.py``'s plan), each with a link
to its page; its task list and its JSON link every task of the plan. Timed, in the same
process, sides in turn (``--repeat`` rounds after one call of each):

1. the county table's links as the template made them (``{% url 'plans:task' plan code %}`` in
   the loop), as it makes them now (the URLs made by ``reverser`` before the template, the
   loop writing them out) and as the other pages that link every row of a list make them
   (``{% row_url 'plans:task' plan code %}`` in the loop: the plan tree's task lists, a unit's
   scorecard, the search results); the three outputs checked equal first;
2. one URL by ``reverse`` and by a ``reverser``, per URL, over the same codes.

Run: ``.venv/bin/python bench/bench_reverse.py`` (``--rows``, default 430; ``--repeat``, default 41).
No database is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")

from bench_air import timed_together  # one warm-up call, sides in turn, in seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=430, help="links on the page (default 430)")
    parser.add_argument("--repeat", type=int, default=41, help="timed rounds (after one call of each side)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.template import engines
    from django.urls import reverse

    from jingjin.core.reversing import reverser

    codes = [f"A{i % 6 + 1}.M{i % 8 + 1}.T{i + 1}" for i in range(args.rows)]
    engine = engines["django"]
    before = engine.from_string(
        "{% for code in codes %}<a href=\"{% url 'plans:task' plan code %}\">{% endfor %}"
    )
    now = engine.from_string('{% for code, url in rows %}<a href="{{ url }}">{% endfor %}')
    tag = engine.from_string(
        "{% load jingjin %}{% for code in codes %}"
        "<a href=\"{% row_url 'plans:task' plan code %}\">{% endfor %}"
    )

    def page_before() -> str:
        return before.render({"codes": codes, "plan": "bench-plan"})

    def page_now() -> str:
        url = reverser("plans:task", "bench-plan")
        return now.render({"rows": [(code, url(code)) for code in codes]})

    def page_tag() -> str:
        return tag.render({"codes": codes, "plan": "bench-plan"})

    assert page_before() == page_now() == page_tag()
    print(
        f"# bench_reverse — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — load average "
        f"{os.getloadavg()[0]:.2f}; {args.rows} links, {args.repeat} rounds, sides in turn"
    )
    found = {
        name: (median * 1000, best * 1000)
        for name, (median, best) in timed_together(
            args.repeat, {"before": page_before, "now": page_now, "tag": page_tag}
        ).items()
    }
    print(f"\n## The county table's {args.rows} links (median / best)\n")
    print(f"- `{{% url %}}` in the loop (before): {found['before'][0]:.2f} / {found['before'][1]:.2f} ms")
    print(f"- URLs made by `reverser` (now): {found['now'][0]:.2f} / {found['now'][1]:.2f} ms")
    print(f"- `{{% row_url %}}` in the loop: {found['tag'][0]:.2f} / {found['tag'][1]:.2f} ms")
    make = reverser("plans:task", "bench-plan")
    per_url = timed_together(
        args.repeat,
        {
            "reverse": lambda: [reverse("plans:task", args=["bench-plan", code]) for code in codes],
            "reverser": lambda: [make(code) for code in codes],
        },
    )
    print("\n## One URL (median / best of the rounds, per URL)\n")
    for name, (median, best) in per_url.items():
        print(f"- `{name}`: {median / args.rows * 1e6:.2f} / {best / args.rows * 1e6:.2f} µs")


if __name__ == "__main__":
    main()

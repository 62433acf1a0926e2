"""What base.html costs a page: queries per request and time per included component, for a bare Wagtail page.

Serves the bare page (a StandardPage with only a title, as bench/catalogue_rps.py uses) through Django's test client
in this process with the benchmark settings on the district database, anonymous and logged in. Every request's
queries are captured; each ``{% include %}`` of base.html is timed by wrapping Django's IncludeNode.render.

    .venv/bin/python bench/base_template.py [--database academy_bench] [--requests 300]

Prints a table (Markdown); bench/district.py copies it into docs/performance.md.
"""

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402
from catalogue_rps import BARE_PAGES  # noqa: E402
from district_data import FIRST_ID, setup_django, site_env  # noqa: E402


def profile(requests: int) -> dict:
    from django.db import connection
    from django.template import loader_tags
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from academy.models import User

    exec(BARE_PAGES, {})  # noqa: S102  (a fixed snippet shared with catalogue_rps.py)
    spent: dict[str, float] = collections.defaultdict(float)
    original = loader_tags.IncludeNode.render

    def timed(self, context):
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            spent[str(self.template.var if hasattr(self.template, "var") else self.template)] += (
                time.perf_counter() - started
            )

    loader_tags.IncludeNode.render = timed
    results = {}
    try:
        # The first generated trainee, or the demo's first trainee on a database without generated ones.
        trainee = User.objects.filter(pk=FIRST_ID).first() or User.objects.get(phone="+8613900000002")
        for label, login in (("anonymous", False), ("logged-in trainee", True)):
            client = Client()
            if login:
                client.force_login(trainee)
            for _ in range(5):
                assert client.get("/bare/").status_code == 200
            spent.clear()
            times = []
            with CaptureQueriesContext(connection) as queries:
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get("/bare/")
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200
            results[label] = {
                "ms": statistics.median(times) * 1000,
                "queries": len(queries) / requests,
                "sql": [q["sql"][:160] for q in queries.captured_queries[: round(len(queries) / requests)]],
                "includes": {name: seconds * 1000 / requests for name, seconds in spent.items()},
            }
    finally:
        loader_tags.IncludeNode.render = original
    return results


def table(results: dict) -> list[str]:
    lines = ["| Visitor | Median ms per request | Queries per request | Time in includes (ms per request) |",
             "|---|---:|---:|---|"]  # fmt: skip
    for label, r in results.items():
        includes = ", ".join(f"{name.strip(chr(34))} {ms:.2f}" for name, ms in sorted(r["includes"].items()))
        lines.append(f"| {label} | {r['ms']:.1f} | {r['queries']:.0f} | {includes} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="academy_bench")
    parser.add_argument("--port", type=int, default=pg.DEFAULT_PORT)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_django(site_env(args.database, args.port))
    results = profile(args.requests)
    print("\n".join(table(results)))
    for label, r in results.items():
        print(f"\n{label}: queries of one request")
        for sql in r["sql"]:
            print("  ", sql)
    print(f"\nload {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

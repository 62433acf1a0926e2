"""The qualification-by-street report for one street of 6,000 trainees (bar: ≤ 1 s).

Builds a throwaway SQLite district (18 streets × 6,000 trainees by default, ten ledger rows each), then times
``credits.reports.queries.qualification_by_street`` for one street as a registrar, and the whole admin report page
(filter, render) through the test client, counting queries. Writes docs/performance.md (running:street_report).

    .venv/bin/python bench/street_report.py [--streets 18] [--per-street 6000] [--entries 10] [--runs 5]
"""

import argparse
import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from running_data import build, machine, setup_django, write_section  # noqa: E402

START, END = "<!-- running:street_report:start -->", "<!-- running:street_report:end -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets", type=int, default=18)
    parser.add_argument("--per-street", type=int, default=6000)
    parser.add_argument("--entries", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-street-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        world = build(
            streets=args.streets, per_street=args.per_street, entries_per_trainee=args.entries, rng=random.Random(7)
        )
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from credits.reports import queries

        street = world["streets"][len(world["streets"]) // 2]
        registrar = world["registrar"]
        selector_times, page_times, rows = [], [], None
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as selector_queries:
                start = time.perf_counter()
                rows = queries.qualification_by_street(viewer=registrar, street=street)
                selector_times.append(time.perf_counter() - start)
        client = Client()
        client.force_login(registrar)
        url = reverse("academy_reports:qualification_by_street")
        client.get(url, {"street": street.pk})  # warm caches
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as page_queries:
                start = time.perf_counter()
                response = client.get(url, {"street": street.pk})
                page_times.append(time.perf_counter() - start)
            assert response.status_code == 200
        row = rows[0]
        best, median_page = min(selector_times), statistics.median(page_times)
        lines = [
            "## Qualification by street, one street (`bench/street_report.py`)",
            "",
            f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}",
            f"- Data: SQLite; {args.streets} streets × {args.per_street:,} trainees = {world['trainees']:,}; "
            f"{world['entries']:,} ledger rows over four years; four completions for every second trainee; a certificate "
            "for one in ten. Programme: five competency minimums, three required courses, offline hours, 24-month window.",
            f"- Street measured: {row.street.name} — {row.trainees:,} trainees: {row.qualified:,} qualified (certified), "
            f"{row.requirements_met:,} requirements met awaiting a certificate, {row.in_progress:,} in progress, "
            f"{row.not_started:,} not started.",
            "",
            "| Measure | Median s | Best s | Queries | Bar (≤ 1 s) |",
            "|---|---:|---:|---:|---|",
            f"| `reports.qualification_by_street` (one street) | {statistics.median(selector_times):.3f} | {best:.3f} | "
            f"{len(selector_queries)} | {'met' if statistics.median(selector_times) <= 1 else 'NOT met'} |",
            f"| Admin report page, filtered to the street (HTML) | {median_page:.3f} | {min(page_times):.3f} | "
            f"{len(page_queries)} | {'met' if median_page <= 1 else 'NOT met'} |",
            "",
            f"Generation: {', '.join(f'{k} {v:.1f} s' for k, v in world['timings'].items())}.",
        ]
        print(write_section(START, END, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

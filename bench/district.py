"""The data bars at district scale on PostgreSQL: eligibility per trainee, one street's qualification report, and
the district-wide export with time and peak memory, on the database built by bench/district_data.py.

Each part runs in its own Python process (benchmark settings, PostgreSQL), so the export's peak RSS is the peak
of a process that did nothing else but load Django and serve one page first.

    .venv/bin/python bench/pg.py start && .venv/bin/python bench/district_data.py
    .venv/bin/python bench/district.py [--database academy_bench] [--samples 2000] [--runs 5]

Writes docs/performance.md (section district:data).
"""

import argparse
import datetime
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402
from district_data import FIRST_ID, setup_django, site_env, workdir  # noqa: E402
from world import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- district:data:start -->", "<!-- district:data:end -->"


def _registrar():
    from academy.models import User
    from academy.roles import REGISTRARS

    return User.objects.filter(groups__name=REGISTRARS, is_active=True).order_by("pk").first()


def part_eligibility(args) -> dict:
    """``credits.selectors.eligibility_for`` for random generated trainees, each timed alone, with its queries."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from academy.models import User
    from credits import selectors
    from credits.models import ProgrammePage

    rng = random.Random(9)
    programme = ProgrammePage.objects.live().order_by("path").first()
    trainees = User.objects.filter(username__startswith="bench").count()
    ids = [FIRST_ID + rng.randrange(trainees) for _ in range(args.samples)]
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    results = {"programme": programme.title}
    for label, cached in (("requirements read each time", False), ("requirements read once per programme", True)):
        requirements = selectors.programme_requirements(programme) if cached else None
        times, queries, met = [], set(), 0
        for pk in ids:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = selectors.eligibility_for(trainee=users[pk], programme=programme, requirements=requirements)
                times.append((time.perf_counter() - started) * 1000)
            queries.add(len(captured))
            met += result.met
        times.sort()
        results[label] = {"median": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1],
                          "max": times[-1], "queries": sorted(queries), "met": met}  # fmt: skip
    return results


def part_street_report(args) -> dict:
    """``reports.qualification_by_street`` for one street, and the admin report page filtered to it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from academy.models import Street
    from credits.reports import queries

    registrar = _registrar()
    street = Street.objects.filter(district__name="拱墅区").order_by("order", "pk")[9]
    selector_times, page_times, rows = [], [], None
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as selector_queries:
            started = time.perf_counter()
            rows = queries.qualification_by_street(viewer=registrar, street=street)
            selector_times.append(time.perf_counter() - started)
    client = Client()
    client.force_login(registrar)
    url = reverse("academy_reports:qualification_by_street")
    client.get(url, {"street": street.pk})
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as page_queries:
            started = time.perf_counter()
            response = client.get(url, {"street": street.pk})
            page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return {
        "street": street.name,
        "rows": [
            {
                "post": str(row.post),
                "trainees": row.trainees,
                "qualified": row.qualified,
                "requirements_met": row.requirements_met,
                "in_progress": row.in_progress,
                "not_started": row.not_started,
            }
            for row in rows
        ],  # fmt: skip
        "selector": {
            "median": statistics.median(selector_times),
            "best": min(selector_times),
            "queries": len(selector_queries),
        },  # fmt: skip
        "page": {"median": statistics.median(page_times), "best": min(page_times), "queries": len(page_queries)},
    }


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_export(args) -> dict:
    """The registrar's 三方学院 › 学员 download of every trainee, CSV then XLSX, read chunk by chunk and dropped."""
    from django.test import Client
    from django.urls import reverse

    from academy.models import User

    client = Client()
    client.force_login(_registrar())
    url = reverse("academy_trainees:index")
    client.get(url)
    gc.collect()
    results = {"rss_before": _max_rss_mib(), "rows": User.objects.count()}
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        response = client.get(url, {"export": fmt})
        assert response.status_code == 200 and response.streaming, response.status_code
        size = chunks = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            chunks += 1
        seconds = time.perf_counter() - started
        rss = _max_rss_mib()
        gc.collect()
        tracemalloc.start()
        for _chunk in client.get(url, {"export": fmt}).streaming_content:
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[fmt] = {"seconds": seconds, "mib": size / 2**20, "chunks": chunks, "rss": rss, "traced": peak / 2**20}
    return results


PARTS = {"eligibility": part_eligibility, "street_report": part_street_report, "export": part_export}


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def write_section(lines: list[str]) -> str:
    section = "\n".join([START, *lines, END])
    text = REPORT.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")
    return section


def report(args, results: dict, loads: dict) -> list[str]:
    generation = workdir(args.port) / "generation.json"
    gen = json.loads(generation.read_text()) if generation.exists() else None
    lines = [
        "### Eligibility, street report and export at district scale (`bench/district.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        f"- Command: `.venv/bin/python bench/district.py --database {args.database} --samples {args.samples} --runs"
        f" {args.runs}`; each part in its own process, benchmark settings (`bench/bench_settings.py`), PostgreSQL 15"
        " on loopback.",
    ]
    if gen:
        counts = gen["counts"]
        lines.append(
            f"- Data: {counts['trainees']:,} trainees, {counts['courses_enrolment']:,} enrolments,"
            f" {counts['courses_lessonprogress']:,} lesson-progress rows, {counts['courses_coursecompletion']:,}"
            f" completions, {counts['credits_creditentry']:,} ledger rows, {counts['credits_certificate']:,} certificates."
        )
    e = results.get("eligibility")
    if e:
        lines += [
            "",
            f"**Eligibility** for 《{e['programme']}》, {args.samples:,} random trainees timed one by one"
            f" (`credits.selectors.eligibility_for`); load average at the start {loads['eligibility']}.",
            "",
            "| Variant | Median ms | p95 ms | Max ms | Queries per trainee | Met | Bar (≤ 20 ms) |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for label in ("requirements read each time", "requirements read once per programme"):
            r = e[label]
            verdict = "met" if r["p95"] <= 20 else "NOT met"
            lines.append(f"| {label} | {r['median']:.2f} | {r['p95']:.2f} | {r['max']:.2f} |"
                         f" {'/'.join(map(str, r['queries']))} | {r['met']:,} | {verdict} (p95) |")  # fmt: skip
    s = results.get("street_report")
    if s:
        total = max(s["rows"], key=lambda row: row["trainees"]) if s["rows"] else None
        lines += [
            "",
            f"**Qualification by street** for {s['street']}"
            + (f" ({total['trainees']:,} trainees of the largest post's party: {total['qualified']:,} qualified,"
               f" {total['requirements_met']:,} requirements met awaiting a certificate, {total['in_progress']:,} in progress)" if total else "")
            + f", {len(s['rows'])} post rows; {args.runs} runs; load average at the start {loads['street_report']}.",
            "",
            "| Measure | Median s | Best s | Queries | Bar (≤ 1 s) |",
            "|---|---:|---:|---:|---|",
            f"| `reports.qualification_by_street` (one street) | {s['selector']['median']:.3f} | {s['selector']['best']:.3f}"
            f" | {s['selector']['queries']} | {'met' if s['selector']['median'] <= 1 else 'NOT met'} |",
            f"| Admin report page filtered to the street (HTML) | {s['page']['median']:.3f} | {s['page']['best']:.3f} |"
            f" {s['page']['queries']} | {'met' if s['page']['median'] <= 1 else 'NOT met'} |",
        ]  # fmt: skip
    x = results.get("export")
    if x:
        lines += [
            "",
            f"**District export** (三方学院 › 学员 › Download as a registrar, {x['rows']:,} rows, streamed and dropped);"
            f" load average at the start {loads['export']}. Max RSS of the process before the exports (Django loaded,"
            f" one listing page served): {x['rss_before']:.0f} MiB.",
            "",
            "| Format | Time s | Size MiB | Chunks | Max RSS after MiB | Peak Python allocations MiB | Bar (RSS ≤ 300 MB) |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for fmt in ("csv", "xlsx"):
            r = x[fmt]
            lines.append(f"| {fmt.upper()} | {r['seconds']:.1f} | {r['mib']:.1f} | {r['chunks']:,} | {r['rss']:.0f} |"
                         f" {r['traced']:.1f} | {'met' if r['rss'] * 2**20 <= 300e6 else 'NOT met'} |")  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="academy_bench")
    parser.add_argument("--port", type=int, default=pg.DEFAULT_PORT)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--part", choices=sorted(PARTS), help="run one part in this process and print JSON")
    args = parser.parse_args()
    if args.part:
        setup_django(site_env(args.database, args.port))
        print(json.dumps(PARTS[args.part](args), ensure_ascii=False))
        return 0
    pg.start(args.port)
    results, loads = {}, {}
    for part in PARTS:
        loads[part] = load()
        command = [sys.executable, __file__, "--part", part, "--database", args.database, "--port", str(args.port),
                   "--samples", str(args.samples), "--runs", str(args.runs)]  # fmt: skip
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
        results[part] = json.loads(output.strip().splitlines()[-1])
        print(part, json.dumps(results[part], ensure_ascii=False)[:400])
    print(write_section(report(args, results, loads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

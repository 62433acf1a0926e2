"""One trainee's eligibility for one programme at 100,000 trainees and 1,000,000 ledger rows.

Builds a throwaway SQLite database in a temporary directory (migrations, then bulk inserts), picks trainees at
random and times ``credits.selectors.eligibility_for`` for each, counting its queries. The bar (DESIGN.md):
≤ 20 ms per trainee. The production issue moves this to PostgreSQL.

    .venv/bin/python bench/eligibility.py [--trainees 100000] [--entries 1000000] [--samples 2000]

Results are written to docs/performance.md (the section between the credits markers is replaced).
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
import world  # noqa: E402

START, END = "<!-- credits:eligibility:start -->", "<!-- credits:eligibility:end -->"


def build(trainees: int, entries: int, rng: random.Random) -> dict:
    """``trainees`` trainees (no street), ``entries`` ledger rows spread over random trainees, four completions for
    every second trainee, and the programme (see bench/world.py)."""
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.perf_counter()
    world.migrate()
    migrated = time.perf_counter()
    catalogue = world.catalogue_and_programme()
    now = timezone.now().isoformat(sep=" ")
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        world.insert_trainees(cursor, trainees, now=now)
        users_done = time.perf_counter()
        picked = (rng.randrange(trainees) for _ in range(entries))
        world.insert_ledger(cursor, picked, competency_ids=catalogue["competency_ids"], rng=rng, today=today, now=now)
        ledger_done = time.perf_counter()
        world.insert_completions(cursor, trainees, course_ids=catalogue["course_ids"], rng=rng, now=now)
    cursor_done = time.perf_counter()
    world.analyse()
    return {
        "programme": catalogue["programme"],
        "first_user": world.FIRST_TRAINEE_ID,
        "timings": {
            "migrate": migrated - started,
            "trainees": users_done - migrated,
            "ledger": ledger_done - users_done,
            "completions": cursor_done - ledger_done,
        },
    }


def measure(built: dict, trainees: int, samples: int, rng: random.Random) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from academy.models import User
    from credits import selectors

    programme = built["programme"]
    ids = [built["first_user"] + rng.randrange(trainees) for _ in range(samples)]
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    results = {}
    for label, cached in (("requirements read each time", False), ("requirements read once per programme", True)):
        requirements = selectors.programme_requirements(programme) if cached else None
        times, queries, met = [], set(), 0
        for pk in ids:
            user = users[pk]
            reset_queries()  # the captured log is a bounded deque: keep it short so counts stay exact
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                result = selectors.eligibility_for(trainee=user, programme=programme, requirements=requirements)
                times.append((time.perf_counter() - start) * 1000)
            queries.add(len(captured))
            met += result.met
        times.sort()
        results[label] = {
            "median": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1],
            "max": times[-1],
            "queries": sorted(queries),
            "met": met,
        }
    return results


def write_report(args, built, results) -> str:
    timings = built["timings"]
    lines = [
        "## One trainee's eligibility for one programme (`bench/eligibility.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {world.machine()}",
        f"- Data: SQLite file in a temp directory; {args.trainees:,} trainees, {args.entries:,} ledger rows spread over "
        f"five competencies and about four years, {args.trainees // 2 * 4:,} course completions; programme with five "
        "competency minimums, three required courses, offline hours and a 24-month window.",
        f"- Generation: migrate {timings['migrate']:.1f} s, trainees {timings['trainees']:.1f} s, ledger "
        f"{timings['ledger']:.1f} s, completions {timings['completions']:.1f} s.",
        f"- Sample: {args.samples:,} random trainees, timed one by one (`credits.selectors.eligibility_for`).",
        "",
        "| Variant | Median ms | p95 ms | Max ms | Queries per trainee | Bar (≤ 20 ms) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, r in results.items():
        verdict = "met" if r["p95"] <= 20 else "NOT met"
        queries = "/".join(str(q) for q in r["queries"])
        lines.append(f"| {label} | {r['median']:.2f} | {r['p95']:.2f} | {r['max']:.2f} | {queries} | {verdict} (p95) |")
    lines.append("")
    return world.write_section(START, END, lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-eligibility-") as tmp:
        world.setup_django(Path(tmp) / "bench.sqlite3")
        built = build(args.trainees, args.entries, rng)
        results = measure(built, args.trainees, args.samples, rng)
    print(write_report(args, built, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

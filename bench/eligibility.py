"""One trainee's eligibility for one programme at 100,000 trainees and 1,000,000 ledger rows.

Builds a throwaway SQLite database in a temporary directory (migrations, then bulk inserts), picks trainees at
random and times ``credits.selectors.eligibility_for`` for each, counting its queries. The bar (DESIGN.md):
≤ 20 ms per trainee. The production issue moves this to PostgreSQL.

    .venv/bin/python bench/eligibility.py [--trainees 100000] [--entries 1000000] [--samples 2000]

Results are written to docs/performance.md (the section between the credits markers is replaced).
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- credits:eligibility:start -->", "<!-- credits:eligibility:end -->"
BATCH = 20_000


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.conf import settings

    # test.py inherits base.py's DATABASES, which read DATABASE_URL; make sure it is the temp file.
    assert str(settings.DATABASES["default"]["NAME"]) == str(db_path), settings.DATABASES["default"]["NAME"]


def build(trainees: int, entries: int, rng: random.Random) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Site

    from courses.models import Competency, CourseIndexPage, CoursePage
    from credits.models import ProgrammeCompetencyMinimum, ProgrammeIndexPage, ProgrammePage, ProgrammeRequiredCourse

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()

    root = Site.objects.get(is_default_site=True).root_page
    codes = [("DJ", "党建引领"), ("ZZ", "组织管理"), ("FG", "法规运用"), ("MD", "矛盾调处"), ("FW", "服务提升")]
    competencies = [Competency.objects.create(code=code, name=name, order=i) for i, (code, name) in enumerate(codes)]
    catalogue = root.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
    courses = []
    for competency in competencies:
        for n in range(1, 5):
            courses.append(
                catalogue.add_child(
                    instance=CoursePage(
                        title=f"{competency.name}课程{n}", slug=f"{competency.code.lower()}-{n:02d}",
                        code=f"{competency.code}-{n:02d}", competency=competency, audiences=["rc"],
                        delivery_mode="blended" if n == 4 else "online", credits=Decimal("1.5"),
                        hours=Decimal("3.0"), summary="基准测试课程",
                    )
                )
            )  # fmt: skip
    index = root.add_child(instance=ProgrammeIndexPage(title="培训项目", slug="programmes"))
    programme = ProgrammePage(
        title="小区专员岗前培训", slug="community-specialist", party="rc", total_credits=Decimal("12.0"),
        min_offline_hours=Decimal("4.0"), window_months=24,
    )  # fmt: skip
    programme.competency_minimums = [
        ProgrammeCompetencyMinimum(competency=competency, credits=Decimal("2.0")) for competency in competencies
    ]
    programme.required_courses = [ProgrammeRequiredCourse(course=course) for course in courses[::4][:3]]
    index.add_child(instance=programme)

    now = timezone.now().isoformat(sep=" ")
    today = timezone.localdate()
    competency_ids = [competency.pk for competency in competencies]
    course_ids = [course.pk for course in courses]
    with transaction.atomic(), connection.cursor() as cursor:
        first_user = 1_000_000
        rows = (
            (first_user + i, "!", 0, f"bench{i}", "", "", "", 0, 1, now, f"+86139{i:08d}", 1, f"学员{i}", "rc", "", "", "")
            for i in range(trainees)
        )
        sql = (
            "INSERT INTO academy_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, phone, phone_verified, real_name, party, organisation, compound, job_title) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        _insert(cursor, sql, rows)
        users_done = time.perf_counter()
        amounts = ["0.5", "1.0", "1.5", "2.0"]
        ledger = (
            (
                first_user + rng.randrange(trainees), rng.choice(competency_ids), rng.choice(amounts), "import",
                (today - datetime.timedelta(days=rng.randrange(0, 1500))).isoformat(), now, "基准导入",
            )
            for _ in range(entries)
        )  # fmt: skip
        _insert(
            cursor,
            "INSERT INTO credits_creditentry (trainee_id, competency_id, amount, kind, earned_on, recorded_at, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            ledger,
        )
        ledger_done = time.perf_counter()
        completions = (
            (first_user + user, course, now)
            for user in range(0, trainees, 2)
            for course in rng.sample(course_ids, 4)
        )
        _insert(
            cursor,
            "INSERT INTO courses_coursecompletion (user_id, course_id, completed_at) VALUES (%s, %s, %s)",
            completions,
        )
    cursor_done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "programme": ProgrammePage.objects.get(pk=programme.pk),
        "first_user": first_user,
        "timings": {
            "migrate": migrated - started,
            "trainees": users_done - migrated,
            "ledger": ledger_done - users_done,
            "completions": cursor_done - ledger_done,
        },
    }


def _insert(cursor, sql: str, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def measure(world: dict, trainees: int, samples: int, rng: random.Random) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from academy.models import User
    from credits import selectors

    programme = world["programme"]
    ids = [world["first_user"] + rng.randrange(trainees) for _ in range(samples)]
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


def write_report(args, world, results) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    timings = world["timings"]
    lines = [
        START,
        "## One trainee's eligibility for one programme (`bench/eligibility.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}",
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
    lines += ["", END]
    section = "\n".join(lines)
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-eligibility-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        world = build(args.trainees, args.entries, rng)
        results = measure(world, args.trainees, args.samples, rng)
    print(write_report(args, world, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

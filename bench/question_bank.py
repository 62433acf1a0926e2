"""The question bank at scale: draw and score papers through the real services, then compute the item analysis
over 100,000 submitted attempts. Run by hand (never by ``make test``):

    .venv/bin/python bench/question_bank.py [--attempts 100000] [--questions 400] [--paper 10] [--sample 300]
    .venv/bin/python bench/question_bank.py --pg academy_question_bank        # PostgreSQL: the bench cluster (bench/pg.py)
    scripts/with-postgres-redis.sh .venv/bin/python bench/question_bank.py   # PostgreSQL: its DATABASE_URL
    … --backfill        # afterwards, time the migration that backfills the chosen options (see ``backfill``)
    … --backfill-only   # only that, on a database a previous run filled (DATABASE_URL or --pg, not recreated)

Builds a throwaway SQLite database in a temporary directory unless DATABASE_URL or ``--pg`` is given (that database
is migrated and filled: never point it at real data; ``--pg`` drops and recreates it). Steps:

1. A bank of ``--questions`` live questions (easy / medium / hard, single, multiple, true-or-false and blanks) and a
   blueprint drawing ``--paper`` of them at random for one course quiz.
2. ``--sample`` trainees each open the quiz (``services.paper_open``: one drawn paper) and submit it
   (``courses.services.quiz_attempt_submit``: scored on the server, item responses recorded): time per draw and per
   score, medians and 95th percentiles.
3. Simulated trainees fill the database up to ``--attempts`` submitted attempts in bulk (``simulation.PaperSimulator``:
   the same draw, score and recording rules, thousands per transaction).
4. ``itemanalysis.queries.item_analysis()`` over all attempts, timed (best of three), then once more under
   tracemalloc for its peak Python memory; the Excel download built from it is timed too.

Results are written to docs/performance.md: a SQLite run replaces the section between the question-bank markers, a
PostgreSQL run the sub-section between the question-bank-pg markers that follows it.
"""

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- question-bank:start -->", "<!-- question-bank:end -->"
PG_START, PG_END = "<!-- question-bank-pg:start -->", "<!-- question-bank-pg:end -->"
SEED = 20261207
STARTED = time.monotonic()


def setup_django(tmp: Path) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.test"
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    django.setup()
    from django.db import connection

    return connection.vendor


def build_bank(questions: int, paper: int):
    from assessments.choices import Difficulty, QuestionStatus, QuestionType
    from assessments.models import BankOption, BankQuestion, Blueprint, BlueprintPool
    from tests.courses.factories import make_course

    course = make_course(code="FG-01", title="物业服务合同", max_attempts=32000, pass_mark=60, questions=3)
    rng = random.Random(SEED)  # noqa: S311
    kinds = (
        [QuestionType.SINGLE] * 6 + [QuestionType.MULTIPLE] * 2 + [QuestionType.TRUE_FALSE] + [QuestionType.FILL_BLANK]
    )
    made = BankQuestion.objects.bulk_create(
        BankQuestion(
            competency=course.competency,
            kind=kinds[n % len(kinds)],
            text=f"第{n + 1}题：物业服务合同终止后，原物业服务人应当怎样做？",
            difficulty=rng.choice(Difficulty.values),
            explanation="《民法典》第九百四十九条。",
            status=QuestionStatus.LIVE,
            accepted_answers="成本" if kinds[n % len(kinds)] == QuestionType.FILL_BLANK else "",
        )
        for n in range(questions)
    )
    options = []
    for question in made:
        if question.kind == QuestionType.FILL_BLANK:
            continue
        count = 2 if question.kind == QuestionType.TRUE_FALSE else 4
        right = {rng.randrange(count)} if question.kind != QuestionType.MULTIPLE else set(rng.sample(range(4), 2))
        options += [
            BankOption(question=question, text=f"选项{index + 1}", correct=index in right, sort_order=index)
            for index in range(count)
        ]
    BankOption.objects.bulk_create(options)
    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=paper)
    return course


def real_path(course, sample: int) -> dict:
    """Draw and score through the services a trainee's request goes through."""
    from assessments import services
    from assessments.models import Paper
    from courses import services as course_services
    from tests.factories import UserFactory

    rng = random.Random(SEED + 1)  # noqa: S311
    draws, scores = [], []
    for _ in range(sample):
        trainee = UserFactory()
        course_services.enrolment_create(user=trainee, course=course)
        started = time.perf_counter()
        paper = services.paper_open(user=trainee, quiz=course.quiz)
        draws.append(time.perf_counter() - started)
        answers = {}
        for token, entry in paper.key.items():
            if entry["kind"] == "blank":
                answers[token] = [rng.choice(["成本", "费用"])]
            else:
                answers[token] = [rng.choice(list(entry["options"]))]
        started = time.perf_counter()
        course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
        scores.append(time.perf_counter() - started)
    assert Paper.objects.filter(attempt__isnull=False).count() == sample
    return {"draws": draws, "scores": scores}


def fill(course, attempts: int, done: int) -> float:
    """Simulated attempts up to ``attempts`` in all; returns the seconds it took."""
    from academy.models import User
    from assessments.simulation import PaperSimulator

    rng = random.Random(SEED + 2)  # noqa: S311
    per_trainee = 50
    trainees = User.objects.bulk_create(
        User(username=f"bench-sim-{n}", real_name=f"模拟{n}", is_active=False)
        for n in range((attempts - done) // per_trainee + 1)
    )
    abilities = [rng.gauss(0, 1) for _ in trainees]
    simulator = PaperSimulator(quiz=course.quiz, rng=rng)
    queue = [
        (user, ability, number)
        for number in range(1, per_trainee + 1)
        for user, ability in zip(trainees, abilities, strict=True)
    ]
    queue = queue[: attempts - done]
    started = time.perf_counter()
    for start in range(0, len(queue), 2000):
        simulator.submit(queue[start : start + 2000])
        print(f"  {done + start + 2000:>7} attempts", end="\r", flush=True)
    print()
    return time.perf_counter() - started


def analyse() -> dict:
    from academy.spreadsheets import workbook_sheets_bytes
    from assessments.itemanalysis import queries
    from assessments.itemanalysis.views import _sheets

    times = []
    for _ in range(3):
        started = time.perf_counter()
        analysis = queries.item_analysis()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    queries.item_analysis()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    content = workbook_sheets_bytes(_sheets(analysis))
    export = time.perf_counter() - started
    (paper,) = analysis.blueprints
    return {
        "times": times,
        "peak": peak,
        "export": export,
        "export_bytes": len(content),
        "items": len(analysis.items),
        "attempts": paper.attempts,
        "kr20": paper.kr20,
        "flagged": sum(1 for item in analysis.items if item.flags),
    }


def _backend_peak_kib(cursor) -> int | None:
    """Peak resident memory (VmHWM) of this connection's PostgreSQL backend, shared buffers it touched included."""
    cursor.execute("SELECT pg_backend_pid()")
    try:
        status = Path(f"/proc/{cursor.fetchone()[0]}/status").read_text()
    except OSError:  # the server runs on another machine
        return None
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))


def backfill() -> dict:
    """Time the migrations that give chosen options their response's quiz, score and size, over the filled database.

    The values the services wrote when the attempts were submitted are kept aside; the app is migrated back to
    ``0008_item_analysis_covering_indexes`` (which drops the copied columns, keeping every response and choice), then
    forward through ``0009_item_choice_paper_copy`` (the backfill) and ``0010`` (NOT NULL and the index), each timed
    on a fresh connection; then one query counts the choices whose backfilled values differ from the written ones."""
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        # Kept for a later --backfill-only run (which may find the app already migrated back, the columns gone).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_choice_written AS "
            "SELECT id, quiz_id, paper_score, paper_size FROM assessments_itemchoice"
        )
        cursor.execute("SELECT count(*) FROM bench_choice_written")
        (rows,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM assessments_itemresponse")
        (responses,) = cursor.fetchone()
    call_command("migrate", "assessments", "0008", verbosity=0)
    steps = {}
    for target in ("0009", "0010"):
        connection.close()
        in_database = [0.0]

        def timed(execute, sql, params, many, context, in_database=in_database):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_database[0] += time.perf_counter() - began

        tracemalloc.start()
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            call_command("migrate", "assessments", target, verbosity=0)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        with connection.cursor() as cursor:
            backend = _backend_peak_kib(cursor) if connection.vendor == "postgresql" else None
        steps[target] = {
            "seconds": seconds,
            "in_database": in_database[0],
            "python_peak": peak,
            "backend_peak_kib": backend,
        }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM bench_choice_written w LEFT JOIN assessments_itemchoice c ON c.id = w.id "
            "WHERE c.id IS NULL OR c.quiz_id IS NULL OR c.quiz_id <> w.quiz_id "
            "OR c.paper_score <> w.paper_score OR c.paper_size <> w.paper_size"
        )
        (differing,) = cursor.fetchone()
    return {"choices": rows, "responses": responses, "differing": differing, "steps": steps}


def describe_backfill(result: dict) -> str:
    lines = [
        f"{result['choices']:,} chosen options of {result['responses']:,} item responses; "
        f"{result['differing']} differ from the values written at submission"
    ]
    for target, step in result["steps"].items():
        backend = step["backend_peak_kib"]
        lines.append(
            f"  migrate assessments {target}: {step['seconds']:.1f} s ({step['in_database']:.2f} s in SQL), Python peak {step['python_peak'] / 2**20:.1f} MiB"
            + (f", PostgreSQL backend peak RSS {backend / 1024:.0f} MiB" if backend else "")
        )
    lines.append("  load average " + " / ".join(f"{value:.1f}" for value in os.getloadavg()))
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} CPUs, {memory:.1f} GiB RAM, Linux {platform.release()}, Python {platform.python_version()}"


def database_label(vendor: str) -> str:
    from django.db import connection

    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000} on loopback"
    return f"{vendor} (a file in a temp directory)" if vendor == "sqlite" else vendor


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def write(results: dict, *, vendor: str, args) -> str:
    draws, scores = results["real"]["draws"], results["real"]["scores"]
    analysis = results["analysis"]
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    quantile = lambda values: statistics.quantiles(values, n=20)[-1]  # noqa: E731
    postgres = vendor == "postgresql"
    start, end = (PG_START, PG_END) if postgres else (START, END)
    heading = "### On PostgreSQL" if postgres else "## Question bank: draw, score and item analysis at 100,000 attempts"
    section = f"""{start}
{heading} (`bench/question_bank.py`)

- Date: {results["date"]}
- Machine: {machine()}
- Load average when the run ended: {load} (1/5/15 min; other work on the machine inflates these times)
- Database: {database_label(vendor)}; a bank of {args.questions} live questions,
  one blueprint drawing {args.paper} at random; {analysis["attempts"]:,} submitted attempts in all
  ({args.sample} through the services, the rest simulated in bulk with the same rules).

| Measure | Value |
|---|---:|
| Draw a paper (`services.paper_open`), median / 95th percentile of {args.sample} | {ms(statistics.median(draws))} / {ms(quantile(draws))} |
| Score a paper and record its item responses (`quiz_attempt_submit`), median / 95th percentile | {ms(statistics.median(scores))} / {ms(quantile(scores))} |
| Simulated attempts written in bulk (draw, answer, score, record; 2,000 a transaction) | {results["fill"]:.0f} s ({results["fill"] * 1e6 / max(analysis["attempts"] - args.sample, 1):.0f} µs an attempt) |
| Item analysis over all attempts (`itemanalysis.queries.item_analysis`, best of 3; runs {", ".join(f"{t:.2f}" for t in analysis["times"])} s) | {min(analysis["times"]):.2f} s |
| Peak Python memory of the item analysis (tracemalloc) | {analysis["peak"] / 2**20:.1f} MiB |
| Excel download built from it ({analysis["items"]} questions, three sheets, {analysis["export_bytes"] / 1024:.0f} KiB) | {analysis["export"]:.2f} s |
| Process peak resident memory (whole run, including the bulk fill) | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB |
| CPU time of the benchmark process, whole run (against its wall time, it shows how much the machine's load took) | {usage.ru_utime + usage.ru_stime:.0f} s of {time.monotonic() - STARTED:.0f} s |
| KR-20 of the simulated papers / questions flagged | {analysis["kr20"]:.2f} / {analysis["flagged"]} |

The analysis is nine aggregate queries whatever the number of attempts, each reading a covering index: the
per-question sums, the per-attempt sums for KR-20 (one row an attempt: right answers − Σp of its questions, no pairs
of questions) and the count of chosen options (the choices carry their response's quiz, score and size, so no join).
The Python side holds one row per question and per option, never one per attempt, so its memory does not grow with
the attempts.

{end}"""
    text = REPORT.read_text(encoding="utf-8")
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    elif postgres and END in text:  # the PostgreSQL figures go right after the SQLite ones, in the same section
        cut = text.index(END) + len(END)
        text = text[:cut] + "\n\n" + section + text[cut:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--paper", type=int, default=10)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print the results without touching the docs")
    parser.add_argument("--pg", metavar="DATABASE", help="a database of the bench PostgreSQL cluster (bench/pg.py)")
    parser.add_argument("--backfill", action="store_true", help="then time the choice backfill migration")
    parser.add_argument("--backfill-only", action="store_true", help="only that, on an already filled database")
    args = parser.parse_args()
    if args.pg:
        sys.path.insert(0, str(ROOT / "bench"))
        import pg

        pg.start()
        exists = pg.database_exists(args.pg)
        url = pg.database_url(args.pg) if args.backfill_only and exists else pg.create_database(args.pg)
        os.environ["DATABASE_URL"] = url
    with tempfile.TemporaryDirectory() as tmp:
        vendor = setup_django(Path(tmp))
        from django.core.management import call_command

        if args.backfill_only:
            print(describe_backfill(backfill()))
            return
        call_command("migrate", verbosity=0)
        print("bank…", flush=True)
        course = build_bank(args.questions, args.paper)
        print(f"{args.sample} papers through the services…", flush=True)
        real = real_path(course, args.sample)
        print(f"filling to {args.attempts:,} attempts…", flush=True)
        filled = fill(course, args.attempts, args.sample)
        print("item analysis…", flush=True)
        analysis = analyse()
        results = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "real": real,
            "fill": filled,
            "analysis": analysis,
        }
        section = write(results, vendor=vendor, args=args) if not args.no_write else ""
        print(section or results)
        if args.backfill:
            print(describe_backfill(backfill()))


if __name__ == "__main__":
    main()

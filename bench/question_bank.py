"""The question bank at scale: draw and score papers through the real services, then compute the item analysis
over 100,000 submitted attempts. Run by hand (never by ``make test``):

    .venv/bin/python bench/question_bank.py [--attempts 100000] [--questions 400] [--paper 10] [--sample 300]
    DATABASE_URL=postgres://…/throwaway .venv/bin/python bench/question_bank.py   # PostgreSQL (a throwaway database)

Builds a throwaway SQLite database in a temporary directory unless DATABASE_URL is given (that database is migrated
and filled: never point it at real data). Steps:

1. A bank of ``--questions`` live questions (easy / medium / hard, single, multiple, true-or-false and blanks) and a
   blueprint drawing ``--paper`` of them at random for one course quiz.
2. ``--sample`` trainees each open the quiz (``services.paper_open``: one drawn paper) and submit it
   (``courses.services.quiz_attempt_submit``: scored on the server, item responses recorded): time per draw and per
   score, medians and 95th percentiles.
3. Simulated trainees fill the database up to ``--attempts`` submitted attempts in bulk (``simulation.PaperSimulator``:
   the same draw, score and recording rules, thousands per transaction).
4. ``itemanalysis.queries.item_analysis()`` over all attempts, timed (best of three), then once more under
   tracemalloc for its peak Python memory; the Excel download built from it is timed too.

Results are written to docs/performance.md (the section between the question-bank markers is replaced).
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
SEED = 20261207


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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def write(results: dict, *, vendor: str, args) -> str:
    draws, scores = results["real"]["draws"], results["real"]["scores"]
    analysis = results["analysis"]
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    quantile = lambda values: statistics.quantiles(values, n=20)[-1]  # noqa: E731
    section = f"""{START}
## Question bank: draw, score and item analysis at 100,000 attempts (`bench/question_bank.py`)

- Date: {results["date"]}
- Machine: {machine()}
- Load average when the run ended: {load} (1/5/15 min; other work on the machine inflates these times)
- Database: {vendor}{" (a file in a temp directory)" if vendor == "sqlite" else ""}; a bank of {args.questions} live questions,
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
| KR-20 of the simulated papers / questions flagged | {analysis["kr20"]:.2f} / {analysis["flagged"]} |

The analysis is nine aggregate queries whatever the number of attempts, each reading a covering index: the
per-question sums, the per-attempt sums for KR-20 (one row an attempt: right answers − Σp of its questions, no pairs
of questions) and the count of chosen options (the choices carry their response's quiz, score and size, so no join).
The Python side holds one row per question and per option, never one per attempt, so its memory does not grow with
the attempts.

{END}"""
    text = REPORT.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vendor = setup_django(Path(tmp))
        from django.core.management import call_command

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


if __name__ == "__main__":
    main()

"""50 simulated trainees against gunicorn on loopback on PostgreSQL, end to end, then credits == completions.

1. prepares the scenario on the district database (bench/district_data.py): 50 trainees who can log in, the
   online courses with their lessons and quiz answers, 500 certificate codes to verify. Lessons ask for minutes
   of time on task (heartbeats); a benchmark cannot wait that long, so each simulated trainee's time on every
   lesson is credited in advance (LessonTime rows), as if they had read the lessons before;
2. starts gunicorn (``academy.wsgi``, benchmark settings: production with plain-HTTP cookies) on 127.0.0.1;
3. runs locust headless (bench/locustfile.py) and reads its p50, p95 and failures;
4. checks that ledger rows of kind ``course`` equal course completions of courses that carry credits, for the
   whole database and for the completions made during the run, with no duplicate award.

    .venv/bin/python bench/locust_run.py [--users 50] [--seconds 90] [--workers 4] [--port 55422]

Writes docs/performance.md (section district:locust). Exit status 1 when a bar is missed.
"""

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402
from district_data import FIRST_ID, TRAINEE_PASSWORD, collect_static, setup_django, site_env, workdir  # noqa: E402
from world import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- district:locust:start -->", "<!-- district:locust:end -->"
BIN = Path(sys.executable).parent


def prepare(users: int, path: Path) -> dict:
    """Write the scenario file and credit time on task; return the counts the check starts from."""
    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from academy.models import User
    from courses import selectors
    from courses.models import Competency, CoursePage, LessonTime
    from credits.models import Certificate

    trainees = list(User.objects.filter(pk__gte=FIRST_ID, pk__lt=FIRST_ID + users).order_by("pk"))
    courses = []
    for course in CoursePage.objects.live().filter(delivery_mode="online").order_by("path"):
        quiz = selectors.quiz_for(course)
        answers = {}
        if quiz is not None:
            # By text: a trainee sees options under tokens of their own attempt, so knowing the answers means
            # knowing which texts are right.
            texts = {(q["id"], o["id"]): o["text"] for q in selectors.quiz_public_questions(quiz) for o in q["options"]}
            answers = {spec.id: sorted(texts[(spec.id, option)] for option in spec.correct_option_ids)
                       for spec in selectors.quiz_question_specs(quiz)}  # fmt: skip
        lessons = [{"id": lesson.pk, "url": lesson.url, "seconds": lesson.required_seconds}
                   for lesson in course.get_lessons()]  # fmt: skip
        prerequisites = list(selectors.course_prerequisites(course).values_list("pk", flat=True))
        courses.append({"id": course.pk, "url": course.url, "audiences": list(course.audiences), "lessons": lessons,
                        "answers": answers, "prerequisites": prerequisites})  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        LessonTime.objects.bulk_create(
            [LessonTime(user=trainee, lesson_id=lesson["id"], course_id=course["id"], seconds=lesson["seconds"],
                        beats=lesson["seconds"] // 15 + 1, last_beat_at=now - datetime.timedelta(hours=1))
             for trainee in trainees for course in courses for lesson in course["lessons"]],
            ignore_conflicts=True,
            batch_size=5000,
        )  # fmt: skip
    # Sessions made here, as a login would make them: a login hashes the password (PBKDF2, Django's 1,000,000
    # iterations, about 0.5 s of CPU alone), and 50 of them at once would measure nothing but the hasher.
    sessions = []
    for trainee in trainees:
        session = SessionStore()
        session.update({SESSION_KEY: str(trainee.pk), BACKEND_SESSION_KEY: django_settings.AUTHENTICATION_BACKENDS[0],
                        HASH_SESSION_KEY: trainee.get_session_auth_hash()})  # fmt: skip
        session.create()
        sessions.append(session.session_key)
    codes = list(Certificate.objects.filter(status="valid").values_list("verification_code", flat=True)[:5000])
    scenario = {
        "password": TRAINEE_PASSWORD,
        "trainees": [
            {"phone": str(t.phone), "party": t.party, "session": key} for t, key in zip(trainees, sessions, strict=True)
        ],
        "courses": courses,
        "competencies": list(Competency.objects.values_list("code", flat=True)),
        "certificates": random.Random(5).sample(codes, min(500, len(codes))),
    }
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    return {"courses": len(courses), "lessons": sum(len(c["lessons"]) for c in courses), "users": len(trainees)}


def credits_check(since: datetime.datetime) -> dict:
    """Ledger rows of kind ``course`` against completions of courses that carry credits."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              (SELECT count(*) FROM courses_coursecompletion cc JOIN courses_coursepage c ON c.page_ptr_id = cc.course_id
                WHERE c.credits > 0),
              (SELECT count(*) FROM credits_creditentry WHERE kind = 'course'),
              (SELECT count(*) FROM courses_coursecompletion cc JOIN courses_coursepage c ON c.page_ptr_id = cc.course_id
                WHERE c.credits > 0 AND cc.completed_at >= %s),
              (SELECT count(*) FROM credits_creditentry WHERE kind = 'course' AND recorded_at >= %s),
              (SELECT count(*) FROM courses_coursecompletion cc JOIN courses_coursepage c ON c.page_ptr_id = cc.course_id
                WHERE c.credits > 0 AND NOT EXISTS (SELECT 1 FROM credits_creditentry e WHERE e.kind = 'course'
                AND e.trainee_id = cc.user_id AND e.course_id = cc.course_id)),
              (SELECT count(*) FROM (SELECT trainee_id, course_id FROM credits_creditentry WHERE kind = 'course'
                GROUP BY 1, 2 HAVING count(*) > 1) d)
            """,
            [since, since],
        )
        completions, ledger, new_completions, new_ledger, unpaid, duplicates = cursor.fetchone()
    return {"completions": completions, "ledger": ledger, "new_completions": new_completions,
            "new_ledger": new_ledger, "unpaid": unpaid, "duplicates": duplicates,
            "equal": completions == ledger and new_completions == new_ledger and not unpaid and not duplicates}  # fmt: skip


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_report(args, prepared, stats, check, loads) -> str:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    p50, p95 = float(total["50%"]), float(total["95%"])
    failures = int(total["Failure Count"])
    lines = [
        START,
        f"### Locust: {args.users} simulated trainees against gunicorn (`bench/locust_run.py`)",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; load average"
        f" (1/5/15) at the start {loads[0]}, at the end {loads[1]}. Locust, gunicorn and PostgreSQL share the"
        " machine's two cores with other work.",
        f"- Command: `.venv/bin/python bench/locust_run.py --users {args.users} --seconds {args.seconds} --workers"
        f" {args.workers}` (gunicorn `academy.wsgi`, {args.workers} sync workers, `bench/bench_settings.py`: production"
        " settings with plain-HTTP cookies on loopback, the login and verification rate limits raised because every"
        " simulated trainee shares 127.0.0.1; PostgreSQL district database of `bench/district_data.py`).",
        f"- Scenario (`bench/locustfile.py`): each trainee arrives logged in (a session made beforehand: 50 password"
        " logins at once measured only PBKDF2 — 40–50 s per login at load average 28 in a first run), then, 1–3 s apart, browses"
        f" the catalogue and course pages, opens 我的学分 and 我的学习, verifies certificates, and studies: enrols in"
        f" one of {prepared['courses']} online courses, opens and completes every lesson, passes its quiz. Time on"
        " task was credited in advance (the lessons ask for minutes of reading).",
        "",
        "| Request | Count | Failures | p50 ms | p95 ms | Requests/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in stats:
        lines.append(f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} |"
                     f" {float(row['50%']):.0f} | {float(row['95%']):.0f} | {float(row['Requests/s']):.1f} |")  # fmt: skip
    lines += [
        "",
        f"Bar: p95 ≤ 300 ms with no errors — p95 {p95:.0f} ms ({'met' if p95 <= 300 else 'NOT met'}), p50 {p50:.0f} ms,"
        f" {failures} failures ({'met' if failures == 0 else 'NOT met'}).",
        "",
        f"Credits after the run: {check['ledger']:,} ledger rows of kind `course` for {check['completions']:,}"
        f" completions of courses with credits; during the run {check['new_completions']:,} completions and"
        f" {check['new_ledger']:,} awards; completions without an award: {check['unpaid']}; trainee-course pairs"
        f" awarded twice: {check['duplicates']} — {'equal (met)' if check['equal'] else 'NOT equal (NOT met)'}.",
        END,
    ]
    section = "\n".join(lines)
    text = REPORT.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="academy_bench")
    parser.add_argument("--pg-port", type=int, default=pg.DEFAULT_PORT)
    parser.add_argument("--port", type=int, default=55422, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    pg.start(args.pg_port)
    env = site_env(args.database, args.pg_port)
    setup_django(env)
    work = workdir(args.pg_port)
    scenario = work / "locust-scenario.json"
    prepared = prepare(args.users, scenario)
    collect_static(env)
    from django.utils import timezone

    started_at = timezone.now()
    loads = [" / ".join(f"{x:.1f}" for x in os.getloadavg())]
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "academy.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    host = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(host + "/courses/", timeout=5).read()  # noqa: S310  (loopback)
                break
            except OSError:
                time.sleep(0.2)
        prefix = work / "locust"
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--users", str(args.users),
             "--spawn-rate", "10", "--run-time", f"{args.seconds}s", "--host", host, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            cwd=ROOT, env={**env, "BENCH_LOCUST_SCENARIO": str(scenario)}, check=True,
        )  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    loads.append(" / ".join(f"{x:.1f}" for x in os.getloadavg()))
    stats = read_stats(prefix)
    check = credits_check(started_at)
    print(write_report(args, prepared, stats, check, loads))
    total = next(row for row in stats if row["Name"] == "Aggregated")
    ok = float(total["95%"]) <= 300 and int(total["Failure Count"]) == 0 and check["equal"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""A district at full scale on PostgreSQL: 100,000 trainees in Gongshu's 18 streets and their learning history.

The database is migrated and given the demo catalogue (`manage.py seed_demo`: 60 courses, 117 lessons, quizzes,
programmes, posts, the 18 streets), then filled with psycopg COPY:

- trainees spread over the 18 Gongshu streets, parties mixed, every 997th named like a spreadsheet formula;
- enrolments in about 12 courses each; every lesson of a completed course done, the first few lessons of most others;
- course completions for about 60 % of enrolments, each with its ledger row (kind ``course``, the same
  ``source_key`` the award service writes) so that credits equal completions, plus imported and attendance rows;
- certificates for a random 20,000 trainees in the 小区专员 programme, numbered as the allocator does, the counter
  set past them. Every certificate row points at ONE shared PDF (rendered once for the first of them) instead
  of rendering 20,000 PDFs; PDF rendering is measured separately (bench/certificates.py).

The seeded catalogue is kept as a template database (``academy_seed``) so later runs skip migrate + seed_demo.

    .venv/bin/python bench/pg.py start
    .venv/bin/python bench/district_data.py [--trainees 100000] [--database academy_bench] [--fresh-seed]

Prints the row counts and the time of each step; bench/district.py and bench/locust_run.py read the database.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_TEMPLATE = "academy_seed"
GONGSHU = "拱墅区"
# Trainees with this password can log in (the locust scenario); the rest have unusable passwords.
TRAINEE_PASSWORD = "Bench-Trainee-2026"  # noqa: S105  (a throwaway benchmark database)
LOGIN_TRAINEES = 2000
FIRST_ID = 1_000_000
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = "晓明秀英建国美华志强丽娟文军海燕静敏伟芳"


def workdir(port: int = pg.DEFAULT_PORT) -> Path:
    """Media, private files and static files of the benchmark site, next to the cluster."""
    return Path(f"/tmp/bench-district-{port}")  # noqa: S108  (throwaway, next to the cluster)


def collect_static(env: dict) -> None:
    """Collect static files for a gunicorn run under production settings. Compressing every file takes minutes, so
    an existing manifest is reused, but only while it is newer than every source static file: a stale manifest lacks
    new files, and every page naming one then answers 500 (that failed every HTML request of a locust run)."""
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    sources = (path for app in ("academy", "home", "courses", "credits") for path in (ROOT / app / "static").rglob("*"))
    if manifest.exists() and all(path.stat().st_mtime < manifest.stat().st_mtime for path in sources):
        return
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def site_env(database: str, port: int = pg.DEFAULT_PORT) -> dict:
    """Environment for manage.py and gunicorn: production-like settings (bench/bench_settings.py) on PostgreSQL."""
    work = workdir(port)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": pg.database_url(database, port),
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "LOG_LEVEL": "WARNING",
        # One client address for every simulated trainee: the per-address verification limit would refuse them.
        "CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE": "100000",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def seed_template(port: int, fresh: bool) -> float:
    """Migrate a database and seed the demo catalogue once; later runs clone it. Returns seconds spent."""
    if pg.database_exists(SEED_TEMPLATE, port) and not fresh:
        return 0.0
    started = time.perf_counter()
    pg.create_database(SEED_TEMPLATE, port)
    # Durability is pointless while seeding a throwaway template; the benchmark database gets the default back.
    pg.psql(f'ALTER DATABASE "{SEED_TEMPLATE}" SET synchronous_commit = off', port=port)
    env = site_env(SEED_TEMPLATE, port)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    return time.perf_counter() - started


def clone(database: str, port: int) -> str:
    pg.start(port)
    pg.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', port=port)
    pg.psql(f'CREATE DATABASE "{database}" TEMPLATE "{SEED_TEMPLATE}"', port=port)
    pg.psql(f'ALTER DATABASE "{database}" RESET synchronous_commit', port=port)
    return pg.database_url(database, port)


def _catalogue(cur) -> dict:
    """Ids the generated rows refer to, read from the seeded catalogue."""
    cur.execute("SELECT id FROM academy_district WHERE name = %s", [GONGSHU])
    district_id = cur.fetchone()[0]
    cur.execute('SELECT id FROM academy_street WHERE district_id = %s ORDER BY "order", id', [district_id])
    streets = [row[0] for row in cur.fetchall()]
    cur.execute(
        "SELECT c.page_ptr_id, c.competency_id, c.credits, c.code, p.title, p.path FROM courses_coursepage c "
        "JOIN wagtailcore_page p ON p.id = c.page_ptr_id WHERE p.live ORDER BY p.path"
    )
    courses = [
        {
            "id": cid,
            "competency": comp,
            "credits": credits,
            "note": f"{code} {title}"[:255],
            "path": path,
            "lessons": [],
        }
        for cid, comp, credits, code, title, path in cur.fetchall()
    ]
    by_path = {course["path"]: course for course in courses}
    cur.execute(
        "SELECT l.page_ptr_id, p.path, p.depth FROM courses_lessonpage l JOIN wagtailcore_page p ON p.id = l.page_ptr_id "
        "WHERE p.live ORDER BY p.path"
    )
    for lesson_id, path, _depth in cur.fetchall():
        parent = by_path.get(path[:-4])
        if parent is not None:
            parent["lessons"].append(lesson_id)
    cur.execute("SELECT DISTINCT course_id FROM courses_quiz")
    with_quiz = {row[0] for row in cur.fetchall()}
    for course in courses:
        course["quiz"] = course["id"] in with_quiz
    cur.execute('SELECT id FROM courses_competency ORDER BY "order", id')
    competencies = [row[0] for row in cur.fetchall()]
    cur.execute(
        "SELECT pp.page_ptr_id, p.title FROM credits_programmepage pp JOIN wagtailcore_page p ON p.id = pp.page_ptr_id "
        "ORDER BY p.path"
    )
    programmes = cur.fetchall()
    return {"streets": streets, "courses": courses, "competencies": competencies, "programmes": programmes}


def learning_history(trainee_ids, *, courses: list[dict], competencies: list[int], now: datetime.datetime,
                     rng: random.Random) -> tuple[list, list, list, list]:  # fmt: skip
    """Rows of enrolments, lesson progress, completions and ledger for the trainees (pure: no database).

    Each trainee enrols in 8–16 courses; about 60 % are completed, with every lesson done and, for a course that
    carries credits, exactly one ledger row keyed as the award service keys it; most others have their first few
    lessons done (never all of a course without a quiz, which would then be complete). One to five imported or attendance rows follow, over about four years.
    """
    today = now.date()
    enrolments, progress, completions, ledger = [], [], [], []
    for user in trainee_ids:
        for course in rng.sample(courses, min(len(courses), rng.randint(8, 16))):
            enrolled = now - datetime.timedelta(days=rng.randrange(30, 1100), minutes=rng.randrange(1440))
            enrolments.append((user, course["id"], enrolled))
            if rng.random() < 0.6:
                done = enrolled + datetime.timedelta(days=rng.randrange(1, 30))
                progress.extend((user, lesson, course["id"], done) for lesson in course["lessons"])
                completions.append((user, course["id"], done))
                if course["credits"]:
                    ledger.append((user, course["competency"], course["credits"], "course",
                                   f"course:{course['id']}:user:{user}", course["id"], done.date(), done, course["note"]))  # fmt: skip
            else:
                # Started but not finished: the first few lessons done, on successive days. All of them only where a
                # quiz is still to pass; without a quiz, the last lesson done would have completed the course.
                lessons = course["lessons"]
                started = len(lessons) if course["quiz"] else len(lessons) - 1
                if started >= 1 and rng.random() < 0.9:
                    progress.extend(
                        (user, lesson, course["id"], enrolled + datetime.timedelta(days=1 + n))
                        for n, lesson in enumerate(lessons[: rng.randint(1, started)])
                    )
        for n in range(rng.randint(1, 5)):
            earned = today - datetime.timedelta(days=rng.randrange(0, 1500))
            kind = "attendance" if n % 2 else "import"
            ledger.append((user, rng.choice(competencies), rng.choice(["0.5", "1.0", "1.5", "2.0"]), kind,
                           f"bench:{kind}:{user}:{n}", None, earned, now, "基准导入"))  # fmt: skip
    return enrolments, progress, completions, ledger


def generate(url: str, *, trainees: int, certificates: int, rng: random.Random) -> dict:
    """COPY the district into the cloned database; return row counts and seconds per step."""
    import psycopg
    from django.contrib.auth.hashers import make_password

    from credits.certificates.rules import certificate_number_format, verification_code_new

    counts, timings = {}, {}
    now = datetime.datetime.now(datetime.UTC)
    today = now.date()
    password = make_password(TRAINEE_PASSWORD)
    number_format = os.environ.get("CERTIFICATE_NUMBER_FORMAT", "拱三方证〔{year}〕第{serial:06d}号")
    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
        world = _catalogue(cur)
        streets, courses, competencies = world["streets"], world["courses"], world["competencies"]
        if len(streets) != 18 or len(courses) != 60:
            raise SystemExit(
                f"expected the demo catalogue (18 streets, 60 courses), found {len(streets)}, {len(courses)}"
            )

        step = time.perf_counter()
        parties = ["rc", "rc", "oc", "pc"]
        with cur.copy(
            "COPY academy_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
            " date_joined, phone, phone_verified, real_name, party, organisation, street_id, compound, job_title,"
            " elder_mode) FROM STDIN"
        ) as copy:
            for i in range(trainees):
                name = (
                    "=cmd|' /C calc'!A0" if i % 997 == 0 else SURNAMES[i % 20] + GIVEN[(i // 20) % 16] + GIVEN[i % 16]
                )
                copy.write_row((
                    FIRST_ID + i, password if i < LOGIN_TRAINEES else "!", False, f"bench{i}", "", "", "", False, True,
                    now - datetime.timedelta(days=rng.randrange(0, 1500)), f"+86158{i:08d}", True, name, parties[i % 4],
                    "某某物业服务有限公司" if i % 4 == 3 else "", streets[i % len(streets)], f"小区{i % 300:03d}", "", False,
                ))  # fmt: skip
        cur.execute("SELECT setval(pg_get_serial_sequence('academy_user', 'id'), (SELECT max(id) FROM academy_user))")
        counts["trainees"] = trainees
        timings["trainees"] = time.perf_counter() - step

        # Learning history, one trainee at a time so that every table stays consistent with the others.
        step = time.perf_counter()
        enrolments, progress, completions, ledger = learning_history(
            range(FIRST_ID, FIRST_ID + trainees), courses=courses, competencies=competencies, now=now, rng=rng
        )
        timings["history built in memory"] = time.perf_counter() - step

        for table, columns, rows in (
            ("courses_enrolment", "user_id, course_id, enrolled_at", enrolments),
            ("courses_lessonprogress", "user_id, lesson_id, course_id, completed_at", progress),
            ("courses_coursecompletion", "user_id, course_id, completed_at", completions),
            ("credits_creditentry", "trainee_id, competency_id, amount, kind, source_key, course_id, earned_on,"
             " recorded_at, note", ledger),
        ):  # fmt: skip
            step = time.perf_counter()
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608  (fixed names above)
                for row in rows:
                    copy.write_row(row)
            counts[table] = len(rows)
            timings[table] = time.perf_counter() - step
        del enrolments, progress, completions, ledger

        step = time.perf_counter()
        programme_id, programme_title = world["programmes"][0]
        cur.execute("SELECT id FROM academy_user WHERE is_superuser ORDER BY id LIMIT 1")
        issuer = cur.fetchone()
        year = today.year - 1
        holders = rng.sample(range(trainees), min(certificates, trainees))
        snapshot = json.dumps([{"competency": "党建引领", "code": "DJ", "credits": "3.0"}], ensure_ascii=False)
        with cur.copy(
            "COPY credits_certificate (holder_id, programme_id, number, verification_code, holder_name, programme_title,"
            " credits_snapshot, issued_on, valid_until, issued_by_id, status, revoked_reason, pdf, pdf_sha256,"
            " template_version, created_at) FROM STDIN"
        ) as copy:
            for serial, i in enumerate(holders, start=1):
                issued = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(0, 360))
                copy.write_row((
                    FIRST_ID + i, programme_id, certificate_number_format(number_format, year=year, serial=serial),
                    verification_code_new(), f"学员{i}", programme_title, snapshot, issued,
                    issued + datetime.timedelta(days=3 * 365), issuer[0] if issuer else None, "valid", "",
                    "certificates/bench/shared.pdf", "", "bench", now,
                ))  # fmt: skip
        cur.execute(
            "INSERT INTO credits_certificatenumbercounter (year, last_serial) VALUES (%s, %s) "
            "ON CONFLICT (year) DO UPDATE SET last_serial = GREATEST(credits_certificatenumbercounter.last_serial, "
            "EXCLUDED.last_serial)",
            [year, len(holders)],
        )
        counts["credits_certificate"] = len(holders)
        timings["credits_certificate"] = time.perf_counter() - step
        conn.commit()
    step = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    timings["vacuum analyze"] = time.perf_counter() - step
    return {"counts": counts, "timings": timings}


def shared_pdf() -> None:
    """Render the first generated certificate's PDF once and store it where every generated row points."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from credits.certificates import pdf as certificate_pdf
    from credits.certificates.selectors import certificate_settings
    from credits.models import Certificate

    first = Certificate.objects.filter(pdf="certificates/bench/shared.pdf").order_by("pk").first()
    if first is None:
        return
    data, digest = certificate_pdf.certificate_pdf(first, certificate_settings=certificate_settings())
    storage = storages["private"]
    if storage.exists(first.pdf.name):
        storage.delete(first.pdf.name)
    storage.save(first.pdf.name, ContentFile(data))
    Certificate.objects.filter(pdf=first.pdf.name).update(pdf_sha256=digest or hashlib.sha256(data).hexdigest())


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=20_000)
    parser.add_argument("--database", default="academy_bench")
    parser.add_argument("--port", type=int, default=pg.DEFAULT_PORT)
    parser.add_argument("--fresh-seed", action="store_true", help="migrate and seed the template again")
    args = parser.parse_args()
    started = time.perf_counter()
    pg.start(args.port)
    seeded = seed_template(args.port, args.fresh_seed)
    step = time.perf_counter()
    url = clone(args.database, args.port)
    cloned = time.perf_counter() - step
    setup_django(site_env(args.database, args.port))
    result = generate(url, trainees=args.trainees, certificates=args.certificates, rng=random.Random(2026))
    step = time.perf_counter()
    shared_pdf()
    result["timings"] = {"migrate + seed_demo (template)": seeded, "clone template": cloned, **result["timings"],
                         "shared certificate PDF": time.perf_counter() - step}  # fmt: skip
    result["total"] = time.perf_counter() - started
    for name, count in result["counts"].items():
        print(f"{name:32} {count:>12,}")
    for name, seconds in result["timings"].items():
        print(f"{name:32} {seconds:>10.1f} s")
    print(f"{'total':32} {result['total']:>10.1f} s   load {os.getloadavg()[0]:.2f}")
    (workdir(args.port) / "generation.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

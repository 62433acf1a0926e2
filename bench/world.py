"""The one data generator the benchmarks share: a throwaway SQLite database in a temporary directory, the five
competencies with four courses each, the community-specialist programme, and trainees, ledger rows and course
completions inserted in bulk with raw SQL (the ORM would take minutes for a million rows).

Used by bench/eligibility.py (trainees without streets) and bench/running_data.py (a district of streets, for
bench/street_report.py and bench/district_export.py)."""

import datetime
import os
import platform
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
BATCH = 20_000
FIRST_TRAINEE_ID = 1_000_000  # far above the ids the ORM hands out, so raw inserts never collide with them
COMPETENCIES = [("DJ", "党建引领"), ("ZZ", "组织管理"), ("FG", "法规运用"), ("MD", "矛盾调处"), ("FW", "服务提升")]
AMOUNTS = ["0.5", "1.0", "1.5", "2.0"]
LEDGER_DAYS = 1500  # ledger rows are spread over about four years


def setup_django(db_path: Path) -> None:
    """Point Django's test settings at a fresh SQLite file (DATABASE_URL) and set it up."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.conf import settings

    # test.py inherits base.py's DATABASES, which read DATABASE_URL; make sure it is the temp file.
    assert str(settings.DATABASES["default"]["NAME"]) == str(db_path), settings.DATABASES["default"]["NAME"]


def insert(cursor, sql: str, rows: Iterable[tuple]) -> None:
    """executemany in batches of ``BATCH`` rows, so a generator of millions of rows never sits in memory."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def catalogue_and_programme() -> dict:
    """Five competencies, four courses each (the fourth blended), and the programme 小区专员岗前培训: 12 credits,
    2 per competency, three required courses, 4 offline hours, a 24-month window."""
    from wagtail.models import Site

    from courses.models import Competency, CourseIndexPage, CoursePage
    from credits.models import ProgrammeCompetencyMinimum, ProgrammeIndexPage, ProgrammePage, ProgrammeRequiredCourse

    root = Site.objects.get(is_default_site=True).root_page
    competencies = [
        Competency.objects.create(code=code, name=name, order=i) for i, (code, name) in enumerate(COMPETENCIES)
    ]
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
        ProgrammeCompetencyMinimum(competency=c, credits=Decimal("2.0")) for c in competencies
    ]
    programme.required_courses = [ProgrammeRequiredCourse(course=course) for course in courses[::4][:3]]
    index.add_child(instance=programme)
    return {
        "competency_ids": [c.pk for c in competencies],
        "course_ids": [c.pk for c in courses],
        "programme": ProgrammePage.objects.get(pk=programme.pk),
    }


def insert_trainees(
    cursor,
    count: int,
    *,
    now: str,
    party: Callable[[int], str] = lambda i: "rc",
    name: Callable[[int], str] = lambda i: f"学员{i}",
    organisation: str = "",
    street_id: Callable[[int], int | None] = lambda i: None,
) -> None:
    """``count`` active trainees with ids from ``FIRST_TRAINEE_ID``, phones +86139…, no usable password. Every
    NOT NULL column without a database default is listed (raw SQL skips Django's defaults)."""
    insert(
        cursor,
        "INSERT INTO academy_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined, phone, phone_verified, real_name, party, organisation, compound, job_title, "
        "street_id, elder_mode) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            (FIRST_TRAINEE_ID + i, "!", 0, f"bench{i}", "", "", "", 0, 1, now, f"+86139{i:08d}", 1, name(i), party(i),
             organisation, "", "", street_id(i), 0)
            for i in range(count)
        ),
    )  # fmt: skip


def insert_ledger(
    cursor, trainee_indexes: Iterable[int], *, competency_ids, rng, today: datetime.date, now: str
) -> None:
    """One imported ledger row per trainee index given (repeat an index for more rows): a random competency and
    amount, earned on a random day of the last four years."""
    insert(
        cursor,
        "INSERT INTO credits_creditentry (trainee_id, competency_id, amount, kind, earned_on, recorded_at, note) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (
            (FIRST_TRAINEE_ID + t, rng.choice(competency_ids), rng.choice(AMOUNTS), "import",
             (today - datetime.timedelta(days=rng.randrange(0, LEDGER_DAYS))).isoformat(), now, "基准导入")
            for t in trainee_indexes
        ),
    )  # fmt: skip


def insert_completions(cursor, trainees: int, *, course_ids, rng, now: str) -> None:
    """Four random completed courses for every second trainee."""
    insert(
        cursor,
        "INSERT INTO courses_coursecompletion (user_id, course_id, completed_at) VALUES (%s, %s, %s)",
        ((FIRST_TRAINEE_ID + t, course, now) for t in range(0, trainees, 2) for course in rng.sample(course_ids, 4)),
    )


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def machine() -> str:
    """The machine a figure was measured on, for docs/performance.md: CPU model and count, RAM, kernel, Python."""
    cpu, ram = "unknown CPU", "RAM unknown"
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)  # fmt: skip
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 2**20:.1f} GiB RAM"
    except (OSError, IndexError, ValueError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {ram}, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}"
    )


def write_section(start: str, end: str, lines: list[str]) -> str:
    """Replace (or append) the section between the ``start`` and ``end`` markers of docs/performance.md."""
    section = "\n".join([start, *lines, end])
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    return section

"""Shared by bench/street_report.py and bench/district_export.py: a throwaway SQLite database with a district of
streets full of trainees, their ledger, completions and certificates, inserted in bulk."""

import datetime
import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
BATCH = 20_000


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.conf import settings

    assert str(settings.DATABASES["default"]["NAME"]) == str(db_path), settings.DATABASES["default"]["NAME"]


def _insert(cursor, sql: str, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def build(*, streets: int, per_street: int, entries_per_trainee: int, rng: random.Random) -> dict:
    """``streets`` streets of ``per_street`` trainees each (parties mixed), ``entries_per_trainee`` ledger rows each
    over four years, four completions for every second trainee, a certificate for one in ten; a programme with
    five competency minimums, three required courses and offline hours, and a post it qualifies for."""
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Site

    from academy.models import District, Street, User
    from academy.roles import REGISTRARS
    from courses.models import Competency, CourseIndexPage, CoursePage
    from credits.models import (
        Post,
        ProgrammeCompetencyMinimum,
        ProgrammeIndexPage,
        ProgrammePage,
        ProgrammeRequiredCourse,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    district = District.objects.create(name="拱墅区")
    street_rows = [Street.objects.create(district=district, name=f"街道{n:02d}", order=n) for n in range(streets)]
    root = Site.objects.get(is_default_site=True).root_page
    codes = [("DJ", "党建引领"), ("ZZ", "组织管理"), ("FG", "法规运用"), ("MD", "矛盾调处"), ("FW", "服务提升")]
    competencies = [Competency.objects.create(code=c, name=n, order=i) for i, (c, n) in enumerate(codes)]
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
    programme.competency_minimums = [ProgrammeCompetencyMinimum(competency=c, credits=Decimal("2.0")) for c in competencies]
    programme.required_courses = [ProgrammeRequiredCourse(course=course) for course in courses[::4][:3]]
    index.add_child(instance=programme)
    post = Post.objects.create(name="小区专员", slug="community-specialist", party="")
    post.programmes.add(programme)
    registrar = User.objects.create_user(username="registrar", phone="+8613000000000", password="x")  # noqa: S106
    registrars = Group.objects.get_or_create(name=REGISTRARS)[0]
    registrars.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    registrar.groups.add(registrars)

    now = timezone.now().isoformat(sep=" ")
    today = timezone.localdate()
    trainees = streets * per_street
    first = 1_000_000
    competency_ids = [c.pk for c in competencies]
    course_ids = [c.pk for c in courses]
    parties = ["rc", "rc", "oc", "pc"]
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(
            cursor,
            "INSERT INTO academy_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, phone, phone_verified, real_name, party, organisation, compound, job_title, "
            "street_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                (first + i, "!", 0, f"bench{i}", "", "", "", 0, 1, now, f"+86139{i:08d}", 1,
                 ("=cmd|' /C calc'!A0" if i % 997 == 0 else f"学员{i}"), parties[i % 4], "某某物业服务有限公司", "", "",
                 street_rows[i // per_street].pk)
                for i in range(trainees)
            ),
        )  # fmt: skip
        users_done = time.perf_counter()
        _insert(
            cursor,
            "INSERT INTO credits_creditentry (trainee_id, competency_id, amount, kind, earned_on, recorded_at, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                (first + t, rng.choice(competency_ids), rng.choice(["0.5", "1.0", "1.5", "2.0"]), "import",
                 (today - datetime.timedelta(days=rng.randrange(0, 1500))).isoformat(), now, "基准导入")
                for t in range(trainees)
                for _ in range(entries_per_trainee)
            ),
        )  # fmt: skip
        ledger_done = time.perf_counter()
        _insert(
            cursor,
            "INSERT INTO courses_coursecompletion (user_id, course_id, completed_at) VALUES (%s, %s, %s)",
            ((first + t, course, now) for t in range(0, trainees, 2) for course in rng.sample(course_ids, 4)),
        )
        _insert(
            cursor,
            "INSERT INTO credits_certificate (holder_id, programme_id, number, issued_on, valid_until, status, "
            "revoked_reason) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                (first + t, programme.pk, f"BENCH-{t}", (today - datetime.timedelta(days=300)).isoformat(),
                 (today + datetime.timedelta(days=rng.randrange(1, 800))).isoformat(), "valid", "")
                for t in range(0, trainees, 10)
            ),
        )  # fmt: skip
    done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "streets": street_rows,
        "registrar": User.objects.get(pk=registrar.pk),
        "trainees": trainees,
        "entries": trainees * entries_per_trainee,
        "timings": {"migrate": migrated - started, "trainees": users_done - migrated, "ledger": ledger_done - users_done,
                    "completions and certificates": done - ledger_done},
    }  # fmt: skip


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_section(start: str, end: str, lines: list[str]) -> str:
    section = "\n".join([start, *lines, end])
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text)
    return section

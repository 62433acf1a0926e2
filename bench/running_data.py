"""Shared by bench/street_report.py and bench/district_export.py: a throwaway SQLite district of streets full of
trainees, their ledger, completions and certificates, built with the generator in bench/world.py."""

import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import (  # noqa: E402
    FIRST_TRAINEE_ID,
    analyse,
    catalogue_and_programme,
    insert,
    insert_completions,
    insert_ledger,
    insert_trainees,
    machine,
    migrate,
    setup_django,
    write_section,
)

__all__ = ["build", "machine", "setup_django", "write_section"]

PARTIES = ["rc", "rc", "oc", "pc"]


def build(*, streets: int, per_street: int, entries_per_trainee: int, rng: random.Random) -> dict:
    """``streets`` streets of ``per_street`` trainees each (parties mixed), ``entries_per_trainee`` ledger rows each
    over four years, four completions for every second trainee, a certificate for one in ten; a programme with
    five competency minimums, three required courses and offline hours, and a post it qualifies for."""
    from django.contrib.auth.models import Group, Permission
    from django.db import connection, transaction
    from django.utils import timezone

    from academy.models import District, Street, User
    from academy.roles import REGISTRARS
    from credits.models import Post

    started = time.perf_counter()
    migrate()
    migrated = time.perf_counter()
    district = District.objects.create(name="拱墅区")
    street_rows = [Street.objects.create(district=district, name=f"街道{n:02d}", order=n) for n in range(streets)]
    catalogue = catalogue_and_programme()
    programme = catalogue["programme"]
    post = Post.objects.create(name="小区专员", slug="community-specialist", party="")
    post.programmes.add(programme)
    registrar = User.objects.create_user(username="registrar", phone="+8613000000000", password="x")  # noqa: S106
    registrars = Group.objects.get_or_create(name=REGISTRARS)[0]
    registrars.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    registrar.groups.add(registrars)

    now = timezone.now().isoformat(sep=" ")
    today = timezone.localdate()
    trainees = streets * per_street
    street_ids = [street.pk for street in street_rows]
    with transaction.atomic(), connection.cursor() as cursor:
        insert_trainees(
            cursor,
            trainees,
            now=now,
            party=lambda i: PARTIES[i % 4],
            # Every 997th name is a spreadsheet formula: exports must neutralise it.
            name=lambda i: "=cmd|' /C calc'!A0" if i % 997 == 0 else f"学员{i}",
            organisation="某某物业服务有限公司",
            street_id=lambda i: street_ids[i // per_street],
        )
        users_done = time.perf_counter()
        per_trainee = (t for t in range(trainees) for _ in range(entries_per_trainee))
        insert_ledger(cursor, per_trainee, competency_ids=catalogue["competency_ids"], rng=rng, today=today, now=now)
        ledger_done = time.perf_counter()
        insert_completions(cursor, trainees, course_ids=catalogue["course_ids"], rng=rng, now=now)
        # Every NOT NULL column without a database default is listed (raw SQL skips Django's defaults).
        insert(
            cursor,
            "INSERT INTO credits_certificate (holder_id, programme_id, number, verification_code, holder_name, "
            "programme_title, credits_snapshot, issued_on, valid_until, status, revoked_reason, pdf, pdf_sha256, "
            "template_version, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                (FIRST_TRAINEE_ID + t, programme.pk, f"BENCH-{t}", f"BENCH{t:011d}", f"学员{t}", programme.title, "[]",
                 (today - datetime.timedelta(days=300)).isoformat(),
                 (today + datetime.timedelta(days=rng.randrange(1, 800))).isoformat(), "valid", "", "", "", "", now)
                for t in range(0, trainees, 10)
            ),
        )  # fmt: skip
    done = time.perf_counter()
    analyse()
    return {
        "streets": street_rows,
        "registrar": User.objects.get(pk=registrar.pk),
        "trainees": trainees,
        "entries": trainees * entries_per_trainee,
        "timings": {"migrate": migrated - started, "trainees": users_done - migrated, "ledger": ledger_done - users_done,
                    "completions and certificates": done - ledger_done},
    }  # fmt: skip

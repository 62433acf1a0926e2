"""The "attendance by session" report: figures checked against a hand count, scoping to the street administrator's
street, filters, streamed formula-safe CSV and XLSX exports, and a constant number of queries per page."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import SessionAttendance, SessionRegistration
from credits.reports import queries
from tests.courses.factories import make_course, make_session
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db

URL = "academy_reports:attendance_by_session"


def held(course, *, days_ago: int, title: str, **kwargs):
    """A session that started ``days_ago`` days ago and lasted three hours."""
    start = timezone.now() - timedelta(days=days_ago)
    return make_session(
        course, starts_in=-timedelta(days=days_ago), title=title, hours=3,
        registration_opens=start - timedelta(days=14), registration_closes=start - timedelta(days=1), **kwargs,
    )  # fmt: skip


def register(session, *people, status="registered"):
    for position, person in enumerate(people, start=1):
        SessionRegistration.objects.create(
            session=session, user=person, status=status, position=position if status == "waitlisted" else None
        )


def attend(session, person, status="present"):
    SessionAttendance.objects.create(
        session=session, user=person, status=status, checked_in_at=session.start, method="manual"
    )


@pytest.fixture
def world(staff_groups):
    """Street A: a1…a6; street B: b1, b2.

    S1 (ended 10 days ago, 法规 course): places a1 a2 a3 b1, a4 waiting, a5 cancelled; attended a1, a2 (late), b1, and
    a6 added at the door without a place.
    S2 (in 5 days, 调处 course): places a1 b2.
    S4 (ended 40 days ago, 法规 course): places a1 a2 a3; attended a1.
    A cancelled and a draft session, which the report leaves out."""
    street_a, street_b = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    law = make_course(code="FG-09", title="物业法规现场课", lessons=0, quiz=False, delivery_mode="offline")
    mediation = make_course(code="MD-07", title="矛盾调处情景模拟", lessons=0, quiz=False, delivery_mode="blended")
    a = {n: UserFactory(real_name=f"湖墅{n}", street=street_a) for n in range(1, 7)}
    b = {n: UserFactory(real_name=f"米市巷{n}", street=street_b) for n in range(1, 3)}
    s1 = held(law, days_ago=10, title="法规现场课（第1期）", capacity=30)
    register(s1, a[1], a[2], a[3], b[1])
    register(s1, a[4], status="waitlisted")
    register(s1, a[5], status="cancelled")
    attend(s1, a[1])
    attend(s1, a[2], "late")
    attend(s1, b[1])
    attend(s1, a[6])
    s2 = make_session(mediation, starts_in=timedelta(days=5), title="情景模拟（第2期）", capacity=12)
    register(s2, a[1], b[2])
    s4 = held(law, days_ago=40, title="法规现场课（第0期）", capacity=20)
    register(s4, a[1], a[2], a[3])
    attend(s4, a[1])
    cancelled = held(law, days_ago=20, title="已取消的班次", capacity=20, status="cancelled")
    register(cancelled, a[1])
    make_session(law, starts_in=timedelta(days=9), title="草稿班次", status="draft")
    return {
        "a": street_a, "b": street_b, "law": law, "mediation": mediation, "s1": s1, "s2": s2, "s4": s4,
        "registrar": make_registrar(street=None), "admin_a": make_street_administrator(street_a),
    }  # fmt: skip


def figures(rows):
    return [(r.title, r.capacity, r.registered, r.attended, r.late, r.no_show, r.attendance_rate) for r in rows]


def test_registrar_sees_every_street_counted_by_hand(world):
    assert figures(queries.attendance_by_session(viewer=world["registrar"])) == [
        ("情景模拟（第2期）", 12, 2, 0, 0, 0, None),  # not held yet: no no-shows, no rate
        ("法规现场课（第1期）", 30, 4, 4, 1, 1, 75),  # 3 of 4 places came (a3 did not); a6 came without one
        ("法规现场课（第0期）", 20, 3, 1, 0, 2, 33),
    ]


def test_street_administrator_counts_only_their_streets_trainees(world):
    assert figures(queries.attendance_by_session(viewer=world["admin_a"])) == [
        ("情景模拟（第2期）", 12, 1, 0, 0, 0, None),
        ("法规现场课（第1期）", 30, 3, 3, 1, 1, 67),  # a1, a2 of a1 a2 a3; a6 at the door: 2/3 = 67%
        ("法规现场课（第0期）", 20, 3, 1, 0, 2, 33),
    ]
    # Asking for street B narrows the registrar's view but never widens a street administrator's.
    assert figures(queries.attendance_by_session(viewer=world["registrar"], street=world["b"]))[1] == (
        "法规现场课（第1期）", 30, 1, 1, 0, 0, 100,
    )  # fmt: skip


def test_filters_by_course_and_date_range(world):
    registrar, today = world["registrar"], timezone.localdate()
    by_course = queries.attendance_by_session(viewer=registrar, course=world["mediation"])
    assert [r.title for r in by_course] == ["情景模拟（第2期）"]
    recent = queries.attendance_by_session(viewer=registrar, since=today - timedelta(days=20))
    assert [r.title for r in recent] == ["情景模拟（第2期）", "法规现场课（第1期）"]
    older = queries.attendance_by_session(viewer=registrar, until=today - timedelta(days=20))
    assert [r.title for r in older] == ["法规现场课（第0期）"]
    one_day = queries.attendance_by_session(
        viewer=registrar,
        since=timezone.localtime(world["s1"].start).date(),
        until=timezone.localtime(world["s1"].start).date(),
    )
    assert [r.title for r in one_day] == ["法规现场课（第1期）"]


def _csv(response):
    assert response.status_code == 200 and response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_report_page_lists_sessions_and_exports_csv_and_xlsx(client, world):
    client.force_login(world["registrar"])
    page = client.get(reverse(URL))
    assert page.status_code == 200
    html = page.content.decode()
    assert "按班次出勤" in html and "法规现场课（第1期）" in html and "75%" in html and "草稿班次" not in html
    rows = _csv(client.get(reverse(URL), {"export": "csv", "course": world["law"].pk}))
    assert rows[0] == ["班次", "课程", "日期", "场地", "名额", "已报名", "已出勤", "迟到", "缺席", "出勤率（%）"]
    assert [row[0] for row in rows[1:]] == ["法规现场课（第1期）", "法规现场课（第0期）"]
    assert rows[1][1] == "物业法规现场课" and rows[1][4:] == ["30", "4", "4", "1", "1", "75"]
    response = client.get(reverse(URL), {"export": "xlsx", "street": world["a"].pk})
    assert response.streaming and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in values] == ["情景模拟（第2期）", "法规现场课（第1期）", "法规现场课（第0期）"]
    assert values[1][4:] == [30, 3, 3, 1, 1, 67]
    assert values[0][9] is None  # not held yet: no rate


def test_street_administrator_export_holds_only_their_street_and_cannot_ask_for_another(client, world):
    client.force_login(world["admin_a"])
    rows = _csv(client.get(reverse(URL), {"export": "csv", "street": world["b"].pk}))
    # Street B is not a valid choice for them: the filter is refused and the figures stay street A's.
    assert rows[2][4:] == ["30", "3", "3", "1", "1", "67"]


def test_session_titles_that_look_like_formulas_are_neutralised(client, world):
    world["s1"].title = '=HYPERLINK("http://evil","点我")'
    world["s1"].save()
    client.force_login(world["registrar"])
    rows = _csv(client.get(reverse(URL), {"export": "csv"}))
    assert rows[2][0] == '\'=HYPERLINK("http://evil","点我")'
    response = client.get(reverse(URL), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A3"].value == '\'=HYPERLINK("http://evil","点我")' and sheet["A3"].data_type == "s"


def test_editors_and_trainees_may_not_read_the_report(client, world):
    from tests.factories import make_editor

    for user in (make_editor(), UserFactory(street=world["a"])):
        client.force_login(user)
        response = client.get(reverse(URL), {"export": "csv"})
        assert response.status_code in (302, 403)


def test_report_costs_the_same_queries_with_more_sessions_and_people(client, world, django_assert_max_num_queries):
    client.force_login(world["registrar"])
    url = reverse(URL)
    client.get(url)  # warm per-process caches (content types, site)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    small = len(captured)
    for n in range(12):
        session = held(world["law"], days_ago=50 + n, title=f"加开班次{n}", capacity=40)
        people = [UserFactory(street=world["a"]) for _ in range(3)]
        register(session, *people)
        attend(session, people[0], "late")
    # New sessions change the content generation: the site cached for the host is looked up again, once, by the
    # next request, whatever it is (academy/sites.py). Let another page take that, then count the report.
    client.get(reverse("wagtailadmin_home"))
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
    assert small <= 40

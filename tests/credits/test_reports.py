"""Reports, the trainee list's programme and certificate filters, and the admin-home panels, checked against figures
worked out by hand from a small, fully known population."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from academy.models import User
from courses.models import CourseCompletion, Enrolment
from credits import rules
from credits.models import Appointment, CreditEntry
from credits.reports import queries
from credits.selectors import eligibility_for, programme_requirements
from tests.courses.factories import CompetencyFactory, make_course
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator

from .factories import make_certificate, make_post, make_programme

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def credit(trainee, competency, amount, *, days_ago=10):
    return CreditEntry.objects.create(
        trainee=trainee, competency=competency, amount=Decimal(amount), kind="import",
        earned_on=TODAY() - timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def world(staff_groups):
    """Street A: t1 meets the programme, t2 holds a certificate (60 days left), t3 has started, t4 and t6 have not
    (t6's credits are older than the 24-month window), t5 is of another party. Street B: t7 has started and holds
    a certificate with 30 days left."""
    cache.clear()
    street_a, street_b = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    fg, md = (
        CompetencyFactory(code="FG", name="法规运用", order=1),
        CompetencyFactory(code="MD", name="矛盾调处", order=2),
    )
    fg_course = make_course(code="FG-01", title="物业法规运用入门", competency=fg)
    md_course = make_course(code="MD-01", title="矛盾调处实务", competency=md)
    programme = make_programme(total="3.0", minimums={fg: "2.0", md: "1.0"}, required=[md_course])
    post = make_post(programme)
    t = {n: UserFactory(real_name=f"学员{n}", street=street_a, party="rc") for n in (1, 2, 3, 4, 6)}
    t[5] = UserFactory(real_name="学员5", street=street_a, party="oc")
    t[7] = UserFactory(real_name="学员7", street=street_b, party="rc")
    credit(t[1], fg, "2.0")
    credit(t[1], md, "1.0")
    for course in (fg_course, md_course):
        Enrolment.objects.create(user=t[1], course=course)
    CourseCompletion.objects.create(user=t[1], course=md_course)
    Enrolment.objects.create(user=t[3], course=fg_course)
    credit(t[3], fg, "1.0")
    credit(t[6], fg, "5.0", days_ago=30 * 31)
    credit(t[7], md, "1.0")
    cert_2 = make_certificate(t[2], programme, number="A-2", days_valid=60)
    cert_7 = make_certificate(t[7], programme, number="B-7", days_valid=30)
    registrar = make_registrar(street=None)
    Appointment.objects.create(
        trainee=t[3], post=post, street=street_a, start_date=TODAY(), override_reason="急需上岗", created_by=registrar
    )
    Appointment.objects.create(
        trainee=t[2], post=post, street=street_a, start_date=TODAY(), certificate=cert_2, created_by=registrar
    )
    return {
        "a": street_a, "b": street_b, "fg": fg, "md": md, "fg_course": fg_course, "md_course": md_course,
        "programme": programme, "post": post, "t": t, "registrar": registrar,
        "admin_a": make_street_administrator(street_a), "cert_2": cert_2, "cert_7": cert_7,
    }  # fmt: skip


def counts(row):
    return (row.street.name, row.trainees, row.qualified, row.requirements_met, row.in_progress, row.not_started)


def test_qualification_by_street_matches_the_hand_count(world):
    rows = queries.qualification_by_street(viewer=world["registrar"])
    ours = [r for r in rows if r.street in (world["a"], world["b"])]
    # Qualified means a valid certificate (t2, t7); t1 met the requirements and waits for a certificate.
    assert [counts(r) for r in ours] == [("湖墅街道", 5, 1, 1, 1, 2), ("米市巷街道", 1, 1, 0, 0, 0)]
    assert ours[0].qualified_percent == 20
    # Every other street is listed too, with nobody in it (the staff's own street does not count them).
    assert all(r.trainees == 0 for r in rows if r not in ours)


def test_street_administrator_sees_only_their_streets_qualification(world):
    rows = queries.qualification_by_street(viewer=world["admin_a"])
    assert [counts(r) for r in rows] == [("湖墅街道", 5, 1, 1, 1, 2)]
    assert queries.qualification_by_street(viewer=world["admin_a"], street=world["b"]) == []


def test_report_standings_agree_with_each_trainees_own_eligibility(world):
    programme = world["programme"]
    population = User.objects.filter(pk__in=[u.pk for u in world["t"].values()])
    requirements = {programme.pk: programme_requirements(programme)}
    facts = queries.population_facts(population, [programme], requirements, as_of=TODAY())
    for trainee in world["t"].values():
        from_population = rules.evaluate(
            requirements[programme.pk], facts.facts(trainee.pk, requirements[programme.pk])
        )
        assert from_population.met == eligibility_for(trainee=trainee, programme=programme).met, trainee.real_name


def test_sql_programme_standing_filter_agrees_with_the_rules(world):
    programme = world["programme"]
    people = User.objects.filter(pk__in=[u.pk for u in world["t"].values()])
    found = {
        standing: set(
            queries.filter_programme_standing(people, programme, standing).values_list("real_name", flat=True)
        )
        for standing in rules.Standing.PROGRAMME_ORDER
    }
    assert found == {
        "requirements_met": {"学员1"},
        "in_progress": {"学员3", "学员7"},
        "not_started": {"学员2", "学员4", "学员5", "学员6"},
    }


def test_certificate_filter(world):
    people = User.objects.filter(pk__in=[u.pk for u in world["t"].values()])

    def names(state, **kw):
        return set(queries.filter_certificate_state(people, state, **kw).values_list("real_name", flat=True))

    assert names("valid") == {"学员2", "学员7"}
    assert names("expiring") == {"学员2", "学员7"}
    assert names("expiring", days=45) == {"学员7"}
    assert names("none") == {"学员1", "学员3", "学员4", "学员5", "学员6"}


def test_trainee_list_filters_by_programme_standing_and_certificate(client, world):
    client.force_login(world["registrar"])
    url = reverse("academy_trainees:index")
    html = client.get(url, {"programme": world["programme"].pk, "programme_standing": "in_progress"}).content.decode()
    assert "学员3" in html and "学员7" in html and "学员1" not in html and "学员4" not in html
    html = client.get(url, {"certificate": "valid"}).content.decode()
    assert "学员2" in html and "学员7" in html and "学员3" not in html


def test_street_administrators_street_filter_offers_only_their_street(client, world):
    client.force_login(world["admin_a"])
    response = client.get(reverse("academy_trainees:index"))
    street_field = response.context["filters"].form.fields["street"]
    assert list(street_field.queryset) == [world["a"]]
    html = client.get(reverse("academy_trainees:index"), {"certificate": "valid"}).content.decode()
    assert "学员2" in html and "学员7" not in html


def test_credits_by_competency_and_party(world):
    rows = {
        (r.competency.code, r.party): (r.credits, r.trainees)
        for r in queries.credits_by_competency_and_party(viewer=world["registrar"])
    }
    assert rows[("FG", "rc")] == (Decimal("8.0"), 3)
    assert rows[("MD", "rc")] == (Decimal("2.0"), 2)
    assert rows[("FG", "oc")] == (Decimal("0.0"), 0)
    assert len(rows) == 6
    recent = {
        (r.competency.code, r.party): r.credits
        for r in queries.credits_by_competency_and_party(viewer=world["registrar"], since=TODAY() - timedelta(days=365))
    }
    assert recent[("FG", "rc")] == Decimal("3.0")
    street_a = {
        (r.competency.code, r.party): r.credits
        for r in queries.credits_by_competency_and_party(viewer=world["admin_a"])
    }
    assert street_a[("MD", "rc")] == Decimal("1.0")  # street B's t7 is not counted


def test_completion_by_course(world):
    rows = {c.code: (c.enrolled, c.completed) for c in queries.completion_by_course(viewer=world["registrar"])}
    assert rows == {"FG-01": (2, 0), "MD-01": (1, 1)}


def test_certificates_expiring_and_unqualified_post_holders(world):
    assert [c.number for c in queries.certificates_expiring(viewer=world["registrar"])] == ["B-7", "A-2"]
    assert [c.number for c in queries.certificates_expiring(viewer=world["registrar"], days=45)] == ["B-7"]
    assert [c.number for c in queries.certificates_expiring(viewer=world["admin_a"])] == ["A-2"]
    holders = queries.unqualified_post_holders(viewer=world["registrar"])
    assert [a.trainee.real_name for a in holders] == ["学员3"]


def _csv(response):
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_report_views_render_and_export_csv_and_xlsx(client, world):
    client.force_login(world["registrar"])
    url = reverse("academy_reports:qualification_by_street")
    assert client.get(url).status_code == 200
    rows = _csv(client.get(url, {"export": "csv", "street": world["a"].pk}))
    assert rows[0] == [
        "街道",
        "岗位",
        "学员",
        "具备上岗资格",
        "已达结业标准，证书待发",
        "学习中",
        "未开始",
        "具备上岗资格占比（%）",
    ]
    assert rows[1:] == [["湖墅街道", "小区专员", "5", "1", "1", "1", "2", "20"]]
    response = client.get(url, {"export": "xlsx", "street": world["a"].pk})
    assert response.streaming and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]] == ["湖墅街道", "小区专员", 5, 1, 1, 1, 2, 20]
    for name in ("completion_by_course", "credits_by_competency", "certificates_expiring", "unqualified_post_holders"):
        assert client.get(reverse(f"academy_reports:{name}")).status_code == 200
        assert len(_csv(client.get(reverse(f"academy_reports:{name}"), {"export": "csv"}))) > 1


def test_street_administrator_report_export_holds_only_their_street(client, world):
    client.force_login(world["admin_a"])
    rows = _csv(client.get(reverse("academy_reports:certificates_expiring"), {"export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["A-2"]
    rows = _csv(
        client.get(reverse("academy_reports:qualification_by_street"), {"export": "csv", "street": world["b"].pk})
    )
    # Another street is not a valid choice: the filter is refused and the report stays on street A.
    assert [row[0] for row in rows[1:]] == ["湖墅街道"]


def test_exported_cells_that_look_like_formulas_are_neutralised(client, world):
    world["t"][3].real_name = '=HYPERLINK("http://evil","点我")'
    world["t"][3].save()
    client.force_login(world["registrar"])
    rows = _csv(client.get(reverse("academy_reports:unqualified_post_holders"), {"export": "csv"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil","点我")'
    response = client.get(reverse("academy_trainees:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil","点我")' in names
    assert all(not str(n).startswith("=") for n in names)


def _add_population(street, competency, n):
    people = [UserFactory(street=street, party="rc") for _ in range(n)]
    for person in people:
        credit(person, competency, "1.0")
    return people


@pytest.mark.parametrize(
    "url_name",
    [
        "academy_reports:qualification_by_street",
        "academy_reports:completion_by_course",
        "academy_reports:credits_by_competency",
        "academy_reports:certificates_expiring",
        "academy_reports:unqualified_post_holders",
        "academy_trainees:index",
        "courses_enrolments:index",
        "credits_ledger:index",
        "credits_appointments:index",
    ],
)
def test_lists_and_reports_cost_the_same_queries_at_two_sizes(client, world, url_name, django_assert_max_num_queries):
    client.force_login(world["registrar"])
    url = reverse(url_name)
    client.get(url)  # warm per-process caches (content types, site)

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count_queries()
    people = _add_population(world["a"], world["fg"], 40)
    for person in people[:20]:
        Enrolment.objects.create(user=person, course=world["fg_course"])
        Appointment.objects.create(
            trainee=person, post=world["post"], street=world["a"], start_date=TODAY(), override_reason="试用",
            created_by=world["registrar"],
        )  # fmt: skip
        make_certificate(person, world["programme"], number=f"N-{person.pk}", days_valid=20)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
    assert small <= 40


def test_admin_home_shows_figures_and_svg_charts_scoped_to_the_street(client, world):
    client.force_login(world["registrar"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-figure="trainees">7<' in html
    assert (
        'data-chart="graduations"' in html
        and 'data-chart="competencies"' in html
        and 'data-chart="qualification"' in html
    )
    assert "米市巷街道" in html
    client.force_login(world["admin_a"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-figure="trainees">6<' in html
    assert 'data-figure="valid_certificates">1<' in html
    assert "米市巷街道" not in html


def test_editors_see_no_academy_panels(client, world):
    from tests.factories import make_editor

    client.force_login(make_editor())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-figure" not in html


def test_graduations_per_month_counts_programmes_met_and_certified_not_course_completions(client, world):
    """每月结业人次: t2 and t7 graduated (certificates issued ten days ago); t1's course completion this month is not a
    graduation, nor is a renewal of t2's certificate, nor t4's certificate that was revoked."""
    make_certificate(world["t"][2], world["programme"], number="A-2-renewed", issued_on=TODAY(), renews=world["cert_2"])
    make_certificate(
        world["t"][4],
        world["programme"],
        number="A-4",
        status="revoked",
        revoked_at=timezone.now(),
        revoked_reason="冒名顶替",
    )
    months = queries.graduations_per_month(viewer=world["registrar"])
    assert len(months) == 12 and months[-1][0] == TODAY().replace(day=1)
    graduated_in = world["cert_2"].issued_on.replace(day=1)
    assert {month: n for month, n in months if n} == {graduated_in: 2}
    assert dict(queries.graduations_per_month(viewer=world["admin_a"]))[graduated_in] == 1  # street A: t2 only
    client.force_login(world["registrar"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "每月结业人次" in html
    assert f"<title>{graduated_in.month}月：2</title>" in html
    assert "课程完成人次" in html and "课程结业" not in html  # the course-completions figure does not say 结业

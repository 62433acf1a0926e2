"""我的学分 is cached per trainee (credits.selectors.dashboard_for, credits/views.py): every change to what it shows
appears on the very next request, and a cached dashboard costs a trainee three queries."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academy import page_cache
from courses import services as course_services
from credits import services
from credits.certificates.services import approval, revocation
from credits.models import TraineeRecordVersion
from tests.courses.factories import CompetencyFactory, complete, make_course, make_session
from tests.factories import UserFactory, make_registrar

from .factories import make_certificate, make_programme
from .test_recommendations import offline_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

NUMBER = "拱三方证〔2026〕第000001号"


@pytest.fixture
def world():
    fg, md = CompetencyFactory(code="FG"), CompetencyFactory(code="MD")
    fg_course = make_course(code="FG-01", title="物业法规运用入门", competency=fg, credits="1.0")
    md_course = make_course(code="MD-01", title="矛盾调处实务", competency=md, credits="1.5")
    programme = make_programme(total="3.0", minimums={fg: "2.0", md: "1.0"}, required=[md_course])
    trainee = UserFactory(party="rc")
    complete(trainee, fg_course)
    return {
        "fg": fg,
        "md": md,
        "fg_course": fg_course,
        "md_course": md_course,
        "programme": programme,
        "trainee": trainee,
    }


def dashboard(client) -> str:
    response = client.get("/credits/")
    assert response.status_code == 200
    return response.content.decode()


def total(html: str) -> str:
    return html.split('data-testid="total-credits">', 1)[1].split("<", 1)[0]


def dashboard_queries(queries) -> list[str]:
    """The queries of a request that read what 我的学分 shows (not the session, the user and the chrome)."""
    return [q["sql"] for q in queries if '"credits_' in q["sql"] or '"courses_' in q["sql"]]


def test_a_cached_dashboard_costs_one_query_of_its_own(client, world, django_assert_max_num_queries):
    """Its own query is the trainee's record version; the others (session, user, groups, unread notices) are what
        every logged-in page costs. Before it was cached it read five of its own on every request (ledger, completions
    and offline hours, certificates, enrolments, sessions)."""
    client.force_login(world["trainee"])
    first = dashboard(client)
    dashboard(client)  # the first request also created the site's settings rows, which forget the cached chrome
    with django_assert_max_num_queries(4) as queries:
        again = dashboard(client)
    assert [len(dashboard_queries(queries))] == [1] and "traineerecordversion" in dashboard_queries(queries)[0]
    assert total(first) == total(again) == "1.0" and again.count("矛盾调处实务") == first.count("矛盾调处实务")


def test_every_ledger_row_shows_at_once_in_every_worker(client, world):
    """The version is a database row, not a number in one worker's cache: a registrar's adjustment made anywhere
    moves it on, and a dashboard cached before is never served again."""
    trainee = world["trainee"]
    client.force_login(trainee)
    assert total(dashboard(client)) == "1.0"
    registrar = make_registrar()
    entry = services.credit_adjust(
        actor=registrar, trainee=trainee, competency=world["md"], amount="1.0", reason="补录"
    )
    assert total(dashboard(client)) == "2.0"
    services.credit_reverse(actor=registrar, entry=entry, reason="误录")
    assert total(dashboard(client)) == "1.0"
    assert TraineeRecordVersion.objects.get(trainee=trainee).version >= 2


def test_a_completion_and_an_enrolment_show_at_once(client, world):
    trainee = world["trainee"]
    client.force_login(trainee)
    before = dashboard(client)
    assert "矛盾调处实务" in before and 'class="badge">已报名' not in before
    course_services.enrolment_create(user=trainee, course=world["md_course"])
    assert 'class="badge">已报名' in dashboard(client)
    complete(trainee, world["md_course"])
    html = dashboard(client)
    assert total(html) == "2.5" and "必修课《矛盾调处实务》未完成" not in html


def test_a_certificate_issued_revoked_requested_or_declined_in_bulk_shows_at_once(client, world):
    trainee, programme = world["trainee"], world["programme"]
    complete(trainee, world["md_course"])
    services.credit_adjust(actor=make_registrar(), trainee=trainee, competency=world["fg"], amount="1.0", reason="补录")
    client.force_login(trainee)
    assert NUMBER not in dashboard(client)
    certificate = make_certificate(trainee, programme, number=NUMBER)
    assert NUMBER in dashboard(client)
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="核查有误")
    html = dashboard(client)
    assert NUMBER not in html and 'data-testid="certificate-pending"' not in html
    approval.certificate_request_create(holder=trainee, programme=programme)
    assert 'data-testid="certificate-pending"' in dashboard(client)


def test_requests_declined_in_bulk_show_at_once(client, world):
    """The holder deleting their account declines their pending requests with an update in bulk, which sends no
    signal per row (and a holder without certificates saves none)."""
    trainee = world["trainee"]
    complete(trainee, world["md_course"])
    services.credit_adjust(actor=make_registrar(), trainee=trainee, competency=world["fg"], amount="1.0", reason="补录")
    approval.certificate_request_create(holder=trainee, programme=world["programme"])
    client.force_login(trainee)
    assert 'data-testid="certificate-pending"' in dashboard(client)
    revocation.certificates_revoke_for_deleted_account(holder=trainee)
    assert 'data-testid="certificate-pending"' not in dashboard(client)


def test_a_change_of_party_and_a_programme_republished_show_at_once(client, world):
    trainee, programme = world["trainee"], world["programme"]
    client.force_login(trainee)
    assert "总学分还差 2 学分" in dashboard(client)
    programme.total_credits = Decimal("5.0")
    programme.save_revision().publish()
    assert "总学分还差 4 学分" in dashboard(client)
    trainee.party = "oc"  # the programme is for residents' committees only
    trainee.save(update_fields=["party"])
    assert "小区专员岗前培训" not in dashboard(client)


def test_registering_attending_and_another_trainee_taking_a_place_show_at_once(client, offline_world):  # noqa: F811
    trainee, s = offline_world["trainee"], offline_world["sessions"]
    client.force_login(trainee)
    html = dashboard(client)
    assert "剩余 30 个名额" in html and page_cache.CSRF_PLACEHOLDER not in html
    assert 'name="csrfmiddlewaretoken"' in html
    course_services.session_register(user=UserFactory(), session=s["required"])
    assert "剩余 29 个名额" in dashboard(client)
    course_services.session_register(user=trainee, session=s["required"])
    html = dashboard(client)
    assert 'data-testid="recommended-session"' not in html and "您已报名的班次可补足" in html
    course_services.attendance_record(
        session=s["booked"], user=trainee, status="present", method="manual", checked_in_at=s["booked"].start
    )
    assert 'data-testid="offline-hours">1.0<' in dashboard(client)


def test_a_session_whose_registration_closes_is_no_longer_offered_once_it_has(client, offline_world):  # noqa: F811
    """Time alone changes which sessions are on offer: a cached dashboard holds only until the next registration
    opening or closing, start or end."""
    trainee, s = offline_world["trainee"], offline_world["sessions"]
    client.force_login(trainee)
    assert "《情景模拟（第3期）》" in dashboard(client)
    later = s["required"].registration_closes + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = dashboard(client)
    assert "《情景模拟（第3期）》" not in html


def test_another_trainees_records_leave_a_cached_dashboard_alone(client, world):
    client.force_login(world["trainee"])
    dashboard(client)
    other = UserFactory(party="rc")
    services.credit_adjust(actor=make_registrar(), trainee=other, competency=world["md"], amount="1.0", reason="补录")
    with CaptureQueriesContext(connection) as queries:
        assert total(dashboard(client)) == "1.0"
    assert len(dashboard_queries(queries)) == 1


def test_a_new_session_on_offer_is_seen_by_a_trainee_short_of_hours(client, offline_world):  # noqa: F811
    client.force_login(offline_world["trainee"])
    assert "《情景模拟（第9期）》" not in dashboard(client)
    make_session(offline_world["required"], starts_in=timedelta(days=1), hours=3, title="情景模拟（第9期）")
    assert "《情景模拟（第9期）》" in dashboard(client)

"""Recommendations that close shortfalls: the smallest set of courses, property-tested against brute force, and
shown on 我的学分 and on the programme page."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credits import recommendations, rules
from tests.courses.factories import CompetencyFactory, make_course
from tests.factories import UserFactory

from .factories import make_programme

D = Decimal


def candidate(course_id, credits, *, competency=1, hours="0", offline=False, enrolled=False, required=False):
    return recommendations.CandidateCourse(
        course_id=course_id,
        title=f"课程{course_id}",
        code=f"FG-{course_id:02d}",
        competency_id=competency,
        credits=D(credits),
        hours=D(hours),
        offline=offline,
        enrolled=enrolled,
        required=required,
    )


NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def session(session_id, course_id, *, hours="3", days=1, places=10, booked=False, required=False):
    return recommendations.CandidateSession(
        session_id=session_id,
        course_id=course_id,
        title=f"班次{session_id}",
        starts=NOW + timedelta(days=days),
        hours=D(hours),
        venue="和畔里·三方协同中心",
        places_left=places,
        booked=booked,
        required=required,
    )


credit_values = st.integers(1, 30).map(lambda tenths: D(tenths) / 10)
candidates_strategy = st.lists(st.tuples(credit_values, st.booleans(), st.booleans()), min_size=0, max_size=9).map(
    lambda rows: [candidate(i + 1, c, enrolled=e, required=r) for i, (c, e, r) in enumerate(rows)]
)


@settings(max_examples=150, deadline=None)
@given(candidates_strategy, st.integers(1, 60).map(lambda tenths: D(tenths) / 10))
def test_chosen_set_closes_the_shortfall_and_no_smaller_set_would(pool, need):
    chosen, closes = recommendations.smallest_closing_set(pool, need)
    total = sum((c.credits for c in chosen), rules.ZERO)
    possible = sum((c.credits for c in pool), rules.ZERO) >= need
    assert closes == possible
    if not possible:
        return
    assert total >= need
    assert len({c.course_id for c in chosen}) == len(chosen)
    for size in range(len(chosen)):
        assert all(sum((c.credits for c in subset), rules.ZERO) < need for subset in combinations(pool, size))
    # Among the sets of the same size that close it, none has more required courses.
    best_required = max(
        sum(c.required for c in subset)
        for subset in combinations(pool, len(chosen))
        if sum((c.credits for c in subset), rules.ZERO) >= need
    )
    assert sum(c.required for c in chosen) == best_required


@settings(max_examples=60, deadline=None)
@given(
    st.lists(credit_values, min_size=13, max_size=25).map(
        lambda values: [candidate(i + 1, v) for i, v in enumerate(values)]
    ),
    st.integers(1, 200).map(lambda tenths: D(tenths) / 10),
)
def test_beyond_twelve_candidates_the_fallback_still_takes_the_fewest_courses(pool, need):
    chosen, closes = recommendations.smallest_closing_set(pool, need)
    if not closes:
        assert sum((c.credits for c in pool), rules.ZERO) < need
        return
    assert sum((c.credits for c in chosen), rules.ZERO) >= need
    largest = sorted((c.credits for c in pool), reverse=True)
    assert sum(largest[: len(chosen) - 1], rules.ZERO) < need  # fewer courses could never reach it


def test_required_then_enrolled_courses_are_preferred_among_equally_small_sets():
    pool = [
        candidate(1, "1.0"),
        candidate(2, "1.0", enrolled=True),
        candidate(3, "1.0", required=True),
        candidate(4, "2.0"),
    ]
    chosen, _closes = recommendations.smallest_closing_set(pool, D("1.5"))
    assert [c.course_id for c in chosen] == [4]  # one course beats two
    chosen, _closes = recommendations.smallest_closing_set(pool, D("1.0"))
    assert [c.course_id for c in chosen] == [3]  # required first
    chosen, _closes = recommendations.smallest_closing_set([c for c in pool if c.course_id != 3], D("1.0"))
    assert [c.course_id for c in chosen] == [2]  # then a course already started


def test_least_extra_credit_breaks_the_remaining_ties():
    pool = [candidate(1, "2.0"), candidate(2, "1.5")]
    chosen, _closes = recommendations.smallest_closing_set(pool, D("1.5"))
    assert [c.course_id for c in chosen] == [2]


def test_recommend_names_courses_per_shortfall_and_sessions_for_offline_hours():
    requirements = rules.Requirements(
        total_credits=D("4.0"),
        window_months=24,
        minimums=(rules.CompetencyMinimum(1, "法规运用", D("2.0")),),
        required_courses=(rules.RequiredCourse(9, "矛盾调处实务", "MD-01"),),
        min_offline_hours=D("4.0"),
    )
    facts = rules.Facts({1: D("0.5")}, frozenset(), D("0"))
    eligibility = rules.evaluate(requirements, facts)
    pool = [
        candidate(1, "1.0"),
        candidate(2, "0.5"),
        candidate(3, "0.5"),
        candidate(9, "1.0", competency=2, required=True),
        candidate(5, "1.0", competency=3, hours="4", offline=True),
    ]
    sessions = [session(1, 5, hours="3", days=2), session(2, 7, hours="1", days=1), session(3, 8, hours="4", days=9)]
    result = recommendations.recommend(eligibility, pool, sessions)
    by_kind = {item.shortfall.kind: item for item in result}
    assert {c.course_id for c in by_kind["competency"].courses} in ({1, 2}, {1, 3})
    assert [c.course_id for c in by_kind["course"].courses] == [9]
    hours = by_kind["offline_hours"]
    assert hours.measure == "hours" and hours.courses == () and hours.closes
    assert [s.session_id for s in hours.sessions] == [3]  # one 4-hour session beats 3 + 1
    assert "《班次3》(4)" in hours.message
    # 3.5 missing in all; the 1.5 + 1.0 already recommended leave 1.0, closed by one more course.
    assert sum((c.credits for c in by_kind["total"].courses), rules.ZERO) >= D("1.0")
    assert len(by_kind["total"].courses) == 1
    assert "《课程1》(1)" in by_kind["competency"].message


def test_a_shortfall_no_course_can_close_says_so():
    requirements = rules.Requirements(
        total_credits=D("0"), window_months=24, minimums=(rules.CompetencyMinimum(1, "法规运用", D("5.0")),)
    )
    eligibility = rules.evaluate(requirements, rules.Facts())
    (recommendation,) = recommendations.recommend(eligibility, [candidate(1, "1.0")])
    assert not recommendation.closes and [c.course_id for c in recommendation.courses] == [1]


# Sessions for an offline-hours shortfall ----------------------------------------------------------------------


@st.composite
def session_pools(draw, max_size=9):
    """Up to nine sessions of up to five courses; the programme requires some courses; a few sessions are full,
    a few already booked by the trainee; start days collide so that the tie-breaks are exercised."""
    required_courses = draw(st.sets(st.integers(1, 5), max_size=3))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(1, 5),  # course
                st.integers(1, 40),  # tenths of an hour
                st.integers(0, 6),  # days from now
                st.sampled_from([0, 1, 3, 10]),  # places left
                st.integers(0, 5),  # booked when 0
            ),
            max_size=max_size,
        )
    )
    return [
        session(
            i + 1,
            course,
            hours=str(D(tenths) / 10),
            days=days,
            places=places,
            booked=booked == 0,
            required=course in required_courses,
        )
        for i, (course, tenths, days, places, booked) in enumerate(rows)
    ]


def hours_of(subset):
    return sum((s.hours for s in subset), rules.ZERO)


def distinct_course_subsets(pool, size):
    return [subset for subset in combinations(pool, size) if len({s.course_id for s in subset}) == size]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session_pools(), st.integers(1, 80).map(lambda tenths: D(tenths) / 10))
def test_chosen_sessions_close_the_hours_and_no_smaller_set_would(pool, need):
    booked, chosen, closes = recommendations.smallest_session_set(pool, need)
    assert set(booked) == {s for s in pool if s.booked}
    remaining = need - hours_of(booked)
    if remaining <= 0:
        assert chosen == () and closes
        return
    booked_courses = {s.course_id for s in booked}
    bookable = [s for s in pool if not s.booked and s.places_left > 0 and s.course_id not in booked_courses]
    assert all(s in bookable for s in chosen)  # never full, already booked, or a second class of a booked course
    assert len({s.course_id for s in chosen}) == len(chosen)  # one session per course
    possible = any(
        hours_of(subset) >= remaining for size in range(1, 6) for subset in distinct_course_subsets(bookable, size)
    )
    assert closes == possible
    if not possible:
        return
    assert hours_of(chosen) >= remaining
    for size in range(len(chosen)):
        assert all(hours_of(subset) < remaining for subset in distinct_course_subsets(bookable, size))
    # Ties: among equally small sets that close it, the most sessions of required courses, then finished soonest.
    rivals = [subset for subset in distinct_course_subsets(bookable, len(chosen)) if hours_of(subset) >= remaining]
    most_required = max(sum(s.required for s in subset) for subset in rivals)
    assert sum(s.required for s in chosen) == most_required
    soonest = min(
        sorted((s.starts for s in subset), reverse=True)
        for subset in rivals
        if sum(s.required for s in subset) == most_required
    )
    assert sorted((s.starts for s in chosen), reverse=True) == soonest


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session_pools(max_size=30), st.integers(1, 200).map(lambda tenths: D(tenths) / 10))
def test_beyond_twelve_sessions_the_fallback_still_takes_the_fewest(pool, need):
    booked, chosen, closes = recommendations.smallest_session_set(pool, need)
    remaining = need - hours_of(booked)
    if remaining <= 0 or not closes:
        return
    assert hours_of(chosen) >= remaining and len({s.course_id for s in chosen}) == len(chosen)
    booked_courses = {s.course_id for s in booked}
    longest = {}
    for s in pool:
        if s.bookable and s.course_id not in booked_courses:
            longest[s.course_id] = max(longest.get(s.course_id, rules.ZERO), s.hours)
    best = sorted(longest.values(), reverse=True)
    assert sum(best[: len(chosen) - 1], rules.ZERO) < remaining  # fewer sessions could never reach it


def test_sessions_of_required_courses_then_the_soonest_win_ties():
    pool = [
        session(1, 1, hours="3", days=1),
        session(2, 2, hours="3", days=5, required=True),
        session(3, 3, hours="3", days=2),
    ]
    _booked, chosen, _closes = recommendations.smallest_session_set(pool, D("3"))
    assert [s.session_id for s in chosen] == [2]  # required beats sooner
    _booked, chosen, _closes = recommendations.smallest_session_set([pool[0], pool[2]], D("3"))
    assert [s.session_id for s in chosen] == [1]  # then the soonest
    _booked, chosen, _closes = recommendations.smallest_session_set(pool, D("6"))
    assert [s.session_id for s in chosen] == [2, 1]  # required shown first, then by date


def test_full_sessions_and_a_second_class_of_the_same_course_are_not_recommended():
    pool = [session(1, 1, hours="4", places=0), session(2, 2, hours="2", days=1), session(3, 2, hours="2", days=2)]
    _booked, chosen, closes = recommendations.smallest_session_set(pool, D("4"))
    assert not closes and [s.session_id for s in chosen] == [2]  # course 2 once; the full session never


def test_a_booked_seat_counts_towards_the_hours_and_its_course_is_not_offered_again():
    pool = [session(1, 1, hours="3", booked=True), session(2, 1, hours="3", days=3), session(3, 2, hours="1", days=4)]
    booked, chosen, closes = recommendations.smallest_session_set(pool, D("4"))
    assert [s.session_id for s in booked] == [1] and [s.session_id for s in chosen] == [3] and closes
    booked, chosen, closes = recommendations.smallest_session_set(pool, D("3"))
    assert chosen == () and closes
    (recommendation,) = recommendations.recommend(
        rules.evaluate(rules.Requirements(D("0"), 24, min_offline_hours=D("3")), rules.Facts()), [], pool
    )
    assert recommendation.closes and recommendation.booked and "名额" not in recommendation.message


def test_no_session_open_says_so():
    eligibility = rules.evaluate(rules.Requirements(D("0"), 24, min_offline_hours=D("2")), rules.Facts())
    (recommendation,) = recommendations.recommend(eligibility, [candidate(5, "1.0", hours="4", offline=True)], [])
    assert not recommendation.closes and recommendation.courses == () and recommendation.sessions == ()
    assert "目前没有可报名且有空余名额的班次" in recommendation.message


# Pages --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_credits_and_programme_page_recommend_courses_that_close_the_shortfall(client):
    fg = CompetencyFactory(code="FG")
    make_course(code="FG-01", title="物业法规运用入门", competency=fg, credits="1.0")
    make_course(code="FG-02", title="业主大会议事规则", competency=fg, credits="0.5")
    make_course(code="FG-03", title="物业合同实务", competency=fg, credits="2.0")
    programme = make_programme(total="1.5", minimums={fg: "1.5"})
    trainee = UserFactory(party="rc")
    client.force_login(trainee)
    for url in ("/credits/", programme.url):
        html = client.get(url).content.decode()
        assert 'data-testid="recommendations"' in html
        assert "《物业合同实务》" in html and "《业主大会议事规则》" not in html  # one 2.0 course beats 1.0 + 0.5


@pytest.fixture
def offline_world():
    """A programme needing 4 offline hours; offline courses with sessions in every state a selector must sort out."""
    from datetime import timedelta as td

    from django.utils import timezone

    from courses import services as course_services
    from tests.courses.factories import make_session

    md = CompetencyFactory(code="MD")
    required = make_course(
        code="MD-07", title="矛盾调处情景模拟", competency=md, lessons=0, quiz=False, delivery_mode="offline"
    )
    other = make_course(
        code="MD-08", title="议事协商工作坊", competency=md, lessons=0, quiz=False, delivery_mode="blended"
    )
    booked_course = make_course(
        code="MD-09", title="物业纠纷调解观摩", competency=md, lessons=0, quiz=False, delivery_mode="offline"
    )
    pc_only = make_course(
        code="WY-01",
        title="物业项目经理实务",
        competency=md,
        lessons=0,
        quiz=False,
        delivery_mode="offline",
        audiences=("pc",),
    )
    programme = make_programme(total="0.0", required=[required], offline_hours="4.0", slug="offline-programme")
    trainee = UserFactory(party="rc")
    sessions = {
        "required": make_session(required, starts_in=td(days=5), hours=3, title="情景模拟（第3期）"),
        "other": make_session(other, starts_in=td(days=2), hours=4, title="议事协商（第1期）"),
        "full": make_session(other, starts_in=td(days=1), hours=4, capacity=1, title="议事协商（第0期）"),
        "closed": make_session(required, starts_in=td(days=3), hours=6, registration_open=False, title="情景模拟（已截止）"),
        "started": make_session(
            required, starts_in=td(minutes=-30), hours=6, title="情景模拟（进行中）",
            registration_closes=timezone.now() + td(minutes=20),
        ),
        "pc_only": make_session(pc_only, starts_in=td(days=2), hours=8, title="物业经理（第1期）"),
        "booked": make_session(booked_course, starts_in=td(days=4), hours=1, title="调解观摩（第1期）"),
        "waiting": make_session(booked_course, starts_in=td(days=6), hours=2, capacity=1, title="调解观摩（第2期）"),
    }  # fmt: skip
    course_services.session_register(user=UserFactory(), session=sessions["full"])
    course_services.session_register(user=UserFactory(), session=sessions["waiting"])
    course_services.session_register(user=trainee, session=sessions["booked"])
    course_services.session_register(user=trainee, session=sessions["waiting"])  # on the waiting list
    return {"trainee": trainee, "programme": programme, "sessions": sessions, "required": required}


@pytest.mark.django_db
def test_session_candidates_are_the_open_sessions_with_places_and_the_trainees_own_seats(offline_world):
    from credits import selectors

    s = offline_world["sessions"]
    candidates = {c.session_id: c for c in selectors.session_candidates(offline_world["trainee"])}
    assert set(candidates) == {s["required"].pk, s["other"].pk, s["booked"].pk}
    assert candidates[s["booked"].pk].booked and not candidates[s["required"].pk].booked
    assert candidates[s["other"].pk].places_left == 30 and candidates[s["other"].pk].hours == D("4.0")
    assert candidates[s["required"].pk].venue == "和畔里·三方协同中心"


@pytest.mark.django_db
def test_a_cancelled_registration_makes_a_session_recommendable_again_and_attending_a_course_ends_it(offline_world):
    from courses import services as course_services
    from courses.models import SessionAttendance
    from credits import selectors

    trainee, s = offline_world["trainee"], offline_world["sessions"]
    course_services.session_registration_cancel(user=trainee, session=s["booked"])
    ids = {c.session_id for c in selectors.session_candidates(trainee)}
    assert s["booked"].pk in ids
    SessionAttendance.objects.create(
        user=trainee, session=s["booked"], checked_in_at=s["booked"].start, status="present", method="manual"
    )
    ids = {c.session_id for c in selectors.session_candidates(trainee)}
    assert s["booked"].pk not in ids  # a course attended once is not recommended again


@pytest.mark.django_db
def test_my_credits_and_programme_page_recommend_sessions_not_courses_for_offline_hours(client, offline_world):
    trainee, s = offline_world["trainee"], offline_world["sessions"]
    client.force_login(trainee)
    for url in ("/credits/", offline_world["programme"].url):
        html = client.get(url).content.decode()
        assert 'data-testid="hours-recommendation"' in html
        # 1 hour booked (调解观摩) leaves 3: the required course's 3-hour session beats the sooner 4-hour one.
        assert html.count('data-testid="recommended-session"') == 1
        assert "《情景模拟（第3期）》" in html and "《议事协商（第1期）》" not in html
        assert "您已报名：" in html and "《调解观摩（第1期）》" in html
        assert f'action="/learning/sessions/{s["required"].pk}/register/"' in html
        assert "剩余 30 个名额" in html and "3 学时" in html and "和畔里·三方协同中心" in html
        for absent in ("已截止", "进行中", "物业经理", "第0期", "第2期"):
            assert absent not in html


@pytest.mark.django_db
def test_registering_from_the_recommendation_takes_a_place(client, offline_world):
    from courses.models import SessionRegistration

    trainee, s = offline_world["trainee"], offline_world["sessions"]
    client.force_login(trainee)
    response = client.post(f"/learning/sessions/{s['required'].pk}/register/")
    assert response.status_code == 302
    assert SessionRegistration.objects.get(user=trainee, session=s["required"]).status == "registered"
    html = client.get("/credits/").content.decode()
    assert 'data-testid="recommended-session"' not in html  # 1 + 3 booked hours close the 4 needed
    assert "您已报名的班次可补足" in html


@pytest.mark.django_db
def test_my_credits_queries_do_not_grow_with_the_number_of_sessions(client, offline_world):
    from datetime import timedelta as td

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credits.services import trainee_record_changed
    from tests.courses.factories import make_session

    trainee = offline_world["trainee"]
    client.force_login(trainee)
    client.get("/credits/")  # warm caches (site, settings: the first request creates the settings row, which
    client.get("/credits/")  # forgets the menu it has just cached)
    trainee_record_changed(trainee_id=trainee.pk)  # the dashboard itself is built afresh (not from its cache)
    with CaptureQueriesContext(connection) as few:
        client.get("/credits/")
    for n in range(6):
        make_session(offline_world["required"], starts_in=td(days=10 + n), hours=1, title=f"情景模拟（第{n + 10}期）")
    client.get("/credits/")  # new sessions make the cached fragments stale (academy/page_cache.py): rebuild them once
    trainee_record_changed(trainee_id=trainee.pk)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/credits/").content.decode()
    assert html.count('data-testid="recommended-session"') == 1
    assert len(many) == len(few) and any("courses_trainingsession" in q["sql"] for q in many.captured_queries)

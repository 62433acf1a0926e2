"""Recommendations that close shortfalls: the smallest set of courses, property-tested against brute force, and
shown on the dashboard and on the programme page."""

from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credits import rules
from tests.courses.factories import CompetencyFactory, make_course
from tests.factories import UserFactory

from .factories import make_programme

D = Decimal


def candidate(course_id, credits, *, competency=1, hours="0", offline=False, enrolled=False, required=False):
    return rules.CandidateCourse(
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


credit_values = st.integers(1, 30).map(lambda tenths: D(tenths) / 10)
candidates_strategy = st.lists(
    st.tuples(credit_values, st.booleans(), st.booleans()), min_size=0, max_size=9
).map(lambda rows: [candidate(i + 1, c, enrolled=e, required=r) for i, (c, e, r) in enumerate(rows)])


@settings(max_examples=150, deadline=None)
@given(candidates_strategy, st.integers(1, 60).map(lambda tenths: D(tenths) / 10))
def test_chosen_set_closes_the_shortfall_and_no_smaller_set_would(pool, need):
    chosen, closes = rules.smallest_closing_set(pool, need)
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
    st.lists(credit_values, min_size=13, max_size=25).map(lambda values: [candidate(i + 1, v) for i, v in enumerate(values)]),
    st.integers(1, 200).map(lambda tenths: D(tenths) / 10),
)
def test_beyond_twelve_candidates_the_fallback_still_takes_the_fewest_courses(pool, need):
    chosen, closes = rules.smallest_closing_set(pool, need)
    if not closes:
        assert sum((c.credits for c in pool), rules.ZERO) < need
        return
    assert sum((c.credits for c in chosen), rules.ZERO) >= need
    largest = sorted((c.credits for c in pool), reverse=True)
    assert sum(largest[: len(chosen) - 1], rules.ZERO) < need  # fewer courses could never reach it


def test_required_then_enrolled_courses_are_preferred_among_equally_small_sets():
    pool = [candidate(1, "1.0"), candidate(2, "1.0", enrolled=True), candidate(3, "1.0", required=True), candidate(4, "2.0")]
    chosen, _closes = rules.smallest_closing_set(pool, D("1.5"))
    assert [c.course_id for c in chosen] == [4]  # one course beats two
    chosen, _closes = rules.smallest_closing_set(pool, D("1.0"))
    assert [c.course_id for c in chosen] == [3]  # required first
    chosen, _closes = rules.smallest_closing_set([c for c in pool if c.course_id != 3], D("1.0"))
    assert [c.course_id for c in chosen] == [2]  # then a course already started


def test_least_extra_credit_breaks_the_remaining_ties():
    pool = [candidate(1, "2.0"), candidate(2, "1.5")]
    chosen, _closes = rules.smallest_closing_set(pool, D("1.5"))
    assert [c.course_id for c in chosen] == [2]


def test_recommend_names_courses_per_shortfall_and_hours_from_offline_courses():
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
    recommendations = rules.recommend(eligibility, pool)
    by_kind = {item.shortfall.kind: item for item in recommendations}
    assert {c.course_id for c in by_kind["competency"].courses} in ({1, 2}, {1, 3})
    assert [c.course_id for c in by_kind["course"].courses] == [9]
    assert [c.course_id for c in by_kind["offline_hours"].courses] == [5] and by_kind["offline_hours"].measure == "hours"
    # 3.5 missing in all; the 1.5 + 1.0 already recommended leave 1.0, closed by one more course.
    assert sum((c.credits for c in by_kind["total"].courses), rules.ZERO) >= D("1.0")
    assert len(by_kind["total"].courses) == 1
    assert "《课程1》(1)" in by_kind["competency"].message


def test_a_shortfall_no_course_can_close_says_so():
    requirements = rules.Requirements(total_credits=D("0"), window_months=24, minimums=(rules.CompetencyMinimum(1, "法规运用", D("5.0")),))
    eligibility = rules.evaluate(requirements, rules.Facts())
    (recommendation,) = rules.recommend(eligibility, [candidate(1, "1.0")])
    assert not recommendation.closes and [c.course_id for c in recommendation.courses] == [1]


# Pages --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_and_programme_page_recommend_courses_that_close_the_shortfall(client):
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

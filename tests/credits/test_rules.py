"""The pure eligibility rules: named, quantified shortfalls and the properties a ledger must keep."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from academy import charts
from credits import rules

FG, MD, DJ = 1, 2, 3
REQUIREMENTS = rules.Requirements(
    total_credits=Decimal("5.0"),
    window_months=12,
    minimums=(
        rules.CompetencyMinimum(FG, "法规运用", Decimal("2.0")),
        rules.CompetencyMinimum(MD, "矛盾调处", Decimal("1.0")),
    ),
    required_courses=(rules.RequiredCourse(101, "物业法规运用入门", "FG-01"),),
    min_offline_hours=Decimal("2.0"),
)
AS_OF = date(2026, 6, 30)


def facts(credits=None, courses=(), hours="0"):
    return rules.Facts({k: Decimal(v) for k, v in (credits or {}).items()}, frozenset(courses), Decimal(hours))


def test_every_shortfall_is_named_and_quantified_in_chinese():
    with translation.override("zh-hans"):
        result = rules.evaluate(REQUIREMENTS, facts({FG: "0.5", DJ: "1.0"}))
        assert not result.met
        assert result.messages == [
            "法规运用还差 1.5 学分",
            "矛盾调处还差 1 学分",
            "必修课《物业法规运用入门》未完成",
            "线下学时还差 2 学时",
            "总学分还差 3.5 学分",
        ]


def test_shortfalls_read_in_english_when_the_page_is_english():
    with translation.override("en"):
        result = rules.evaluate(REQUIREMENTS, facts({FG: "1.5"}, courses=[101], hours="2"))
        assert result.messages == [
            "法规运用 still needs 0.5 credits",
            "矛盾调处 still needs 1 credits",
            "Total credits still need 3.5 more",
        ]


def test_meeting_every_requirement_is_met_with_no_shortfalls():
    result = rules.evaluate(REQUIREMENTS, facts({FG: "2.0", MD: "1.0", DJ: "2.0"}, courses=[101], hours="2.5"))
    assert result.met and result.shortfalls == ()
    assert result.total_earned == Decimal("5.0") and result.percent == 100


def test_total_counts_credit_outside_the_listed_competencies():
    result = rules.evaluate(REQUIREMENTS, facts({FG: "2.0", MD: "1.0", DJ: "1.5"}, courses=[101], hours="2"))
    assert [s.kind for s in result.shortfalls] == [rules.ShortfallKind.TOTAL]
    assert result.shortfalls[0].missing == Decimal("0.5")


def test_window_start_clamps_to_the_end_of_a_shorter_month():
    assert rules.window_start(as_of=date(2026, 3, 31), months=1) == date(2026, 2, 28)
    assert rules.window_start(as_of=date(2026, 6, 30), months=24) == date(2024, 6, 30)


def test_credits_outside_the_window_do_not_count():
    lines = [
        rules.LedgerLine(FG, Decimal("2.0"), date(2025, 6, 29)),  # one day too early
        rules.LedgerLine(FG, Decimal("1.0"), date(2025, 6, 30)),
        rules.LedgerLine(FG, Decimal("1.0"), date(2026, 7, 1)),  # after the day checked
    ]
    since = rules.window_start(as_of=AS_OF, months=12)
    assert rules.credits_in_window(lines, since=since, until=AS_OF) == {FG: Decimal("1.0")}


def test_adjustment_problems_are_refused_in_order():
    assert rules.adjustment_problem(amount=Decimal("1"), reason="  ", balance=Decimal("0")) is not None
    assert rules.adjustment_problem(amount=Decimal("0"), reason="补录", balance=Decimal("0")) is not None
    assert rules.adjustment_problem(amount=Decimal("0.25"), reason="补录", balance=Decimal("1")) is not None
    assert rules.adjustment_problem(amount=Decimal("-1.5"), reason="误录", balance=Decimal("1.0")) is not None
    assert rules.adjustment_problem(amount=Decimal("-1.0"), reason="误录", balance=Decimal("1.0")) is None


def test_bar_chart_scales_to_the_largest_value():
    bars = charts.bar_chart(
        [("甲", Decimal("2"), "#000000"), ("乙", Decimal("1"), "#ffffff"), ("丙", Decimal("0"), "#111111")]
    )
    assert bars[0].height == 160.0 and bars[1].height == 80.0 and bars[2].height == 0.0
    assert bars[0].x < bars[1].x < bars[2].x


# Property tests ----------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("5.0"), places=1)
days = st.integers(min_value=-800, max_value=0).map(lambda n: AS_OF + timedelta(days=n))
lines_strategy = st.lists(
    st.builds(rules.LedgerLine, competency_id=st.sampled_from([FG, MD, DJ]), amount=amounts, earned_on=days),
    max_size=25,
)
course_sets = st.sets(st.sampled_from([101, 102]))
hours = st.decimals(min_value=Decimal("0"), max_value=Decimal("5"), places=1)


def decide(lines, courses, offline):
    since = rules.window_start(as_of=AS_OF, months=REQUIREMENTS.window_months)
    credits = rules.credits_in_window(lines, since=since, until=AS_OF)
    return rules.evaluate(REQUIREMENTS, rules.Facts(credits, frozenset(courses), offline))


@settings(max_examples=200, deadline=None)
@given(
    lines_strategy, course_sets, hours, st.sampled_from([FG, MD, DJ]), amounts, st.integers(min_value=0, max_value=364)
)
def test_adding_credit_in_the_window_never_turns_met_into_not_met(lines, courses, offline, competency, amount, ago):
    before = decide(lines, courses, offline)
    after = decide([*lines, rules.LedgerLine(competency, amount, AS_OF - timedelta(days=ago))], courses, offline)
    assert not before.met or after.met
    assert len(after.shortfalls) <= len(before.shortfalls)


@settings(max_examples=200, deadline=None)
@given(lines_strategy, course_sets, hours, st.sampled_from([FG, MD, DJ]), amounts, days)
def test_reversing_an_award_restores_the_earlier_result(lines, courses, offline, competency, amount, earned_on):
    before = decide(lines, courses, offline)
    award = rules.LedgerLine(competency, amount, earned_on)
    reversal = rules.LedgerLine(competency, -amount, earned_on)  # a reversal is dated like the row it reverses
    assert decide([*lines, award, reversal], courses, offline) == before


@settings(max_examples=200, deadline=None)
@given(lines_strategy, course_sets, hours, st.randoms(use_true_random=False))
def test_the_order_of_ledger_entries_does_not_matter(lines, courses, offline, random):
    shuffled = list(lines)
    random.shuffle(shuffled)
    assert decide(shuffled, courses, offline) == decide(lines, courses, offline)


# Progress through the whole programme (issue 15: "已完成所需学分的 100%" beside "尚未达标") ---------------------------


def test_full_credits_with_a_required_course_and_hours_missing_is_not_shown_as_complete():
    result = rules.evaluate(REQUIREMENTS, facts({FG: "2.0", MD: "1.0", DJ: "2.0"}))
    assert not result.met and result.credits_percent == 100
    # Parts: total 1, 法规运用 1, 矛盾调处 1, required courses 0, offline hours 0 → 3 of 5.
    assert result.percent == 60


def test_programme_progress_is_100_only_when_every_requirement_is_met():
    almost = rules.evaluate(REQUIREMENTS, facts({FG: "2.0", MD: "1.0", DJ: "2.0"}, courses=[101], hours="1.99"))
    assert not almost.met and almost.percent == 99
    met = rules.evaluate(REQUIREMENTS, facts({FG: "2.0", MD: "1.0", DJ: "2.0"}, courses=[101], hours="2"))
    assert met.met and met.percent == 100


def test_credit_beyond_one_requirement_does_not_make_up_for_another():
    # Ten credits in 党建引领 meet the total but neither competency minimum.
    result = rules.evaluate(REQUIREMENTS, facts({DJ: "10"}, courses=[101], hours="2"))
    assert result.percent == 60  # total 1, 法规运用 0, 矛盾调处 0, courses 1, hours 1


def test_a_programme_of_credits_alone_reports_its_credit_progress():
    requirements = rules.Requirements(total_credits=Decimal("4.0"), window_months=12)
    assert rules.evaluate(requirements, facts({FG: "1.0"})).percent == 25


@given(
    fg=st.decimals(min_value=0, max_value=5, places=1),
    md=st.decimals(min_value=0, max_value=5, places=1),
    done=st.booleans(),
    hours=st.decimals(min_value=0, max_value=5, places=1),
)
@settings(max_examples=200, deadline=None)
def test_programme_progress_says_100_exactly_when_met(fg, md, done, hours):
    result = rules.evaluate(REQUIREMENTS, facts({FG: fg, MD: md}, courses=[101] if done else [], hours=str(hours)))
    assert 0 <= result.percent <= 100
    assert (result.percent == 100) == result.met

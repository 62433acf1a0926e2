"""Trainee pages (我的学分, programme pages), admin screens, and query counts that stay constant."""

from decimal import Decimal

import pytest
from django.urls import reverse

from credits import selectors
from credits.models import CreditEntry
from tests.courses.factories import CompetencyFactory, complete, make_course
from tests.factories import UserFactory, make_registrar, make_street_administrator, with_admin_access

from .factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fg, md = CompetencyFactory(code="FG"), CompetencyFactory(code="MD")
    fg_course = make_course(code="FG-01", title="物业法规运用入门", competency=fg, credits="1.0")
    md_course = make_course(code="MD-01", title="矛盾调处实务", competency=md, credits="1.5")
    programme = make_programme(total="3.0", minimums={fg: "2.0", md: "1.0"}, required=[md_course])
    return {"fg": fg, "md": md, "fg_course": fg_course, "md_course": md_course, "programme": programme}


def test_programme_page_shows_requirements_to_everyone_and_progress_only_to_the_trainee(client, world):
    response = client.get(world["programme"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "法规运用：至少 2.0 学分" in html and "必修课《矛盾调处实务》（MD-01）" in html
    assert "还差" not in html and "登录查看我的进度" in html
    trainee = UserFactory()
    complete(trainee, world["fg_course"])
    client.force_login(trainee)
    html = client.get(world["programme"].url).content.decode()
    assert "法规运用还差 1 学分" in html and "必修课《矛盾调处实务》未完成" in html and "总学分还差 2 学分" in html


def test_my_credits_shows_only_the_logged_in_trainees_credits(client, world):
    me, other = UserFactory(), UserFactory()
    complete(me, world["fg_course"])
    complete(other, world["md_course"])
    client.force_login(me)
    response = client.get(reverse("credits_my_credits"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "物业法规运用入门" in html and "矛盾调处实务</a>" not in html
    assert 'data-testid="total-credits">1.0<' in html
    assert "小区专员岗前培训" in html and "法规运用还差 1 学分" in html


def test_my_credits_needs_login(client):
    response = client.get(reverse("credits_my_credits"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_credits_figures_agree_with_the_eligibility_selector(world):
    trainee = UserFactory()
    complete(trainee, world["fg_course"])
    complete(trainee, world["md_course"])
    my_credits = selectors.my_credits_for(trainee)
    direct = selectors.eligibility_for(trainee=trainee, programme=world["programme"])
    assert my_credits.programmes[0].eligibility == direct
    assert direct.total_earned == Decimal("2.5") and [s.kind for s in direct.shortfalls] == ["competency", "total"]


def test_eligibility_costs_the_same_few_queries_however_much_history(world, django_assert_max_num_queries):
    trainee = UserFactory()
    programme = world["programme"]
    with django_assert_max_num_queries(4):
        selectors.eligibility_for(trainee=trainee, programme=programme)
    complete(trainee, world["fg_course"])
    complete(trainee, world["md_course"])
    CreditEntry.objects.bulk_create(
        CreditEntry(
            trainee=trainee,
            competency=world["fg"],
            amount=Decimal("0.5"),
            kind="import",
            earned_on=selectors.today(),
            note="导入",
        )
        for _ in range(200)
    )
    with django_assert_max_num_queries(4):
        result = selectors.eligibility_for(trainee=trainee, programme=programme)
    assert result.met


def test_my_credits_query_count_does_not_grow_with_the_ledger(client, world, django_assert_max_num_queries):
    trainee = UserFactory()
    complete(trainee, world["fg_course"])
    CreditEntry.objects.bulk_create(
        CreditEntry(
            trainee=trainee,
            competency=world["md"],
            amount=Decimal("0.1"),
            kind="import",
            earned_on=selectors.today(),
            note="导入",
        )
        for _ in range(100)
    )
    # The first reads the catalogue too: competencies, programmes and their two kinds of requirement rows, courses
    # and the site root paths for their addresses (which Wagtail caches).
    with django_assert_max_num_queries(9):
        my_credits = selectors.my_credits_for(trainee)
    assert len(my_credits.ledger) == 101
    with django_assert_max_num_queries(3):  # ledger, completions and offline hours, certificates
        assert selectors.my_credits_for(trainee) == my_credits


def test_registrar_adjusts_credits_in_the_admin_and_bad_input_writes_nothing(client, world):
    trainee = UserFactory(phone="+8613955556666")
    registrar = with_admin_access(make_registrar())
    client.force_login(registrar)
    url = reverse("credits_ledger:adjust")
    bad = client.post(url, {"trainee": "13955556666", "competency": world["fg"].pk, "amount": "-1.0", "reason": "误录"})
    assert bad.status_code == 200 and "该调整会使此能力模块的学分余额变为负数。" in bad.content.decode()
    missing_reason = client.post(
        url, {"trainee": "13955556666", "competency": world["fg"].pk, "amount": "1.0", "reason": ""}
    )
    assert missing_reason.status_code == 200
    assert not CreditEntry.objects.exists()
    good = client.post(
        url, {"trainee": "13955556666", "competency": world["fg"].pk, "amount": "1.5", "reason": "区级专题讲座"}
    )
    assert good.status_code == 302
    entry = CreditEntry.objects.get()
    assert entry.trainee == trainee and entry.amount == Decimal("1.5") and entry.recorded_by == registrar


def test_ledger_admin_is_read_only_and_street_administrators_cannot_adjust(client, world):
    trainee = UserFactory()
    complete(trainee, world["fg_course"])
    entry = CreditEntry.objects.get()
    client.force_login(with_admin_access(make_registrar()))
    assert client.get(reverse("credits_ledger:index")).status_code == 200
    assert client.get(reverse("credits_ledger:inspect", args=[entry.pk])).status_code == 200
    assert client.get(reverse("credits_ledger:edit", args=[entry.pk])).status_code == 302  # permission denied
    assert client.post(reverse("credits_ledger:delete", args=[entry.pk])).status_code == 302
    assert client.get(reverse("credits_ledger:add")).status_code == 302
    assert CreditEntry.objects.get(pk=entry.pk).amount == Decimal("1.0")
    client.force_login(with_admin_access(make_street_administrator(trainee.street)))
    assert client.get(reverse("credits_ledger:adjust")).status_code in (302, 403)
    assert trainee.real_name in client.get(reverse("credits_ledger:index")).content.decode()

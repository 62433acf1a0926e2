"""Laws and their articles: questions cite articles; a new version of a law flags exactly the live questions citing a
changed article, keeps them out of random papers until an editor confirms or edits them, and lists the courses whose
lessons or quizzes cite the changed articles."""

import pytest
from django.urls import reverse
from wagtail.rich_text import RichText

from assessments import rules, selectors, services
from assessments.choices import QuestionStatus
from assessments.demo import seed_permissions
from assessments.models import LegalArticle, LegalReference, LegalVersion
from courses.models import LessonPage
from tests.assessments.factories import make_question
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course
from tests.factories import make_editor

# Rules (no database) -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "chinese"),
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (105, "一百零五"), (110, "一百一十"), (271, "二百七十一"),
     (278, "二百七十八"), (1000, "一千"), (1010, "一千零一十"), (1260, "一千二百六十")],
)  # fmt: skip
def test_articles_are_numbered_in_chinese_numerals_as_laws_number_them(number, chinese):
    assert rules.chinese_number(number) == chinese
    assert rules.article_label(number) == f"第{chinese}条"


def test_prose_cites_an_article_by_the_laws_short_name_and_its_label():
    text = "依据《民法典》第二百七十一条、第二百七十八条，业主共同决定……《物业管理条例》第十条另有规定。"
    assert rules.cites_article(text, short_name="民法典", number=278)
    assert rules.cites_article(text, short_name="物业管理条例", number=10)
    assert not rules.cites_article(text, short_name="民法典", number=10)  # 第十条 belongs to the other law
    assert not rules.cites_article(text, short_name="民法典", number=27)  # 第二十七条 is not in 第二百七十一条


def test_changed_articles_are_those_whose_text_differs_ignoring_spaces():
    before = {271: "业主对建筑物内的住宅享有所有权。", 278: "旧文本", 280: "决定具有约束力。"}
    after = {271: "业主对建筑物内的住宅 享有所有权。", 278: "新文本", 280: "决定具有约束力。"}
    assert rules.changed_article_numbers(before, after) == {278}


# Versions and review -------------------------------------------------------------------------------------------


@pytest.fixture
def civil_code(db):
    law = LegalReference.objects.create(
        name="中华人民共和国民法典", short_name="民法典", issuer="全国人民代表大会", version="2021年1月1日起施行"
    )
    for number, text in ((271, "第271条旧文"), (278, "第278条旧文"), (280, "第280条旧文")):
        LegalArticle.objects.create(law=law, number=number, text=text)
    return law


@pytest.fixture
def editor(staff_groups):
    seed_permissions()
    return make_editor()


def _article(law, number):
    return law.articles.get(number=number)


@pytest.fixture
def questions(civil_code):
    law = CompetencyFactory(code="FG")
    made = {}
    for name, status, cited in (
        ("live_278", QuestionStatus.LIVE, (278,)),
        ("live_271", QuestionStatus.LIVE, (271,)),
        ("draft_278", QuestionStatus.DRAFT, (278,)),
        ("live_278_280", QuestionStatus.LIVE, (278, 280)),
        ("live_uncited", QuestionStatus.LIVE, ()),
    ):
        question = make_question(competency=law, text=name, status=status)
        question.citations.set([_article(civil_code, number) for number in cited])
        question.save()  # a ParentalManyToManyField is written when its object is saved
        made[name] = question
    return made


def test_a_new_version_flags_exactly_the_live_questions_citing_a_changed_article(editor, civil_code, questions):
    result = services.legal_version_record(
        actor=editor,
        law=civil_code,
        version="2025年修正",
        in_force_on=None,
        texts={271: "第271条旧文", 278: "第278条新文", 280: " 第280条 旧文 "},
    )
    assert [article.number for article in result.changed] == [278]
    flagged = {name for name, question in questions.items() if question.pk in result.flagged}
    assert flagged == {"live_278", "live_278_280"}
    drawable = set(selectors.drawable_questions().values_list("text", flat=True))
    assert drawable == {"live_271", "live_uncited"}
    civil_code.refresh_from_db()
    assert civil_code.version == "2025年修正" and _article(civil_code, 278).text == "第278条新文"
    assert list(LegalVersion.objects.get().changed_articles.values_list("number", flat=True)) == [278]


def test_confirming_a_flagged_question_puts_it_back_into_papers(editor, civil_code, questions):
    services.legal_version_record(
        actor=editor, law=civil_code, version="2025年修正", in_force_on=None, texts={278: "新文"}
    )
    services.question_review_clear(actor=editor, question=questions["live_278"])
    assert "live_278" in set(selectors.drawable_questions().values_list("text", flat=True))
    assert "live_278_280" not in set(selectors.drawable_questions().values_list("text", flat=True))


def test_a_version_naming_an_article_the_law_does_not_have_changes_nothing(editor, civil_code, questions):
    with pytest.raises(services.LegalVersionError):
        services.legal_version_record(
            actor=editor, law=civil_code, version="2025年修正", in_force_on=None, texts={278: "新文", 999: "x"}
        )
    assert not LegalVersion.objects.exists() and _article(civil_code, 278).text == "第278条旧文"
    assert selectors.drawable_questions().count() == 4


def test_editor_records_a_version_and_sees_the_flagged_questions_and_the_courses_citing_the_article(
    client, editor, civil_code, questions
):
    index = make_catalogue()
    citing = make_course(index, code="FG-01", title="业主大会怎么开", quiz=False)
    lesson = LessonPage.objects.child_of(citing).first()
    lesson.body = [("paragraph", RichText("<p>依据《民法典》第二百七十一条、第二百七十八条，共同决定事项……</p>"))]
    lesson.save_revision().publish()
    make_course(index, code="FG-02", title="不相干的课程", quiz=False)
    client.force_login(editor)
    url = reverse("wagtailsnippets_assessments_legalreference:new_version", args=[civil_code.pk])
    form = client.get(url)
    assert form.status_code == 200 and "第278条旧文" in form.content.decode()
    done = client.post(
        url,
        {"version": "2025年修正", "in_force_on": "", "note": "", "article_271": "第271条旧文",
         "article_278": "第278条新文", "article_280": "第280条旧文"},
    )  # fmt: skip
    html = done.content.decode()
    assert done.status_code == 200, html[:2000]
    assert "live_278" in html and "live_278_280" in html and "live_271" not in html
    assert "业主大会怎么开" in html and "不相干的课程" not in html
    review = client.get(reverse("assessments_review:index")).content.decode()
    assert "live_278" in review and "live_uncited" not in review


def test_editing_a_flagged_question_in_the_admin_counts_as_its_review(client, editor, civil_code, questions):
    services.legal_version_record(
        actor=editor, law=civil_code, version="2025年修正", in_force_on=None, texts={278: "新文"}
    )
    question = questions["live_278"]
    client.force_login(editor)
    edit = reverse("wagtailsnippets_assessments_bankquestion:edit", args=[question.pk])
    options = list(question.options.order_by("sort_order"))
    data = {
        "competency": question.competency_id, "kind": question.kind, "case": "", "text": "live_278 改写后",
        "difficulty": question.difficulty, "tags": "", "explanation": "依据修正后的第二百七十八条。",
        "status": question.status, "accepted_answers": "", "blank_match": question.blank_match,
        "citations": [_article(civil_code, 278).pk],
        "options-TOTAL_FORMS": str(len(options)), "options-INITIAL_FORMS": str(len(options)),
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, option in enumerate(options):
        data.update(
            {
                f"options-{index}-id": option.pk,
                f"options-{index}-text": option.text,
                f"options-{index}-ORDER": index + 1,
            }
        )
        if option.correct:
            data[f"options-{index}-correct"] = "on"
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert not question.needs_review and question.review_version is None


def test_confirm_only_by_post_and_only_by_those_who_may_edit_questions(client, staff_groups, civil_code, questions):
    from tests.factories import make_registrar

    client.force_login(make_registrar())
    url = reverse("assessments_review:confirm", args=[questions["live_278"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code in (302, 403)
    assert client.get(reverse("assessments_review:index")).status_code == 302  # Wagtail turns 403 into a redirect


def test_an_editor_adds_a_law_with_its_version_and_editing_keeps_the_version_fixed(client, editor):
    client.force_login(editor)
    add = reverse("wagtailsnippets_assessments_legalreference:add")
    data = {
        "name": "浙江省物业管理条例", "short_name": "浙江省物业管理条例", "issuer": "浙江省人民代表大会常务委员会",
        "version": "2021年修订", "in_force_on": "2021-01-01", "link": "",
        "articles-TOTAL_FORMS": "1", "articles-INITIAL_FORMS": "0", "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000", "articles-0-number": "30", "articles-0-text": "第三十条文本", "articles-0-ORDER": "1",
    }  # fmt: skip
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    law = LegalReference.objects.get(name="浙江省物业管理条例")
    assert (law.version, str(law.in_force_on)) == ("2021年修订", "2021-01-01")

    edit = reverse("wagtailsnippets_assessments_legalreference:edit", args=[law.pk])
    article = law.articles.get()
    data.update(
        {
            "version": "偷改的版本",
            "in_force_on": "2030-01-01",
            "articles-INITIAL_FORMS": "1",
            "articles-0-id": article.pk,
        }
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    law.refresh_from_db()
    assert (law.version, str(law.in_force_on)) == ("2021年修订", "2021-01-01")


def test_the_law_list_offers_each_law_its_new_version_button(client, editor, civil_code):
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_assessments_legalreference:list"))
    assert response.status_code == 200
    new_version = reverse("wagtailsnippets_assessments_legalreference:new_version", args=[civil_code.pk])
    assert new_version in response.content.decode()

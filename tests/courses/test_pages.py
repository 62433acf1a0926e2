"""Pages: the page tree, the catalogue, course and lesson pages, access rules, quiz forms and My learning."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses import services
from courses.models import CourseIndexPage, CoursePage, LessonPage, LessonProgress, QuizAttempt
from home.models import HomePage
from tests.factories import UserFactory

from .factories import CompetencyFactory, make_catalogue, make_course, presented, right_answers, wrong_answers


class PageTreeTests(WagtailPageTestCase):
    def test_catalogue_holds_only_courses(self):
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})

    def test_course_holds_only_lessons_of_every_kind(self):
        from scenarios.models import ScenarioPage  # a kind of lesson registered through courses/lesson_kinds.py

        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, ScenarioPage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})

    def test_lesson_lives_only_in_a_course_and_has_no_children(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_catalogue_can_be_created_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(Page, LessonPage)


pytestmark = pytest.mark.django_db


def login(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def course():
    return make_course(code="FG-01", title="物业管理条例解读", lessons=3)


def test_catalogue_lists_courses_with_counts_per_competency(client, course):
    make_course(code="MD-01", title="矛盾调处实务与案例分析")
    make_course(code="MD-02", title="邻里纠纷调解技巧", delivery_mode="offline", lessons=0, quiz=False)
    html = client.get(make_catalogue().url).content.decode()
    assert "物业管理条例解读" in html and "矛盾调处实务与案例分析" in html
    assert 'data-competency="MD">矛盾调处 <span class="facet__count">2</span>' in html
    assert 'data-competency="FG">法规运用 <span class="facet__count">1</span>' in html


def test_catalogue_filters_live_in_the_url(client, course):
    """Each filter keeps the courses it should and drops the others: a filter that emptied the catalogue fails."""
    make_course(code="MD-01", title="矛盾调处实务与案例分析", audiences=("pc",), credits="2.0")
    make_course(code="MD-02", title="邻里纠纷调解技巧", delivery_mode="offline", lessons=0, quiz=False)
    url = make_catalogue().url
    titles = {"物业管理条例解读", "矛盾调处实务与案例分析", "邻里纠纷调解技巧"}
    expected = {
        "competency=FG": {"物业管理条例解读"},
        "competency=MD": {"矛盾调处实务与案例分析", "邻里纠纷调解技巧"},
        "audience=pc": {"矛盾调处实务与案例分析"},
        "audience=rc": {"物业管理条例解读", "邻里纠纷调解技巧"},
        "credits=2.0": {"矛盾调处实务与案例分析"},
        "credits=1.0": {"物业管理条例解读", "邻里纠纷调解技巧"},
        "mode=offline": {"邻里纠纷调解技巧"},
        "mode=online": {"物业管理条例解读", "矛盾调处实务与案例分析"},
        "q=调处": {"矛盾调处实务与案例分析"},
        "q=md-01": {"矛盾调处实务与案例分析"},
    }
    for query, kept in expected.items():
        name, value = query.split("=")
        html = client.get(url, {name: value}).content.decode()
        assert {title for title in titles if title in html} == kept, query


def test_catalogue_reports_an_unknown_filter_value_and_ignores_it(client, course):
    response = client.get(make_catalogue().url, {"competency": "XX"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "field__error" in html and "物业管理条例解读" in html


def test_catalogue_paginates(client):
    index = make_catalogue(per_page=4)
    competency = CompetencyFactory(code="ZZ")
    for number in range(1, 7):
        make_course(index, code=f"ZZ-{number:02d}", competency=competency, lessons=0, quiz=False)
    first = client.get(index.url).content.decode()
    second = client.get(index.url, {"page": 2}).content.decode()
    assert "ZZ-04" in first and "ZZ-05" not in first
    assert "ZZ-05" in second and 'rel="prev"' in second


def test_catalogue_shows_new_course_after_publishing(client, course):
    index = make_catalogue()
    client.get(index.url)
    make_course(code="FG-02", title="维修资金使用规则")
    cache_hit = client.get(index.url).content.decode()
    assert "维修资金使用规则" in cache_hit


def test_course_page_offers_login_to_anonymous_visitors(client, course):
    html = client.get(course.url).content.decode()
    assert "/accounts/login/" in html and course.summary in html
    assert "正确甲" not in html  # quiz options never on the course page


def test_enrol_through_the_course_page(client, course):
    user = login(client)
    response = client.post(course.url + "enrol/")
    assert response.status_code == 302
    assert user.enrolments.filter(course=course).exists()
    assert client.get(course.url + "enrol/").status_code == 405


def test_enrol_with_missing_prerequisite_shows_the_course_name(client, course):
    advanced = make_course(code="FG-02", prerequisites=(course,))
    user = login(client)
    response = client.post(advanced.url + "enrol/", follow=True)
    assert "物业管理条例解读" in response.content.decode()
    assert not user.enrolments.exists()


def test_lesson_needs_login_and_enrolment(client, course):
    second = LessonPage.objects.child_of(course).order_by("path")[1]
    assert client.get(second.url)["Location"].startswith("/accounts/login/")
    login(client)
    assert client.get(second.url)["Location"] == course.url


def test_first_lesson_free_preview_is_open_to_everyone(client, course):
    first = LessonPage.objects.child_of(course).order_by("path").first()
    response = client.get(first.url)
    assert response.status_code == 200 and "免费试看" not in response.content.decode()[:0]


def test_free_preview_on_a_later_lesson_is_not_honoured(client, course):
    second = LessonPage.objects.child_of(course).order_by("path")[1]
    second.free_preview = True
    second.save_revision().publish()
    assert client.get(second.url).status_code == 302


def test_enrolled_trainee_reads_lessons_and_marks_them_done(client, course):
    user = login(client)
    services.enrolment_create(user=user, course=course)
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    response = client.get(lessons[1].url)
    html = response.content.decode()
    assert response.status_code == 200 and lessons[0].title in html and lessons[2].title in html
    assert client.get(lessons[1].url + "done/").status_code == 405
    response = client.post(lessons[1].url + "done/")
    assert response["Location"] == lessons[0].url  # continue where the trainee left off
    assert LessonProgress.objects.filter(user=user, lesson=lessons[1]).exists()


def test_not_enrolled_trainee_cannot_mark_a_free_preview_done(client, course):
    user = login(client)
    first = LessonPage.objects.child_of(course).order_by("path").first()
    client.post(first.url + "done/")
    assert not LessonProgress.objects.filter(user=user).exists()


def test_quiz_page_never_contains_correct_flags(client, course):
    user = login(client)
    services.enrolment_create(user=user, course=course)
    html = client.get(course.url + "quiz/").content.decode()
    assert "正确甲" in html  # the option text is shown…
    assert "correct" not in html.lower()  # …but nothing says which one is right
    assert "解析" not in html


def test_quiz_form_with_missing_answer_is_a_400_and_records_nothing(client, course):
    user = login(client)
    services.enrolment_create(user=user, course=course)
    answers = right_answers(course)
    answers.pop(next(iter(answers)))
    response = client.post(course.url + "quiz/", {f"q-{k}": v for k, v in presented(user, course, answers).items()})
    assert response.status_code == 400
    assert "alert--error" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_quiz_form_with_unknown_option_is_a_400(client, course):
    user = login(client)
    services.enrolment_create(user=user, course=course)
    answers = {f"q-{k}": v for k, v in presented(user, course, right_answers(course)).items()}
    answers[f"q-c{course.pk}q3"] = ["forged"]
    assert client.post(course.url + "quiz/", answers).status_code == 400
    assert not QuizAttempt.objects.exists()


def test_quiz_requires_enrolment(client, course):
    login(client)
    response = client.post(course.url + "quiz/", {f"q-{k}": v for k, v in right_answers(course).items()})
    assert response.status_code == 302
    assert not QuizAttempt.objects.exists()


def test_result_shows_which_questions_were_wrong_but_not_the_right_option(client, course):
    user = login(client)
    services.enrolment_create(user=user, course=course)
    answers = presented(user, course, wrong_answers(course))
    response = client.post(course.url + "quiz/", {f"q-{k}": v for k, v in answers.items()}, follow=True)
    html = response.content.decode()
    assert "0%" in html and html.count("result-list__item--wrong") == 3
    assert "正确甲" not in html and "正确丙" not in html
    assert "解析" not in html  # explanations wait until no attempt is left


def test_someone_elses_quiz_result_is_not_found(client, course):
    owner = UserFactory()
    services.enrolment_create(user=owner, course=course)
    attempt = services.quiz_attempt_submit(user=owner, course=course, answers=wrong_answers(course))
    login(client)
    assert client.get(f"{course.url}quiz/attempts/{attempt.pk}/").status_code == 404


def test_my_learning_needs_login_and_shows_progress_and_completed(client, course):
    assert client.get("/learning/")["Location"].startswith("/accounts/login/")
    user = login(client)
    done = make_course(code="ZZ-01", title="议事规则入门", lessons=1, quiz=False)
    services.enrolment_create(user=user, course=done)
    services.lesson_mark_done(user=user, lesson=LessonPage.objects.child_of(done).get())
    services.enrolment_create(user=user, course=course)
    services.lesson_mark_done(user=user, lesson=LessonPage.objects.child_of(course).order_by("path").first())
    html = client.get("/learning/").content.decode()
    assert 'aria-valuenow="33"' in html and "议事规则入门" in html
    assert LessonPage.objects.child_of(course).order_by("path")[1].title in html  # continue where you left off


def test_catalogue_redirect_finds_the_catalogue(client, course):
    assert client.get("/learning/catalogue/")["Location"] == make_catalogue().url


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types) so only data-dependent queries differ
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(index, start, count, users):
    for number in range(start, start + count):
        course = make_course(index, code=f"MD-{number:02d}", lessons=4)
        for user in users:
            services.enrolment_create(user=user, course=course)


def test_catalogue_query_count_is_constant(client, django_assert_max_num_queries):
    index = make_catalogue()
    users = [UserFactory() for _ in range(3)]
    _grow(index, 1, 2, users)
    small = _queries(client, index.url + "?audience=rc")
    _grow(index, 3, 14, users)
    large = _queries(client, index.url + "?audience=rc")
    assert small == large
    cache.clear()
    with django_assert_max_num_queries(15):  # 12 of its own + site settings (site, root page, settings row)
        client.get(index.url + "?audience=rc")


def test_course_page_query_count_is_constant(client, django_assert_max_num_queries):
    users = [UserFactory() for _ in range(3)]
    small_course = make_course(code="FW-01", lessons=1)
    large_course = make_course(code="FW-02", lessons=6, prerequisites=(small_course,))
    viewer = login(client)
    for course in (small_course, large_course):
        for user in [*users, viewer]:
            services.enrolment_create(user=user, course=course) if course == small_course else None
    small = _queries(client, small_course.url)
    services.lesson_mark_done(user=viewer, lesson=LessonPage.objects.child_of(small_course).get())
    for user in users:
        services.enrolment_create(user=user, course=small_course)
    services.quiz_attempt_submit(user=viewer, course=small_course, answers=right_answers(small_course))
    services.enrolment_create(user=viewer, course=large_course)
    for lesson in LessonPage.objects.child_of(large_course)[:3]:
        services.lesson_mark_done(user=viewer, lesson=lesson)
    large = _queries(client, large_course.url)
    assert small == large
    cache.clear()
    # 21 of its own (one asks whether the quiz draws its paper from the question bank) + site settings + the
    # header's count of unread notices (消息) + which courses have a written assignment (asked on a cold cache only,
    # then cached until course content changes: assignments.selectors.course_ids_with_assignment)
    with django_assert_max_num_queries(26):
        client.get(large_course.url)


def test_lesson_page_reads_its_course_once_and_asks_no_permissions_of_an_enrolled_trainee(
    client, django_assert_max_num_queries
):
    course = make_course(code="FW-03", lessons=3)
    viewer = login(client)
    services.enrolment_create(user=viewer, course=course)
    lesson = LessonPage.objects.child_of(course).order_by("path")[1]
    client.get(lesson.url)  # warm the caches (content types, the site lookup, the user bar's admin-access answer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(lesson.url).status_code == 200
    statements = [query["sql"] for query in captured]
    assert not [sql for sql in statements if "auth_permission" in sql]  # a trainee is let in by her enrolment
    assert len([sql for sql in statements if '"courses_enrolment"' in sql]) == 1
    # The test site's root is Wagtail's plain welcome page, which routes to the catalogue itself (2; the academy's
    # HomePage takes them from the cache, academy/serving.py). The session and user (2), the enrolment with the lesson's progress and time on task (1), the header's count of
    # unread notices (1). 19 before the course (taken from the catalogue's routing), its lessons and the enrolment
    # were read once per request and staff were asked last; 14 before the lesson came from the route cache, the
    # course's lessons from the cache and the trainee's standing in one query (tests/courses/test_lesson_cost.py);
    # 8 before the view restrictions came from the cache (academy/serving.py).
    with django_assert_max_num_queries(6):
        client.get(lesson.url)


def test_lesson_page_still_lets_staff_read_without_enrolling(client, course):
    from django.contrib.auth.models import Group, Permission

    editors = Group.objects.create(name="lesson checkers")
    editors.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    editor = UserFactory()
    editor.groups.add(editors)
    login(client, editor)
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    assert client.get(lessons[2].url).status_code == 200
    client.logout()
    login(client)  # a trainee who has not enrolled is still sent to the course page
    assert client.get(lessons[2].url)["Location"] == course.url

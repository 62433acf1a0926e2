"""The pages the accessibility and elder-mode browser tests open: the two-street world of the admin tests (a trainee
with credits, a certificate, a past class) plus what a trainee meets next: a course in progress with a lesson of
several paragraphs, a quiz of long questions and five ratings, a class open for registration, and an event open for sign-up."""

import datetime as dt

from django.utils import timezone
from wagtail.rich_text import RichText

LONG_QUESTION = (
    "小区召开业主大会选举业主委员会时，居委会、业委会筹备组和物业服务企业三方各自应当承担哪些职责？"
    "请结合《物业管理条例》和本课时讲到的和畔里社区案例，选出最恰当的一项做法。"
)
LESSON_PARAGRAPHS = (
    "三方联席会议是社区居委会、业主委员会和物业服务企业共同商量小区事务的平台。",
    "会议一般每月召开一次，由社区居委会召集，三方各派代表参加，必要时邀请居民代表列席。",
    "会上讨论的事项和形成的意见要记录在案，会后在小区公告栏公布，接受居民监督。",
)


def key_pages_world() -> dict:
    """Build the world and name the key pages: ``public_paths`` for anyone, ``trainee_paths`` for its trainee."""
    from courses.models import CourseFeedback, Enrolment, LessonPage, Quiz
    from home.models import EventIndexPage, EventPage, HomePage
    from tests.courses.factories import make_course, make_session, make_venue, quiz_questions
    from tests.credits.factories import give_credits, make_two_streets_world
    from tests.factories import UserFactory

    world = make_two_streets_world()
    trainee = world["trainee_b"]
    give_credits(trainee, world["competency"], "2.5")

    course = make_course(
        code="LX-01",
        title="三方联席会议的组织与运行",
        competency=world["competency"],
        lessons=2,
        quiz=False,
        summary="联席会议怎样召集、怎样议事、怎样把议定的事项落到实处。",
    )
    questions = quiz_questions(f"c{course.pk}", 3)
    for question in questions:
        question["value"]["text"] = LONG_QUESTION
    Quiz.objects.create(course=course, pass_mark=60, max_attempts=3, questions=questions)
    lesson = LessonPage.objects.child_of(course).get(slug="lesson-1")
    lesson.body = [("paragraph", RichText(f"<p>{text}</p>")) for text in LESSON_PARAGRAPHS]
    lesson.save_revision().publish()
    Enrolment.objects.create(user=trainee, course=course)
    for rating in (3, 4, 4, 5, 5):  # five ratings: the course shows its ratings panel (a secondary panel)
        CourseFeedback.objects.create(
            user=UserFactory(), course=course, content_rating=rating, lecturer_rating=rating, usefulness_rating=rating
        )
    session = make_session(world["offline_course"], starts_in=dt.timedelta(days=5), title="矛盾调处情景模拟（第4期）")

    home = HomePage.objects.first()
    events = home.add_child(instance=EventIndexPage(title="活动", slug="events"))
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    event = events.add_child(
        instance=EventPage(
            title="周末书画课",
            category="cultural_station",
            start=start,
            end=start + dt.timedelta(hours=2),
            venue=make_venue("丰享家文化驿站"),
            organiser="丰享家文化驿站",
            capacity=10,
            introduction="请书法老师带大家写春联，笔墨纸砚由文化驿站准备。",
        )
    )
    certificate = world["certificate"]
    catalogue = course.get_parent()
    world.update(
        trainee=trainee,
        lesson=lesson,
        quiz_course=course,
        upcoming_session=session,
        event=event,
        public_paths={
            "home": "/",
            "catalogue": catalogue.url,
            "course": world["course"].url,
            "event": event.url,
            "verify": f"/verify/{certificate.verification_code}/",
            "sign-up": "/accounts/signup/",
            "log-in": "/accounts/login/",
        },
        trainee_paths={
            "my learning": "/learning/",
            "course": course.url,
            "lesson": lesson.url,
            "quiz": course.url + "quiz/",
            "session": f"/learning/sessions/{session.pk}/",
            "my credits": "/credits/",
            "certificate list": "/credits/certificates/",
        },
    )
    return world

"""A registrar's own notice to a group of trainees from the admin: a cohort (its roster) or a session's registrants,
through one form (write, preview with the number of recipients, confirm) and one service (notify() with the staff
notice event, audited with who sent what to how many). Empty or over-long text, a group of nobody and anyone but a
registrar are refused, and nothing is sent."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from academy.sms import ConsoleSMSSender
from courses import services as course_services
from credits.models import Cohort
from notifications import rules, services
from notifications.choices import Event
from notifications.models import Notification
from tests.courses.factories import make_session
from tests.credits.factories import make_programme
from tests.factories import UserFactory, make_registrar, make_street_administrator, with_admin_access

pytestmark = pytest.mark.django_db

TITLE, TEXT = "结业考试安排", "本期结业考试定于12月20日上午9点，请带好身份证。"


@pytest.fixture(autouse=True)
def _any_time_of_day(settings):
    """About who is told and what is written; when (quiet hours) is tested in test_notify."""
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    ConsoleSMSSender.outbox.clear()


@pytest.fixture
def cohort():
    cohort = Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=make_programme(total="2.0"))
    cohort.roster.set([UserFactory(real_name="张三"), UserFactory(real_name="李四"), UserFactory(is_active=False)])
    return cohort


@pytest.fixture
def registrar():
    return with_admin_access(make_registrar(real_name="王教务"))


def cohort_notice(client, cohort, **data):
    return client.post(reverse("credits_cohorts:notice", args=[cohort.pk]), data)


def test_registrar_previews_a_cohort_notice_with_its_recipient_count_then_sends_it(
    client, cohort, registrar, django_capture_on_commit_callbacks
):
    client.force_login(registrar)
    page = client.get(reverse("credits_cohorts:notice", args=[cohort.pk])).content.decode()
    assert "这条通知将发给2名学员" in page  # the inactive member is not counted

    preview = cohort_notice(client, cohort, title=TITLE, text=TEXT).content.decode()
    assert 'data-testid="notice-preview"' in preview and TEXT in preview
    assert "发送给2名学员" in preview
    assert not Notification.objects.exists()  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = cohort_notice(client, cohort, title=TITLE, text=TEXT, step="send")
    assert response.status_code == 302
    notices = Notification.objects.filter(event=Event.STAFF_NOTICE)
    assert sorted(n.recipient.real_name for n in notices) == ["张三", "李四"]
    assert {(n.title, n.body, n.sent_by_id) for n in notices} == {(TITLE, TEXT, registrar.pk)}
    assert len(ConsoleSMSSender.outbox) == 2  # and by SMS, as their (default) preferences say
    [entry] = ModelLogEntry.objects.filter(action="notifications.staff_notice")
    assert (entry.object_id, entry.user_id) == (str(cohort.pk), registrar.pk)
    assert entry.data == {"title": TITLE, "text": TEXT, "recipients": 2}


def test_registrar_can_go_back_from_the_preview_and_change_the_text(client, cohort, registrar):
    client.force_login(registrar)
    page = cohort_notice(client, cohort, title=TITLE, text=TEXT, step="edit").content.decode()
    assert 'data-testid="notice-preview"' not in page and f"{TEXT}</textarea>" in page
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (TITLE, ""),
        (TITLE, "   "),
        ("", TEXT),
        (TITLE, "字" * (rules.STAFF_NOTICE_TEXT_MAX + 1)),
        ("题" * (rules.STAFF_NOTICE_TITLE_MAX + 1), TEXT),
    ],
    ids=["empty-text", "blank-text", "empty-title", "text-too-long", "title-too-long"],
)
@pytest.mark.parametrize("step", ["", "send"])
def test_empty_or_over_long_notice_is_refused_and_sends_nothing(client, cohort, registrar, title, text, step):
    client.force_login(registrar)
    response = cohort_notice(client, cohort, title=title, text=text, step=step)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and ("必需字段" in page or "确保该变量包含不超过" in page)
    assert not Notification.objects.exists()
    assert not ModelLogEntry.objects.filter(action="notifications.staff_notice").exists()


def test_a_cohort_of_nobody_is_refused(client, registrar):
    empty = Cohort.objects.create(name="2026年第4期", programme=make_programme(total="2.0"))
    empty.roster.set([UserFactory(is_active=False)])
    client.force_login(registrar)
    assert "没有人会收到这条通知" in client.get(reverse("credits_cohorts:notice", args=[empty.pk])).content.decode()
    for step in ("", "send"):
        response = cohort_notice(client, empty, title=TITLE, text=TEXT, step=step)
        assert response.status_code == 200 and "没有人会收到这条通知" in response.content.decode()
    assert not Notification.objects.exists()


def test_only_registrars_may_send_a_cohort_notice(client, cohort):
    member = cohort.roster.filter(is_active=True).first()
    for person in (make_street_administrator(member.street), UserFactory()):
        client.force_login(with_admin_access(person))
        assert client.get(reverse("credits_cohorts:notice", args=[cohort.pk])).status_code in (302, 403)
        assert cohort_notice(client, cohort, title=TITLE, text=TEXT, step="send").status_code in (302, 403)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": TITLE, "text": ""}, "empty"),
        ({"title": TITLE, "text": "字" * (rules.STAFF_NOTICE_TEXT_MAX + 1)}, "too_long"),
        ({"title": TITLE, "text": TEXT, "recipients": []}, "nobody"),
        ({"title": TITLE, "text": TEXT, "actor": "trainee"}, "not_allowed"),
    ],
)
def test_the_service_refuses_what_the_form_refuses_and_writes_nothing(cohort, registrar, kwargs, code):
    kwargs = {"actor": registrar, "recipients": list(cohort.roster.all()), "about": cohort, **kwargs}
    if kwargs["actor"] == "trainee":
        kwargs["actor"] = UserFactory()
    with pytest.raises(services.StaffNoticeError) as refused:
        services.staff_notice_send(**kwargs)
    assert refused.value.code == code
    assert not Notification.objects.exists()
    assert not ModelLogEntry.objects.filter(action="notifications.staff_notice").exists()


def test_a_sessions_registrants_get_their_notice_through_the_same_form_and_service(
    client, registrar, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    seated, waiting, elsewhere = UserFactory(), UserFactory(), UserFactory()
    for person in (seated, waiting):
        course_services.session_register(user=person, session=session)
    url = reverse("courses_sessions:notice", args=[session.pk])
    client.force_login(registrar)

    preview = client.post(url, {"title": "改到2楼", "text": "培训改在2楼教室"}).content.decode()
    assert "发送给2名学员" in preview and not Notification.objects.filter(event=Event.STAFF_NOTICE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"title": "改到2楼", "text": "培训改在2楼教室", "step": "send"})
    assert response.status_code == 302
    notices = Notification.objects.filter(event=Event.STAFF_NOTICE)
    assert sorted(n.recipient_id for n in notices) == sorted([seated.pk, waiting.pk])
    assert {n.link for n in notices} == {reverse("courses_session", args=[session.pk])}
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    entry = ModelLogEntry.objects.get(action="notifications.staff_notice")
    assert (entry.object_id, entry.data["recipients"]) == (str(session.pk), 2)

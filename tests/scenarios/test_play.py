"""Playing a scenario: the path stored and resumed, completion only at the required ending, competency scores,
tampering refused, permissions, concurrency, the funnel and the session roster's column."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from courses import services as course_services
from courses.models import CourseCompletion, LessonProgress
from scenarios import selectors, services
from scenarios.models import ScenarioPlay, ScenarioStep, SessionPreparation
from tests.courses.factories import make_session
from tests.factories import UserFactory, make_registrar, with_admin_access

from .factories import choice_id, make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return make_scenario()


@pytest.fixture
def trainee(scenario):
    user = UserFactory()
    course_services.enrolment_create(user=user, course=scenario.get_parent().specific)
    return user


def choose(user, scenario, play, text) -> ScenarioStep:
    play.refresh_from_db()
    return services.scenario_choose(
        user=user,
        scenario=scenario,
        play_id=play.pk,
        scene_key=play.current_scene,
        step=play.steps.count(),
        choice_id=choice_id(scenario, play.current_scene, text),
    )


def play_path(scenario, texts, *, user=None, role="rc") -> ScenarioPlay:
    """A new play by ``user`` (default: a new enrolled trainee) taking the choices named by their text."""
    if user is None:
        user = UserFactory()
        course_services.enrolment_create(user=user, course=scenario.get_parent().specific)
    play = services.scenario_play_start(user=user, scenario=scenario, role=role)
    for text in texts:
        choose(user, scenario, play, text)
    play.refresh_from_db()
    return play


def test_the_path_is_stored_step_by_step_and_resumed_where_the_trainee_left_off(scenario, trainee, client):
    play = play_path(scenario, ["倾听", "再开个会"], user=trainee)
    assert play.finished_at is None and play.current_scene == "meeting"
    assert list(play.steps.values_list("number", "scene_key", "target_key")) == [
        (1, "start", "listen"),
        (2, "listen", "meeting"),
    ]
    # Coming back later (a new request, a new session): the page shows the scene where they stopped.
    client.force_login(trainee)
    response = client.get(scenario.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-scene="meeting"' in html and 'name="step" value="2"' in html
    assert selectors.open_play(user=trainee, scenario=scenario).pk == play.pk


def test_competency_scores_of_a_path_are_the_sums_of_the_choices_deltas(scenario, trainee):
    play = play_path(scenario, ["呵斥", "道歉", "达成协议"], user=trainee)
    review = selectors.play_review(play)
    # 呵斥 MD −2 FG −1; 道歉 MD +1; 达成协议 MD +1 FG +1 → MD 0, FG 0 (present, since scored).
    scores = dict(review.scores)
    assert scores == {"矛盾调处": 0, "法规运用": 0}
    play2 = play_path(scenario, ["倾听", "达成协议"], user=trainee)
    assert dict(selectors.play_review(play2).scores) == {"矛盾调处": 3, "法规运用": 1}


def test_the_review_names_the_better_choices_missed(scenario, trainee):
    play = play_path(scenario, ["呵斥", "报警"], user=trainee)
    assert play.ending == "poor"
    review = selectors.play_review(play)
    assert [[choice.text for choice in step.better] for step in review.steps] == [["倾听"], ["道歉"]]
    assert review.steps[0].feedback == "对“呵斥”的点评。"


def test_the_lesson_completes_only_at_the_required_ending_or_better(scenario, trainee):
    course = scenario.get_parent().specific
    for lesson in course.get_lessons().exclude(pk=scenario.pk):
        course_services.lesson_mark_done(user=trainee, lesson=lesson)
    play_path(scenario, ["呵斥", "报警"], user=trainee)  # poor
    assert not LessonProgress.objects.filter(user=trainee, lesson=scenario).exists()
    assert not CourseCompletion.objects.filter(user=trainee, course=course).exists()
    play_path(scenario, ["倾听", "再开个会", "表决"], user=trainee)  # acceptable: the minimum
    assert LessonProgress.objects.filter(user=trainee, lesson=scenario).exists()
    assert CourseCompletion.objects.filter(user=trainee, course=course).exists()


def test_a_scenario_asking_for_a_good_ending_is_not_done_at_acceptable():
    scenario = make_scenario(minimum="good")
    play = play_path(scenario, ["倾听", "再开个会", "表决"])
    assert play.ending == "acceptable"
    assert not LessonProgress.objects.filter(user=play.user, lesson=scenario).exists()
    play_path(scenario, ["倾听", "达成协议"], user=play.user)
    assert LessonProgress.objects.filter(user=play.user, lesson=scenario).exists()


def test_marking_a_scenario_done_by_hand_is_refused_everywhere(scenario, trainee, client):
    lesson_row = scenario.lessonpage_ptr  # the plain LessonPage row, as the API fetches it
    with pytest.raises(course_services.CourseActionError) as caught:
        course_services.lesson_mark_done(user=trainee, lesson=lesson_row)
    assert caught.value.code == "not_by_hand"
    client.force_login(trainee)
    response = client.post(scenario.url + "done/")
    assert response.status_code == 302 and response["Location"] == scenario.url
    api = client.post(f"/api/v1/lessons/{scenario.pk}/done", "{}", content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "not_by_hand"
    assert not LessonProgress.objects.filter(user=trainee, lesson=scenario).exists()
    detail = client.get(f"/api/v1/courses/{scenario.get_parent().pk}").json()
    assert [lesson["marked_done_by_hand"] for lesson in detail["lessons"]] == [True, False]


def test_replaying_starts_a_new_play_and_the_best_ending_counts(scenario, trainee):
    first = play_path(scenario, ["倾听", "达成协议"], user=trainee)
    second = play_path(scenario, ["呵斥", "报警"], user=trainee)
    assert first.pk != second.pk
    assert LessonProgress.objects.filter(user=trainee, lesson=scenario).exists()
    assert selectors.preparation_cells(scenario=scenario, user_ids=[trainee.pk]) == {trainee.pk: "已演练：结局好"}


def test_starting_again_leaves_the_unfinished_play_and_keeps_one_open(scenario, trainee):
    left = play_path(scenario, ["倾听"], user=trainee)
    fresh = services.scenario_play_start(user=trainee, scenario=scenario, role="oc")
    left.refresh_from_db()
    assert left.finished_at is not None and left.ending == ""
    assert fresh.current_scene == "oc-start"
    assert ScenarioPlay.objects.unfinished().filter(user=trainee).count() == 1


def test_a_choice_from_another_scene_or_an_unknown_id_is_refused_and_changes_nothing(scenario, trainee):
    play = play_path(scenario, ["倾听"], user=trainee)
    other_scene_choice = choice_id(scenario, "shout", "报警")
    cases = [
        {"scene_key": "listen", "step": 1, "choice_id": other_scene_choice},  # a choice of another scene
        {"scene_key": "listen", "step": 1, "choice_id": "not-a-choice"},
        {"scene_key": "shout", "step": 1, "choice_id": other_scene_choice},  # pretending to be elsewhere
        {"scene_key": "listen", "step": 0, "choice_id": choice_id(scenario, "listen", "达成协议")},  # stale step
    ]
    for case in cases:
        with pytest.raises(services.ScenarioActionError):
            services.scenario_choose(user=trainee, scenario=scenario, play_id=play.pk, **case)
    play.refresh_from_db()
    assert play.current_scene == "listen" and play.steps.count() == 1 and play.finished_at is None


def test_another_trainees_play_is_refused_and_changes_nothing(scenario, trainee):
    play = play_path(scenario, ["倾听"], user=trainee)
    intruder = UserFactory()
    course_services.enrolment_create(user=intruder, course=scenario.get_parent().specific)
    with pytest.raises(services.ScenarioActionError) as caught:
        services.scenario_choose(
            user=intruder,
            scenario=scenario,
            play_id=play.pk,
            scene_key="listen",
            step=1,
            choice_id=choice_id(scenario, "listen", "达成协议"),
        )
    assert caught.value.code == "not_found"
    play.refresh_from_db()
    assert play.steps.count() == 1


def test_someone_elses_review_page_is_404(scenario, trainee, client):
    play = play_path(scenario, ["倾听", "达成协议"], user=trainee)
    other = UserFactory()
    course_services.enrolment_create(user=other, course=scenario.get_parent().specific)
    client.force_login(other)
    assert client.get(scenario.url + f"plays/{play.pk}/").status_code == 404
    client.force_login(trainee)
    assert client.get(scenario.url + f"plays/{play.pk}/").status_code == 200


def test_the_same_choice_posted_twice_records_one_step(scenario, trainee, client):
    play = play_path(scenario, ["倾听"], user=trainee)
    client.force_login(trainee)
    data = {"play": play.pk, "scene": "listen", "step": 1, "choice": choice_id(scenario, "listen", "再开个会")}
    first = client.post(scenario.url + "choose/", data)
    again = client.post(scenario.url + "choose/", data)
    assert first.status_code == again.status_code == 302
    play.refresh_from_db()
    assert play.steps.count() == 2 and play.current_scene == "meeting"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_the_same_choice_record_one_step():
    scenario = make_scenario()
    play = play_path(scenario, ["倾听"])
    user = play.user
    target = choice_id(scenario, "listen", "再开个会")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.scenario_choose(
                user=user, scenario=scenario, play_id=play.pk, scene_key="listen", step=1, choice_id=target
            )
            outcomes.append("recorded")
        except services.ScenarioActionError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001  (surfaced by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["recorded", "stale"]
    assert ScenarioStep.objects.filter(play=play).count() == 2


def test_anonymous_visitors_are_sent_to_log_in(scenario, client):
    response = client.get(scenario.url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client.post(scenario.url + "start/", {"role": "rc"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not ScenarioPlay.objects.exists()


def test_a_trainee_not_enrolled_cannot_play(scenario, client):
    outsider = UserFactory()
    with pytest.raises(services.ScenarioActionError) as caught:
        services.scenario_play_start(user=outsider, scenario=scenario, role="rc")
    assert caught.value.code == "not_enrolled"
    client.force_login(outsider)
    response = client.post(scenario.url + "start/", {"role": "rc"})
    assert response.status_code == 302 and response["Location"] == scenario.get_parent().url
    assert not ScenarioPlay.objects.exists()


def test_an_unknown_role_is_refused(scenario, trainee):
    with pytest.raises(services.ScenarioActionError) as caught:
        services.scenario_play_start(user=trainee, scenario=scenario, role="pc")
    assert caught.value.code == "bad_role"
    assert not ScenarioPlay.objects.exists()


def test_playing_through_the_pages_reaches_the_review(scenario, trainee, client):
    client.force_login(trainee)
    with translation.override("zh-hans"):
        assert client.post(scenario.url + "start/", {"role": "rc"}).status_code == 302
        play = ScenarioPlay.objects.get(user=trainee)
        for text in ["倾听", "达成协议"]:
            play.refresh_from_db()
            response = client.post(
                scenario.url + "choose/",
                {
                    "play": play.pk,
                    "scene": play.current_scene,
                    "step": play.steps.count(),
                    "choice": choice_id(scenario, play.current_scene, text),
                },
            )
        assert response["Location"].endswith(f"plays/{play.pk}/")
        html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="review"' in html and "对“倾听”的点评。" in html


def test_the_funnel_counts_plays_endings_drop_offs_and_poor_choices(scenario):
    play_path(scenario, ["倾听", "达成协议"])  # good
    play_path(scenario, ["呵斥", "报警"])  # poor
    play_path(scenario, ["呵斥"])  # stopped at shout
    play_path(scenario, ["呵斥", "道歉"])  # stopped at listen
    play_path(scenario, ["倾听", "再开个会", "表决"])  # acceptable
    funnel = selectors.scenario_funnel(scenario)
    assert funnel.started == 5 and funnel.trainees == 5 and funnel.unfinished == 2
    assert {ending: count for ending, _label, count in funnel.endings} == {"good": 1, "acceptable": 1, "poor": 1}
    assert sorted(funnel.drop_offs) == [("listen", 1), ("shout", 1)]
    assert funnel.poor_choices[0] == ("start", "呵斥", 3)
    assert ("meeting", "表决", 1) in funnel.poor_choices and ("shout", "报警", 1) in funnel.poor_choices


def test_the_session_roster_shows_who_has_played_the_scenario_beforehand(scenario, trainee, client):
    from courses import services as session_services

    session = make_session()
    SessionPreparation.objects.create(session=session, scenario=scenario)
    idle = UserFactory(real_name="未演练学员")
    for user in (trainee, idle):
        session_services.session_register(user=user, session=session)
    play_path(scenario, ["倾听", "再开个会", "表决"], user=trainee)
    client.force_login(with_admin_access(make_registrar()))
    response = client.get(reverse("courses_sessions:roster", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert f"课前演练：《{scenario.title}》" in html
    assert "已演练：结局尚可" in html and "未演练" in html


def test_a_trainees_data_download_holds_their_plays_and_no_one_elses(scenario, trainee):
    from academy.privacy import personal_data_collect

    play_path(scenario, ["倾听", "达成协议"], user=trainee)
    play_path(scenario, ["呵斥"])  # another trainee's play
    sections = personal_data_collect(user=trainee).sections
    assert [play["ending"] for play in sections["scenario_plays"]] == ["good"]
    assert [step["choice"] for step in sections["scenario_plays"][0]["choices"]] == ["倾听", "达成协议"]


def test_during_a_play_the_roles_can_be_shown_to_switch_part(scenario, trainee, client):
    play_path(scenario, ["倾听"], user=trainee)
    client.force_login(trainee)
    html = client.get(scenario.url + "?choose=1").content.decode()
    assert 'data-role="oc"' in html and 'data-testid="scene"' not in html
    assert client.post(scenario.url + "start/", {"role": "oc"}).status_code == 302
    assert selectors.open_play(user=trainee, scenario=scenario).current_scene == "oc-start"

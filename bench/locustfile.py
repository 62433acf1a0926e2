"""Simulated trainees (already logged in): browse the catalogue and courses, enrol, complete lessons, take quizzes, look at
their credits and verify certificates. Run by bench/locust_run.py, which prepares the scenario file it reads.

The scenario file (BENCH_LOCUST_SCENARIO, JSON) names the trainees who may log in (phone, password, party), the
online courses with their lessons, the texts of the right answers to their quizzes (a trainee who studied knows them;
the server never sends them, and shows each trainee options under tokens of their own) and certificate verification
codes to check.
"""

import json
import os
import random
from itertools import count

from locust import HttpUser, between, task

SCENARIO = json.loads(open(os.environ["BENCH_LOCUST_SCENARIO"], encoding="utf-8").read())  # noqa: SIM115
_next_trainee = count()


def succeeded(response) -> bool:
    """Whether a response checked inside ``api`` succeeded. Not ``response.ok``: on a response marked failed under
    catch_response, locust raises the failure again from ``ok`` (a 502 from nginx then aborted the whole task)."""
    return response.status_code in (200, 201)


class Trainee(HttpUser):
    """One trainee on a phone: reads a little, then acts."""

    wait_time = between(1, 3)

    def on_start(self):
        self.me = SCENARIO["trainees"][next(_next_trainee) % len(SCENARIO["trainees"])]
        self.rng = random.Random(self.me["phone"])
        if os.environ.get("BENCH_LOCUST_INSECURE_TLS"):
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            self.client.verify = False  # bench/two_hosts.py: nginx with a throw-away certificate on loopback
        # Logged in beforehand (bench/locust_run.py made the session): see there why logins are not measured.
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.get("/", name="/ (home)")  # the home page, which also sets the CSRF cookie
        enrolments = self.api("get", "/api/v1/me/enrolments", name="/api/v1/me/enrolments").json()
        self.finished = {row["course"] for row in enrolments if row.get("completed_at")}
        self.courses = [c for c in SCENARIO["courses"] if self.me["party"] in c["audiences"] or not c["audiences"]]

    def api(self, method: str, path: str, *, name: str, expect=(200, 201), **kwargs):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"}
        with getattr(self.client, method)(path, headers=headers, name=name, catch_response=True, **kwargs) as response:
            if response.status_code in expect:
                response.success()  # catch_response marks every 4xx a failure unless told otherwise
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response

    @task(3)
    def browse_catalogue(self):
        self.client.get("/courses/", name="/courses/")
        course = self.rng.choice(SCENARIO["courses"])
        self.client.get(course["url"], name="/courses/<course>/")

    @task(1)
    def search_catalogue(self):
        self.client.get("/courses/", params={"competency": self.rng.choice(SCENARIO["competencies"])},
                        name="/courses/?competency=")  # fmt: skip

    @task(2)
    def my_credits(self):
        self.client.get("/credits/", name="/credits/ (我的学分)")

    @task(1)
    def my_learning(self):
        self.client.get("/learning/", name="/learning/")

    @task(2)
    def study_a_course(self):
        """Enrol in a course not finished yet, do every lesson, pass its quiz: one course completion."""
        # A trainee takes what the catalogue lets them: courses whose prerequisites they have completed.
        todo = [c for c in self.courses
                if c["id"] not in self.finished and all(p in self.finished for p in c["prerequisites"])]  # fmt: skip
        if not todo:
            return
        course = self.rng.choice(todo)
        self.client.get(course["url"], name="/courses/<course>/")
        self.api("post", f"/api/v1/courses/{course['id']}/enrolment", name="/api/v1/courses/<id>/enrolment")
        completed = False
        for lesson in course["lessons"]:
            self.client.get(lesson["url"], name="/courses/<course>/<lesson>/")
            done = self.api("post", f"/api/v1/lessons/{lesson['id']}/done", name="/api/v1/lessons/<id>/done")
            completed = succeeded(done) and done.json().get("course_completed", False)
        if course["answers"]:
            quiz = self.api("get", f"/api/v1/courses/{course['id']}/quiz", name="/api/v1/courses/<id>/quiz")
            if succeeded(quiz) and not quiz.json()["passed"]:
                right = course["answers"]  # question id -> the texts of its right options
                answers = {question["id"]: [option["id"] for option in question["options"]
                                            if option["text"] in right.get(question["id"], ())]
                           for question in quiz.json()["questions"]}  # fmt: skip
                attempt = self.api("post", f"/api/v1/courses/{course['id']}/quiz/attempts",
                                   name="/api/v1/courses/<id>/quiz/attempts", json={"answers": answers})  # fmt: skip
                completed = succeeded(attempt) and attempt.json()["course_completed"]
        if completed:
            self.finished.add(course["id"])

    @task(1)
    def verify_certificate(self):
        if not SCENARIO["certificates"]:
            return  # a database without certificates (bench/two_hosts.py's freshly seeded one)
        code = self.rng.choice(SCENARIO["certificates"])
        self.client.get(f"/verify/{code}/", name="/verify/<code>/")

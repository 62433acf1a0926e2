"""A Redis outage degrades the site instead of stopping it: a real redis-server on loopback serves the cache and the
cached_db sessions; it is shut down, and every public page, a log-in, an existing session and a log-out still work,
the rate limits fail open or closed as deploy/README.md says, and /healthz reports the cache down; it is started
again (with what it held before) and everything recovers, with no session revived that was ended meanwhile."""

import json
import shutil
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from academy import cache_backends
from academy.ratelimit import rate_limit_hit
from courses.models import CoursePage
from tests.factories import PASSWORD, UserFactory
from tests.home.conftest import event_index, home, make_event, news_index, venue  # noqa: F401
from tests.ports import free_port
from tests.test_public_pii import demo_like, public_urls  # noqa: F401

pytestmark = pytest.mark.django_db
PORTS = range(55460, 55470)
RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}


class RedisServer:
    """One redis-server on 127.0.0.1 that can be stopped and started again; it saves its data on shutdown, as a
    production Redis with persistence does, so a restart brings back whatever it held."""

    def __init__(self, directory):
        self.binary = shutil.which("redis-server")
        self.directory = directory
        self.port = free_port(PORTS)
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory), "--dbfilename", "dump.rdb"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if subprocess.run(self._cli("ping"), capture_output=True, check=False).stdout.strip() == b"PONG":  # noqa: S603
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        subprocess.run(self._cli("shutdown", "save"), capture_output=True, check=False)  # noqa: S603
        self.process.wait(timeout=10)

    def _cli(self, *command: str) -> list[str]:
        return [shutil.which("redis-cli"), "-h", "127.0.0.1", "-p", str(self.port), *command]


@pytest.fixture
def redis(tmp_path, monkeypatch):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/install-system-packages.sh installs it)")
    monkeypatch.setattr(cache_backends, "RETRY_AFTER_SECONDS", 0.2)  # production waits 5 s before asking again
    server = RedisServer(tmp_path)
    server.start()
    redis_cache = {
        "BACKEND": "academy.cache_backends.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    # The full-page cache on, in the same Redis as production has it: pages must degrade and recover alike.
    caches = {"default": redis_cache, "pages": {**redis_cache, "KEY_PREFIX": "pages"}}
    sessions = "django.contrib.sessions.backends.cached_db"
    with override_settings(
        CACHES=caches, SESSION_ENGINE=sessions, ACCOUNT_RATE_LIMITS=RATE_LIMITS, PAGE_CACHE_ENABLED=True
    ):
        yield server
        if server.process.poll() is None:
            server.stop()


def statuses(client, urls: list[str]) -> dict[str, int]:
    return {url: client.get(url).status_code for url in urls}


def healthz_cache(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)["checks"]["cache"]


def log_in(client, phone: str) -> int:
    return client.post(reverse("account_login"), {"login": phone, "password": PASSWORD}).status_code


def test_a_redis_outage_degrades_the_site_and_it_recovers(client, django_user_model, demo_like, redis):  # noqa: F811
    from django.test import Client

    urls = [*public_urls(demo_like), reverse("account_login"), reverse("account_signup"), "/healthz"]
    with_redis = statuses(client, urls)
    assert set(with_redis.values()) <= {200, 302}, with_redis
    assert healthz_cache(client)[0] == 200
    UserFactory(phone="+8613955550001")
    leaving, staying = Client(), Client()
    assert log_in(leaving, "13955550001") == 302
    assert log_in(staying, "13955550001") == 302
    leaving_session = leaving.cookies["sessionid"].value

    # A course page from the full-page cache (second anonymous visit) …
    course = CoursePage.objects.get(code="FG-01")
    reader = Client()
    assert [reader.get(course.url).get("X-Page-Cache") for _ in range(3)][-1] == "hit"

    redis.stop()
    # … changed while Redis is down: the dropped invalidation must not let the old page back once Redis returns.
    course.title = "停机期间改过的课程名"
    course.save_revision().publish()
    anonymous = Client()
    without_redis = statuses(anonymous, [url for url in urls if url != "/healthz"])
    assert without_redis == {url: status for url, status in with_redis.items() if url != "/healthz"}
    status, check = healthz_cache(anonymous)
    assert status == 503 and check["ok"] is False
    # Sessions live in the database: one made before the outage still works, and a new log-in works.
    assert staying.get(reverse("academy_profile")).status_code == 200
    newcomer = Client()
    assert log_in(newcomer, "13955550001") == 302
    assert newcomer.get(reverse("academy_profile")).status_code == 200
    leaving.post(reverse("account_logout"))
    # Rate limits without a count: public forms fail open, my-data.zip (costly) fails closed.
    assert not any(rate_limit_hit(scope="outage-test", key="k", rate="1/m") for _ in range(3))
    assert newcomer.get(reverse("academy_personal_data")).status_code == 429

    redis.start()  # with the data it saved, the log-out's session among them
    time.sleep(0.3)
    assert statuses(anonymous, urls) == with_redis
    assert "停机期间改过的课程名" in reader.get(course.url).content.decode()
    assert healthz_cache(anonymous)[0] == 200
    revived = Client()
    revived.cookies["sessionid"] = leaving_session
    assert revived.get(reverse("academy_profile")).status_code == 302  # logged out for good, not revived from Redis
    assert staying.get(reverse("academy_profile")).status_code == 200
    assert [rate_limit_hit(scope="outage-test", key="k", rate="1/m") for _ in range(2)] == [False, True]
    cache.set("after", 1)
    assert cache.get("after") == 1

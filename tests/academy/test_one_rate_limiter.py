"""One fixed-window rate limiter and one reading of the client's address (academy.ratelimit), so that every limit
counts the same way, behind the proxy and through a Redis outage alike."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("academy", "notifications", "assessments", "courses", "credits", "home")


def sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_client_ip_is_defined_once():
    defined = [
        path.relative_to(ROOT).as_posix() for path, text in sources() if re.search(r"^def client_ip\(", text, re.M)
    ]
    assert defined == ["academy/ratelimit.py"]


def test_only_academy_ratelimit_counts_requests_in_the_cache():
    counting = {
        path.relative_to(ROOT).as_posix()
        for path, text in sources()
        if "cache.incr(" in text and "catalogue_generation" not in text  # courses' content generation is no limiter
    }
    assert counting == {"academy/ratelimit.py"}

"""The public Open Badges credential must not let anyone recover the holder's name or phone number by guessing.

The attacker knows what the verification page shows (张*明) and reads credential.json. They try every common CJK
character (U+4E00–U+9FFF) for the masked one and test each candidate against every hash the JSON publishes, with
every string the JSON publishes as a salt (before or after the name), and with no salt at all.
"""

import hashlib
import json
import time

import pytest
from django.core.cache import cache

from credits.certificates.services import issuing

pytestmark = pytest.mark.django_db


def _strings(node):
    """Every string anywhere in a JSON document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _hex_digests(strings) -> set[str]:
    """Anything that looks like a SHA-256 digest (bare, or in OB3's ``sha256$…`` form)."""
    found = set()
    for text in strings:
        digest = text.removeprefix("sha256$").lower()
        if len(digest) == 64 and all(char in "0123456789abcdef" for char in digest):
            found.add(digest)
    return found


def guess_masked_name(badge: dict, masked: str) -> tuple[str | None, float]:
    """Try every character from U+4E00 to U+9FFF in the masked place; return the name recovered, and the seconds."""
    strings = [text for text in _strings(badge) if len(text) <= 200]
    digests = _hex_digests(strings)
    salts = ["", *(text for text in strings if text not in digests and not text.startswith("sha256$"))]
    first, last = masked[0], masked[-1]
    started = time.perf_counter()
    for point in range(0x4E00, 0xA000):
        candidate = f"{first}{chr(point)}{last}"
        if candidate in strings:
            return candidate, time.perf_counter() - started
        if not digests:
            continue
        for salt in salts:
            for text in (candidate + salt, salt + candidate):
                if hashlib.sha256(text.encode()).hexdigest() in digests:
                    return candidate, time.perf_counter() - started
    return None, time.perf_counter() - started


@pytest.fixture
def badge(client, certified_world):
    cache.clear()
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    response = client.get(f"/api/v1/certificates/{certificate.verification_code_display}/credential.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_trying_every_cjk_character_for_the_masked_one_does_not_recover_the_name(badge):
    recovered, _seconds = guess_masked_name(badge, "张*明")
    assert recovered is None


def test_credential_carries_the_masked_name_and_no_phone_number(badge):
    text = json.dumps(badge, ensure_ascii=False)
    assert "张*明" in text
    assert "张晓明" not in text
    assert "13911112222" not in text
    # No phone number hash either: the eleven digits are not guessable from anything published.
    assert not any(
        hashlib.sha256((phone + salt).encode()).hexdigest() in _hex_digests(_strings(badge))
        for phone in ("+8613911112222", "13911112222")
        for salt in ["", *_strings(badge)]
    )

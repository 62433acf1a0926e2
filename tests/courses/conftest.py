"""Course tests start with an empty cache so that cached catalogue fragments never leak between tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()

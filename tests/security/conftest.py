"""Fixtures for the hardening tests: the content site's small page tree, and production settings applied in-process."""

import importlib
import sys

import pytest

from tests.academy.test_deploy import env_example
from tests.home.conftest import event, event_index, home, make_event, news_index, venue  # noqa: F401

# The settings production.py decides that change what a response carries (headers, cookies, redirects, MFA).
PRODUCTION_SECURITY_SETTINGS = (
    "MIDDLEWARE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "ACADEMY_ADMIN_CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "ACADEMY_REQUIRE_STAFF_MFA",
)


def load_production_settings(monkeypatch, **overrides) -> object:
    """Import academy.settings.production (and the base it reads the environment in) afresh under .env.example's
    values plus ``overrides``, and return it. sys.modules is put back afterwards so nothing else sees them."""
    for key, value in {**env_example(), **overrides}.items():
        monkeypatch.setenv(key, value)
    saved = {name: sys.modules.pop(name, None) for name in ("academy.settings.base", "academy.settings.production")}
    try:
        return importlib.import_module("academy.settings.production")
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


@pytest.fixture
def production(settings, monkeypatch):
    """The test settings with every security-relevant value taken from production.py under .env.example."""
    module = load_production_settings(monkeypatch)
    for name in PRODUCTION_SECURITY_SETTINGS:
        setattr(settings, name, getattr(module, name))
    return module

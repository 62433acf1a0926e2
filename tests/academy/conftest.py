"""Helpers for the production-settings tests: settings as a given environment would make them."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings_for_env(monkeypatch):
    """Evaluate academy/settings/base.py afresh with the given environment variables (and no scale-out variables
    from the real environment), returning its globals: exactly the settings such a process would get."""
    scale_out = (
        "DATABASE_URL",
        "REDIS_URL",
        "S3_BUCKET",
        "S3_PRIVATE_BUCKET",
        "PRIVATE_FILE_DELIVERY",
        "TASKS_BACKEND",
    )

    def evaluate(**env: str) -> dict:
        for name in scale_out:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "academy" / "settings" / "base.py"))

    return evaluate

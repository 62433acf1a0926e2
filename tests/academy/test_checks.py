"""System checks: what certificate PDFs need (HarfBuzz-subset for speed, Noto Serif CJK SC for glyphs), and under
`check --deploy` the SITE_BASE_URL every absolute URL starts with."""

import subprocess

import pytest
from django.core.checks import run_checks

from academy import checks


def _ids():
    return {problem.id for problem in checks.pdf_system_packages_check(None)}


def test_this_machine_has_what_pdfs_need():
    assert _ids() == set()


def test_missing_harfbuzz_subset_warns(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    assert _ids() == {"academy.W001"}


def test_missing_cjk_font_warns(monkeypatch):
    real_run = subprocess.run

    def without_noto(*args, **kwargs):
        result = real_run(*args, **kwargs)
        result.stdout = result.stdout.replace("Noto Serif CJK SC", "")
        return result

    monkeypatch.setattr(checks.subprocess, "run", without_noto)
    assert _ids() == {"academy.W002"}


def test_fc_list_failing_counts_as_missing_font(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("fc-list not found")

    monkeypatch.setattr(checks.subprocess, "run", broken)
    assert "academy.W002" in _ids()


def test_weasyprint_really_loaded_harfbuzz_subset():
    from weasyprint.text import ffi

    assert checks.harfbuzz_subset_available() is (ffi.harfbuzz_subset is not None)


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("", {"academy.W003"}),
        ("   ", {"academy.W003"}),
        ("academy.example.org", {"academy.W004"}),
        ("http://academy.example.org", {"academy.W004"}),
        ("https://academy.example.org", set()),
    ],
)
def test_site_base_url_must_be_the_https_address(settings, value, ids):
    settings.SITE_BASE_URL = value
    assert {problem.id for problem in checks.site_base_url_check(None)} == ids


def test_site_base_url_is_checked_only_under_check_deploy(settings):
    settings.SITE_BASE_URL = ""
    assert "academy.W003" not in {problem.id for problem in run_checks(include_deployment_checks=False)}
    assert "academy.W003" in {problem.id for problem in run_checks(include_deployment_checks=True)}

"""System checks: what certificate PDFs need from the operating system, and (under ``check --deploy``) the address
every absolute URL starts with."""

import ctypes.util
import subprocess

from django.conf import settings
from django.core.checks import Warning, register


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint itself loaded libharfbuzz-subset (it falls back to fontTools silently when not)."""
    try:
        from weasyprint.text import ffi
    except (ImportError, OSError):
        return ctypes.util.find_library("harfbuzz-subset") is not None
    return getattr(ffi, "harfbuzz_subset", None) is not None


@register()
def pdf_system_packages_check(app_configs, **kwargs):
    """Warn when the CJK fonts or HarfBuzz-subset are missing: PDFs then lack glyphs or take ~10 s each."""
    problems = []
    if not harfbuzz_subset_available():
        problems.append(
            Warning(
                "libharfbuzz-subset is not installed.",
                hint="Install it (apt-get install libharfbuzz-subset0): without it WeasyPrint subsets fonts with "
                "fontTools, about 10 s per certificate instead of 0.13 s.",
                id="academy.W001",
            )
        )
    try:
        families = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        families = ""
    if "Noto Serif CJK SC" not in families:
        problems.append(
            Warning(
                "The Noto Serif CJK SC font is not installed.",
                hint="Install fonts-noto-cjk (apt-get install fonts-noto-cjk): certificates print Chinese with it.",
                id="academy.W002",
            )
        )
    return problems


@register(deploy=True)
def site_base_url_check(app_configs, **kwargs):
    """Warn when SITE_BASE_URL is empty or not an https:// address: without it a certificate rendered by a background
    worker prints ``http://127.0.0.1:8000`` (WAGTAILADMIN_BASE_URL's fallback) into its QR code and address, and
    calendar links and credentials follow whatever host a request came to (academy.absolute)."""
    value = (getattr(settings, "SITE_BASE_URL", "") or "").strip()
    if not value:
        return [
            Warning(
                "SITE_BASE_URL is not set.",
                hint="Set it to the address the site is served at (e.g. https://academy.example.org): certificate "
                "QR codes and addresses, credentials and calendar links start with it; without it a background "
                "worker prints http://127.0.0.1:8000 into certificates.",
                id="academy.W003",
            )
        ]
    if not value.startswith("https://"):
        return [
            Warning(
                f"SITE_BASE_URL ({value}) is not an https:// address.",
                hint="Write the scheme and host the site is served at, e.g. https://academy.example.org: absolute "
                "URLs in certificates, credentials and calendar files start with it as written.",
                id="academy.W004",
            )
        ]
    return []

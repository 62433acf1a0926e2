"""One render-blocking stylesheet per page (issue 22, docs/performance.md section 13): the parts a page needs are
joined into a bundle by academy.static_bundles.BundleFinder, built by collectstatic and rebuilt when a part
changes, so that a phone on a slow network waits for one stylesheet before its first paint instead of three or
four."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from academy.static_bundles import BundleFinder, bundle_text
from tests.courses.factories import make_catalogue, make_course
from tests.home.conftest import event_index, home, make_event, make_news, news_index, publish, venue  # noqa: F401

BLOCKING = re.compile(r"<link(?=[^>]*\brel=\"stylesheet\")(?![^>]*\bmedia=\"print\")[^>]*>")


@pytest.fixture
def fresh_finders():
    """Finders are cached per process; a test that changes their settings needs new ones, and leaves new ones."""
    finders.get_finder.cache_clear()
    yield
    finders.get_finder.cache_clear()


def _blocking_stylesheets(html: str) -> list[str]:
    return [re.search(r'href="([^"]+)"', link).group(1) for link in BLOCKING.findall(html)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "bundle"),
    [
        ("home", "site"),
        ("news", "site"),
        ("event", "site"),
        ("search", "site"),
        ("catalogue", "courses"),
        ("course", "courses"),
        ("lesson", "courses"),
    ],
)
def test_a_key_page_links_exactly_one_blocking_stylesheet_its_bundle(client, kind, bundle, home, make_news, make_event):  # noqa: F811
    course = make_course(code="FG-01")
    url = {
        "home": home.url,
        "news": lambda: publish(make_news()).url,
        "event": lambda: publish(make_event()).url,
        "search": "/search/?q=物业",
        "catalogue": make_catalogue().url,
        "course": course.url,
        "lesson": course.get_children().first().url,  # the free preview, open to anyone
    }[kind]
    response = client.get(url() if callable(url) else url)
    assert response.status_code == 200
    assert _blocking_stylesheets(response.content.decode()) == [f"/static/bundles/{bundle}.css"]


@pytest.mark.django_db
def test_a_course_with_an_assignment_still_links_one_stylesheet(client):
    from tests.assignments.factories import enrolled_trainee, make_assignment

    assignment = make_assignment()
    client.force_login(enrolled_trainee(assignment))
    html = client.get(assignment.course.url).content.decode()
    assert 'data-testid="assignment-section"' in html
    assert _blocking_stylesheets(html) == ["/static/bundles/courses.css"]


def test_every_bundle_holds_its_parts_in_cascade_order_with_the_elder_mode_last():
    for name, parts in settings.STYLESHEET_BUNDLES.items():
        text = Path(finders.find(name)).read_text(encoding="utf-8")
        positions = []
        for part in parts:
            rules = Path(finders.find(part)).read_text(encoding="utf-8").strip()
            assert rules in text, f"{name} lacks the rules of {part}"
            positions.append(text.index(rules))
        assert positions == sorted(positions), name
        assert parts[-1] == "css/elder.css", name  # html.elder rules win over the parts' own


def test_a_bundle_is_rebuilt_when_a_part_changes(tmp_path, fresh_finders):
    (tmp_path / "a.css").write_text("a { color: red; }")
    (tmp_path / "b.css").write_text("b { color: blue; }")
    with override_settings(
        STATICFILES_DIRS=[tmp_path],
        STATICFILES_FINDERS=[
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "academy.static_bundles.BundleFinder",
        ],
        STYLESHEET_BUNDLES={"bundles/ab.css": ("a.css", "b.css")},
    ):
        finders.get_finder.cache_clear()
        assert "color: red" in Path(finders.find("bundles/ab.css")).read_text(encoding="utf-8")
        (tmp_path / "a.css").write_text("a { color: green; }")
        text = Path(finders.find("bundles/ab.css")).read_text(encoding="utf-8")
        assert "color: green" in text and "color: red" not in text and text.index("green") < text.index("blue")


def test_collectstatic_builds_each_bundle_under_a_hashed_name(tmp_path, fresh_finders):
    parts, static_root = tmp_path / "parts", tmp_path / "static"
    parts.mkdir()
    (parts / "a.css").write_text("a { color: red; }")
    (parts / "b.css").write_text("b { color: blue; }")
    with override_settings(
        STATIC_ROOT=static_root,
        STATICFILES_DIRS=[parts],
        STATICFILES_FINDERS=[
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "academy.static_bundles.BundleFinder",
        ],
        STYLESHEET_BUNDLES={"bundles/ab.css": ("a.css", "b.css")},
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        finders.get_finder.cache_clear()
        call_command("collectstatic", "--noinput", verbosity=0)
        hashed = json.loads((static_root / "staticfiles.json").read_text())["paths"]["bundles/ab.css"]
        assert hashed != "bundles/ab.css"
        assert (static_root / hashed).read_text() == bundle_text(("a.css", "b.css"))


def test_a_bundle_naming_a_missing_part_fails_the_system_check(tmp_path, fresh_finders):
    with override_settings(
        STATICFILES_DIRS=[tmp_path],
        STATICFILES_FINDERS=[
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "academy.static_bundles.BundleFinder",
        ],
        STYLESHEET_BUNDLES={"bundles/x.css": ("missing.css",)},
    ):
        finders.get_finder.cache_clear()
        errors = BundleFinder().check()
    assert [error.id for error in errors] == ["academy.E010"]
    assert "missing.css" in errors[0].msg


def test_a_part_with_a_relative_reference_fails_the_system_check(tmp_path, fresh_finders):
    """From bundles/, url(fonts/x.woff2) or @import "y.css" would point at the wrong folder."""
    (tmp_path / "relative.css").write_text("@font-face { src: url('fonts/x.woff2'); }")
    (tmp_path / "imports.css").write_text('@import "y.css";')
    (tmp_path / "fine.css").write_text("a { background: url(/static/i.png), url(data:image/png;base64,AA==); }")
    with override_settings(
        STATICFILES_DIRS=[tmp_path],
        STATICFILES_FINDERS=[
            "django.contrib.staticfiles.finders.FileSystemFinder",
            "academy.static_bundles.BundleFinder",
        ],
        STYLESHEET_BUNDLES={"bundles/x.css": ("relative.css", "imports.css", "fine.css")},
    ):
        finders.get_finder.cache_clear()
        errors = BundleFinder().check()
    assert [error.id for error in errors] == ["academy.E011", "academy.E011"]
    assert "relative.css" in errors[0].msg and "imports.css" in errors[1].msg

"""Phones get small, modern images and compressed HTML (issue 22): the course cover as AVIF/WebP renditions in a
<picture> with a srcset sized for 390 px screens, and text compressed by the app when GZIP_RESPONSES says so."""

import gzip

import pytest
from django.conf import settings
from django.test import override_settings
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.home.conftest import event_index, home, make_event, make_news, news_index, publish, venue  # noqa: F401

from .factories import make_course

pytestmark = pytest.mark.django_db


def test_the_course_cover_is_a_picture_of_avif_and_webp_sized_for_a_phone(client, home):  # noqa: F811
    course = make_course(code="FG-01")
    course.cover_image = Image.objects.create(title="封面", file=get_test_image_file(size=(1600, 800)))
    publish(course)
    html = client.get(course.url).content.decode()
    picture = html.split("<picture>")[1].split("</picture>")[0]
    assert 'type="image/avif"' in picture and 'type="image/webp"' in picture
    assert " 390w" in picture and " 780w" in picture
    # On a 390 px phone the cover is 358 CSS px wide (16 px margins), 716 device px at 2×: sizes says so, and a
    # 720 px rendition is there to match, so the phone is not sent the 780 px one (bench/lcp.py, issue 22).
    assert 'sizes="(min-width: 52rem) 780px, calc(100vw - 32px)"' in picture and " 720w" in picture
    assert 'fetchpriority="high"' in picture and 'loading="lazy"' not in picture  # the largest paint: not deferred


def _first_image(html: str) -> str:
    """The first <picture> (or <img>) inside <main>: on a phone, the image the largest paint waits for."""
    main = html.split('<main id="main"')[1].split("</main>")[0]
    picture = main.split("<picture>")[1].split("</picture>")[0] if "<picture>" in main else ""
    return picture or "<img" + main.split("<img")[1].split(">")[0]


@pytest.mark.parametrize("kind", ["news", "event"])
def test_the_first_image_of_a_news_or_event_page_is_fetched_first_and_not_deferred(
    client,
    kind,
    make_news,  # noqa: F811
    make_event,  # noqa: F811
):
    # Their image is the page's largest paint on a phone (bench/lcp.py): as the course cover and the home page's hero,
    # it must not wait behind the style sheets and scripts for its turn.
    image = Image.objects.create(title="配图", file=get_test_image_file(size=(1600, 900)))
    if kind == "news":
        page = make_news(cover_image=image, cover_image_alt="讲座现场")
    else:
        page = make_event(image=image, image_alt="书画课现场")
    picture = _first_image(client.get(publish(page).url).content.decode())
    assert 'type="image/avif"' in picture and " 800w" in picture
    assert 'fetchpriority="high"' in picture and 'loading="lazy"' not in picture


GZIP = ["academy.compression.TextGZipMiddleware", *settings.MIDDLEWARE]


@override_settings(MIDDLEWARE=GZIP)
def test_html_is_compressed_when_the_app_is_told_to(client, home):  # noqa: F811
    response = client.get(home.url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)


def test_what_is_not_text_is_left_alone(rf):
    from django.http import HttpResponse

    from academy.compression import TextGZipMiddleware

    middleware = TextGZipMiddleware(lambda request: None)
    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    for content_type, compressed in (("image/png", False), ("application/pdf", False), ("text/html", True)):
        response = middleware.process_response(request, HttpResponse(b"a" * 2000, content_type=content_type))
        assert response.has_header("Content-Encoding") is compressed, content_type


def test_the_switch_puts_the_middleware_in_place(monkeypatch):
    import importlib
    import sys

    def middleware():
        # A fresh import reads the environment again (another test may have dropped the module from sys.modules,
        # so importlib.reload cannot be relied on).
        sys.modules.pop("academy.settings.base", None)
        return importlib.import_module("academy.settings.base").MIDDLEWARE

    monkeypatch.setenv("GZIP_RESPONSES", "1")
    try:
        assert "academy.compression.TextGZipMiddleware" in middleware()
        monkeypatch.setenv("GZIP_RESPONSES", "0")
        assert "academy.compression.TextGZipMiddleware" not in middleware()
    finally:
        monkeypatch.delenv("GZIP_RESPONSES")
        middleware()

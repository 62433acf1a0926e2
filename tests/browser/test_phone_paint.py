"""What a phone (390 × 844 CSS px at 2 device pixels each) fetches and lays out for its largest paint (issue 22,
bench/lcp.py): the course cover at the width it is shown, and the catalogue's cards laid out as they scroll near."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from tests.courses.factories import CompetencyFactory, make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
    return context, context.new_page()


def test_a_phone_fetches_the_course_cover_no_wider_than_it_shows_it(browser, live_server):
    course = make_course(code="FG-01")
    course.cover_image = Image.objects.create(title="封面", file=get_test_image_file(size=(1200, 560)))
    course.save_revision().publish()
    context, page = phone(browser, live_server)
    try:
        page.goto(live_server.url + course.url)
        cover = page.locator("img.course__cover")
        cover.wait_for()
        cover.evaluate("img => img.decode()")
        shown = cover.evaluate("img => img.getBoundingClientRect().width")
        source = cover.evaluate("img => img.currentSrc")
        # 358 CSS px (390 less the page's 16 px margins) × 2 = 716 device px: the 720 px AVIF, sharp and no wider,
        # not the 780 px one the old sizes (100vw) asked for.
        assert shown == 358
        assert ".format-avif.fill-720x332." in source
        fetched = int(source.split(".fill-")[1].split("x")[0])
        assert 2 * shown <= fetched < 780
    finally:
        context.close()


def test_catalogue_cards_are_laid_out_as_they_scroll_near_and_then_show_in_full(browser, live_server):
    competency = CompetencyFactory(code="FG")
    for number in range(1, 13):  # a page of the catalogue
        make_course(code=f"FG-{number:02d}", competency=competency, lessons=1, quiz=False)
    context, page = phone(browser, live_server)
    try:
        page.goto(live_server.url + "/courses/")
        cards = page.locator(".course-list > li")
        assert cards.count() == 12
        assert cards.first.evaluate("li => getComputedStyle(li).contentVisibility") == "auto"
        last = cards.last
        # Two screens down the last card is not rendered yet (content-visibility skips it) ...
        assert last.evaluate("li => li.getBoundingClientRect().top") > 2 * 844
        assert not last.locator(".course-card__summary").evaluate(
            "p => p.checkVisibility({contentVisibilityAuto: true})"
        )
        # ... and scrolled to, it is, at the size it would have had all along.
        last.scroll_into_view_if_needed()
        summary = last.locator(".course-card__summary")
        for _ in range(50):  # the page's CSP forbids wait_for_function's eval: poll from here
            if summary.evaluate("p => p.checkVisibility({contentVisibilityAuto: true})"):
                break
            page.wait_for_timeout(100)
        else:
            pytest.fail("the last card was not rendered once scrolled to")
        heights = cards.evaluate_all("items => items.map(li => li.getBoundingClientRect().height)")
        assert len(set(heights)) == 1, heights
    finally:
        context.close()

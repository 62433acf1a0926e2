"""Demo content written for the project: pages, news, events, venues, drawn images, the moderation workflow.

The content is in ``home/demo_content/`` (venues.yaml, images.yaml, news.yaml, events.yaml); this module reads it
and creates the rows and pages."""

import datetime as dt
import io
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask

from academy.demo_files import demo_content
from academy.models import District, Venue
from academy.roles import EDITORS

from .choices import EventCategory
from .models import EventIndexPage, EventPage, HomePage, NewsIndexPage, NewsPage, SiteSettings, StandardPage

FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
]
MODERATION_WORKFLOW = "内容审核"
# The demo menu's links as a reader of the English site sees them (the settings' optional English titles).
DEMO_MENU_ENGLISH = {"关于学院": "About", "学院动态": "News", "活动": "Events", "搜索": "Search"}
MODERATORS = "Moderators"  # created by Wagtail's own migrations


def demo_images() -> dict[str, dict]:
    """The pictures to draw, by key: title, alt, top and bottom colours (RGB), caption."""
    return demo_content(__file__, "images")


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def draw_banner(*, top: tuple, bottom: tuple, caption: str, size=(1200, 675)) -> bytes:
    """Draw a banner: a vertical gradient, three overlapping circles (the three parties) and a caption."""
    width, height = size
    picture = PILImage.new("RGB", size, top)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        ratio = y / height
        colour = tuple(int(top[i] + (bottom[i] - top[i]) * ratio) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    overlay = PILImage.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    radius = height // 4
    centre_x, centre_y = width * 3 // 4, height // 2
    for dx, dy, fill in [
        (-radius // 2, -radius // 3, (255, 255, 255, 70)),
        (radius // 2, -radius // 3, (254, 240, 138, 80)),
        (0, radius // 2, (255, 255, 255, 50)),
    ]:
        shapes.ellipse(
            [centre_x + dx - radius, centre_y + dy - radius, centre_x + dx + radius, centre_y + dy + radius], fill=fill
        )
    picture = PILImage.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(picture)
    draw.text((72, height // 2), caption, font=_font(height // 9), fill=(255, 255, 255), anchor="lm")
    draw.text(
        (72, height // 2 + height // 7), "拱墅区三方学院", font=_font(height // 20), fill=(254, 226, 226), anchor="lm"
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def seed_images() -> dict:
    """The drawn pictures as Wagtail images (found again by title on later runs)."""
    image_model = get_image_model()
    images = {}
    for key, item in demo_images().items():
        image = image_model.objects.filter(title=item["title"]).first()
        if image is None:
            data = draw_banner(top=tuple(item["top"]), bottom=tuple(item["bottom"]), caption=item["caption"])
            image = image_model(title=item["title"], description=item["alt"])
            image.file = ImageFile(io.BytesIO(data), name=f"demo-{key}.png")
            image.save()
        images[key] = image
    return images


def seed_venues() -> dict[str, Venue]:
    """The demo venues (venues.yaml) by name."""
    venues = {}
    for item in demo_content(__file__, "venues"):
        district, _ = District.objects.get_or_create(name=item["district"])
        venue, _ = Venue.objects.get_or_create(
            name=item["name"],
            defaults={"district": district, **{k: item[k] for k in ("address", "directions", "description")}},
        )
        if not venue.opening_hours and item.get("opening_hours"):
            venue.opening_hours = item["opening_hours"]
            venue.save(update_fields=["opening_hours"])
        venues[item["name"]] = venue
    return venues


def _child(parent: Page, model, slug: str, **fields):
    """The child page with this slug, created and published if missing (so seeding twice changes nothing)."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return page


def _body(*paragraphs: str, image=None, alt: str = "") -> list:
    blocks = [("paragraph", f"<p>{text}</p>") for text in paragraphs]
    if image is not None:
        blocks.append(("image", {"image": image, "alt_text": alt, "caption": ""}))
    return blocks


def seed_home(images) -> HomePage:
    """Put a HomePage at the root of the default site, replacing Wagtail's welcome page once."""
    home = HomePage.objects.first()
    hero_alt = demo_images()["hero"]["alt"]
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="三方学院",
                slug="home-academy",
                hero_heading="拱墅区三方学院",
                hero_text="社区居委会、业主委员会、物业服务企业三方协同，在线学习、积累学分、结业上岗。",
                hero_image=images["hero"],
                hero_image_alt=hero_alt,
                search_description="拱墅区三方学院：居委会、业委会、物业三方协同培训，在线课程、学分与结业证书。",
            )
        )
        home.save_revision().publish()
    elif home.hero_image_id is None:
        home.hero_image, home.hero_image_alt = images["hero"], hero_alt
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="三方学院")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "三方学院"
        site.save()
        if old_root.specific_class is Page and old_root.slug == "home":
            old_root.delete()  # Wagtail's "Welcome to your new Wagtail site!" placeholder
    return home


def seed_workflow(home: HomePage) -> Workflow:
    """内容审核: editors submit, Moderators approve. Editors lose the right to publish directly."""
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    task = GroupApprovalTask.objects.filter(name="审核发布").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="审核发布")
        task.groups.set([moderators])
    workflow, _ = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        # Without this an editor could bypass moderation by publishing; the workflow is the only way to go live.
        GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page").delete()
    for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(
            group=moderators, page=home, permission=Permission.objects.get(codename=codename)
        )
    return workflow


@transaction.atomic
def seed() -> None:
    """Venues, drawn images, the page tree with news and events, site settings and the moderation workflow."""
    alt_texts = {key: item["alt"] for key, item in demo_images().items()}
    images = seed_images()
    venues = seed_venues()
    home = seed_home(images)
    about = _child(
        home,
        StandardPage,
        "about",
        title="关于三方学院",
        introduction="三方学院由拱墅区创办，培训社区居委会、业主委员会和物业服务企业三方的工作人员。",
        body=_body(
            "学院开设五大能力模块共60门课程：党建引领、组织管理、法规运用、矛盾调处、服务提升。",
            "学员在手机上学习、积累学分，达到结业标准后获得证书；结业是小区专员等三方岗位的上岗前置条件。",
            image=images["about"],
            alt=alt_texts["about"],
        ),
        search_description="三方学院的由来、课程体系与学分制、结业制。",
    )
    news_index = _child(
        home, NewsIndexPage, "news", title="学院动态", introduction="三方学院、侨胞之家与文化驿站的最新消息。"
    )
    today = timezone.localdate()
    for number, item in enumerate(demo_content(__file__, "news"), start=1):
        if news_index.get_children().filter(slug=f"news-{number}").exists():
            continue
        page = NewsPage(
            slug=f"news-{number}",
            title=item["title"],
            date=today - dt.timedelta(days=item["days_ago"]),
            introduction=item["introduction"],
            cover_image=images["news"],
            cover_image_alt=alt_texts["news"],
            body=_body(item["text"]),
            search_description=item["introduction"],
        )
        news_index.add_child(instance=page)
        page.tags.add(*item["tags"])
        page.save_revision().publish()
    event_index = _child(
        home, EventIndexPage, "events", title="活动", introduction="侨胞之家、文化驿站和三方学院的活动，欢迎报名参加。"
    )
    local_today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for number, item in enumerate(demo_content(__file__, "events"), start=1):
        category, intro = EventCategory(item["category"]), item["introduction"]
        start = (local_today + dt.timedelta(days=item["days_from_today"])).replace(hour=item["start_hour"])
        _child(
            event_index,
            EventPage,
            f"event-{number}",
            title=item["title"],
            category=category,
            venue=venues[item["venue"]],
            start=start,
            end=start + dt.timedelta(hours=item["hours"]),
            organiser=item["organiser"],
            capacity=item["capacity"],
            introduction=intro,
            image=images[category.value],
            image_alt=alt_texts[category.value],
            body=_body(
                intro, "请提前10分钟到场签到。活动免费，名额有限，报名后如不能参加请取消报名，把名额留给其他居民。"
            ),
            search_description=intro,
        )
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if not settings.nav_links:
        settings.nav_links = [
            ("link", {"title": title, "title_en": DEMO_MENU_ENGLISH[title], "page": page, "url": url})
            for title, page, url in [
                ("关于学院", about, ""),
                ("学院动态", news_index, ""),
                ("活动", event_index, ""),
                ("搜索", None, "/search/"),
            ]
        ]
        settings.footer_text = (
            "地址：杭州市拱墅区小河街道和畔里社区服务中心二楼\n电话：0571-8888 0000（工作日 9:00–17:00）"
        )
        settings.save()
    elif any(link.value["title"] in DEMO_MENU_ENGLISH and not link.value["title_en"] for link in settings.nav_links):
        # A database seeded before the menu had English titles: give the demo's own links theirs.
        settings.nav_links = [
            (
                "link",
                {**link.value, "title_en": link.value["title_en"] or DEMO_MENU_ENGLISH.get(link.value["title"], "")},
            )
            for link in settings.nav_links
        ]
        settings.save()
    seed_workflow(home)


FEATURED_COURSE_CODES = ["MD-01", "FG-01", "DJ-01", "FW-01"]


@transaction.atomic
def finish() -> None:
    """Feature a few courses on the home page once the catalogue exists (it is seeded after the home page)."""
    from courses.models import CoursePage

    home = HomePage.objects.first()
    if home is None or home.featured_courses:
        return
    by_code = {page.code: page for page in CoursePage.objects.live().filter(code__in=FEATURED_COURSE_CODES)}
    home.featured_courses = [("course", by_code[code]) for code in FEATURED_COURSE_CODES if code in by_code]
    if home.featured_courses:
        home.save_revision().publish()

"""Demo content written for the project: pages, news, events, venues, drawn images, the moderation workflow."""

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
MODERATORS = "Moderators"  # created by Wagtail's own migrations

VENUES = [
    # name, district, address, directions, description
    (
        "和畔里·三方协同中心",
        "拱墅区",
        "小河街道和畔里社区服务中心二楼",
        "地铁5号线和睦站B口步行约8分钟",
        "三方学院的线下培训基地，可容纳80人，有投影与圆桌研讨区。",
    ),
    (
        "钱学森故居·侨胞之家",
        "上城区",
        "马市街方谷园2号",
        "地铁1号线凤起路站C口步行约6分钟",
        "清末民初的江南传统民居，钱学森先生的故居，现为侨胞之家活动点。",
    ),
    (
        "丰享家文化驿站",
        "拱墅区",
        "湖墅街道信义坊社区文化家园一楼",
        "公交信义坊站下车即到",
        "社区文化驿站：阅读角、书画室与小剧场，周末向居民开放。",
    ),
    (
        "萧山区城厢街道邻里中心",
        "萧山区",
        "城厢街道人民路邻里中心三楼多功能厅",
        "地铁2号线人民广场站A口步行约5分钟",
        "萧山区城厢街道的邻里中心，承办区域三方协同交流活动。",
    ),
]

IMAGES = {
    # key: (title, alt text, top colour, bottom colour, caption drawn on the picture)
    "hero": (
        "三方学院横幅",
        "红色横幅：居委会、业委会、物业三方围坐一桌协商的插画",
        (185, 28, 28),
        (127, 29, 29),
        "三方协同 · 共建共治",
    ),
    "about": (
        "三方学院介绍图",
        "三个相交的圆，分别代表居委会、业委会和物业",
        (30, 64, 175),
        (23, 37, 84),
        "居委会 · 业委会 · 物业",
    ),
    "news": ("新闻配图", "浅色背景上的报纸与话筒插画", (180, 83, 9), (120, 53, 15), "学院动态"),
    "overseas_chinese_home": ("侨胞之家活动图", "青瓦白墙的江南民居庭院插画", (15, 118, 110), (19, 78, 74), "侨胞之家"),
    "cultural_station": (
        "文化驿站活动图",
        "书本与戏曲面具组成的文化驿站插画",
        (126, 34, 206),
        (76, 29, 149),
        "文化驿站",
    ),
    "academy": ("学院活动图", "三方角色扮演辩论现场的圆桌插画", (190, 18, 60), (136, 19, 55), "三方学院活动"),
}

NEWS = [
    (
        "三方学院2026年春季班开班",
        40,
        ["开班", "培训"],
        "春季班首批120名学员报到，覆盖居委会、业委会与物业三方。",
        "开班仪式在和畔里·三方协同中心举行。本期课程围绕党建引领、矛盾调处与法规运用展开，学员可在手机上完成线上课时。",
    ),
    (
        "《物业法规运用入门》上线",
        30,
        ["课程", "法规运用"],
        "法规运用模块新增入门课程，适合新任小区专员。",
        "课程讲解《民法典》物业服务合同编与浙江省物业管理条例的要点，配有小区常见纠纷案例。",
    ),
    (
        "矛盾调处实务工作坊圆满结束",
        21,
        ["矛盾调处", "工作坊"],
        "来自18个街道的学员在工作坊中演练了调处流程。",
        "工作坊采用情景模拟：停车位争议、维修资金使用、装修噪音投诉，三方代表轮流担任调解员。",
    ),
    (
        "侨胞之家举办中秋联谊会",
        14,
        ["侨胞之家"],
        "海外侨胞与社区居民在钱学森故居共度中秋。",
        "活动包括钱学森生平讲解、月饼制作与家书朗读，侨胞们用视频连线向海外亲友送上祝福。",
    ),
    (
        "文化驿站周末书画课开放报名",
        7,
        ["文化驿站", "报名"],
        "丰享家文化驿站每周六上午开设书画课，居民可免费报名。",
        "课程由社区书画协会老师授课，适合零基础居民，材料由驿站提供，名额有限。",
    ),
    (
        "学分制与结业制说明会答疑汇总",
        2,
        ["学分制", "结业"],
        "学分如何计算？结业后如何上岗？说明会上的问题一次讲清。",
        "学员完成课程即获得相应学分，学分按能力模块累计；达到培训项目的结业标准后颁发证书，作为小区专员上岗的前置条件。",
    ),
]

# title, category, venue index, days from today, start hour, hours long, organiser, capacity, intro
EVENTS = [
    (
        "AB剧场：三方角色扮演辩论",
        EventCategory.ACADEMY,
        0,
        5,
        14,
        2,
        "三方学院",
        40,
        "居委会、业委会、物业三方代表分组扮演，围绕加装电梯展开辩论。",
    ),
    (
        "矛盾调处案例沙龙",
        EventCategory.ACADEMY,
        0,
        12,
        9,
        3,
        "三方学院",
        30,
        "带着你小区的真实难题来，与调解专家一起拆解。",
    ),
    (
        "小区专员岗前培训见面会",
        EventCategory.ACADEMY,
        3,
        19,
        14,
        2,
        "萧山区城厢街道",
        60,
        "介绍学分制与结业制，现场答疑。",
    ),
    ("学院开放日", EventCategory.ACADEMY, 0, -20, 9, 4, "三方学院", 80, "参观培训基地，体验线上课程。"),
    (
        "侨胞家书朗读会",
        EventCategory.OVERSEAS_CHINESE_HOME,
        1,
        8,
        15,
        2,
        "侨胞之家",
        25,
        "在钱学森故居朗读侨胞家书，讲述家国故事。",
    ),
    (
        "钱学森故居讲解日",
        EventCategory.OVERSEAS_CHINESE_HOME,
        1,
        26,
        10,
        2,
        "侨胞之家",
        20,
        "志愿者讲解钱学森生平与故居建筑。",
    ),
    (
        "侨胞中秋联谊会",
        EventCategory.OVERSEAS_CHINESE_HOME,
        1,
        -15,
        18,
        3,
        "侨胞之家",
        50,
        "海外侨胞与社区居民共度中秋。",
    ),
    ("周末书画课", EventCategory.CULTURAL_STATION, 2, 3, 9, 2, "丰享家文化驿站", 15, "零基础书画课，材料由驿站提供。"),
    (
        "社区小剧场：越剧欣赏",
        EventCategory.CULTURAL_STATION,
        2,
        16,
        19,
        2,
        "丰享家文化驿站",
        60,
        "越剧名段欣赏与互动学唱。",
    ),
    (
        "亲子阅读会",
        EventCategory.CULTURAL_STATION,
        2,
        -6,
        10,
        2,
        "丰享家文化驿站",
        20,
        "绘本共读与手工，适合4至8岁儿童与家长。",
    ),
]


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
    for key, (title, alt, top, bottom, caption) in IMAGES.items():
        image = image_model.objects.filter(title=title).first()
        if image is None:
            data = draw_banner(top=top, bottom=bottom, caption=caption)
            image = image_model(title=title, description=alt)
            image.file = ImageFile(io.BytesIO(data), name=f"demo-{key}.png")
            image.save()
        images[key] = image
    return images


OPENING_HOURS = {
    "和畔里·三方协同中心": "周一至周五 8:30–17:30，培训日周末照常开放",
    "钱学森故居·侨胞之家": "周二至周日 9:00–16:30，周一闭馆",
    "丰享家文化驿站": "每日 9:00–21:00",
}


def seed_venues() -> list[Venue]:
    venues = []
    for name, district_name, address, directions, description in VENUES:
        district, _ = District.objects.get_or_create(name=district_name)
        venue, _ = Venue.objects.get_or_create(
            name=name,
            defaults={"district": district, "address": address, "directions": directions, "description": description},
        )
        if not venue.opening_hours and name in OPENING_HOURS:
            venue.opening_hours = OPENING_HOURS[name]
            venue.save(update_fields=["opening_hours"])
        venues.append(venue)
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
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="三方学院",
                slug="home-academy",
                hero_heading="拱墅区三方学院",
                hero_text="社区居委会、业主委员会、物业服务企业三方协同，在线学习、积累学分、结业上岗。",
                hero_image=images["hero"],
                hero_image_alt=IMAGES["hero"][1],
                search_description="拱墅区三方学院：居委会、业委会、物业三方协同培训，在线课程、学分与结业证书。",
            )
        )
        home.save_revision().publish()
    elif home.hero_image_id is None:
        home.hero_image, home.hero_image_alt = images["hero"], IMAGES["hero"][1]
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
            alt=IMAGES["about"][1],
        ),
        search_description="三方学院的由来、课程体系与学分制、结业制。",
    )
    news_index = _child(
        home, NewsIndexPage, "news", title="学院动态", introduction="三方学院、侨胞之家与文化驿站的最新消息。"
    )
    today = timezone.localdate()
    for number, (title, days_ago, tags, intro, text) in enumerate(NEWS, start=1):
        if news_index.get_children().filter(slug=f"news-{number}").exists():
            continue
        page = NewsPage(
            slug=f"news-{number}",
            title=title,
            date=today - dt.timedelta(days=days_ago),
            introduction=intro,
            cover_image=images["news"],
            cover_image_alt=IMAGES["news"][1],
            body=_body(text),
            search_description=intro,
        )
        news_index.add_child(instance=page)
        page.tags.add(*tags)
        page.save_revision().publish()
    event_index = _child(
        home, EventIndexPage, "events", title="活动", introduction="侨胞之家、文化驿站和三方学院的活动，欢迎报名参加。"
    )
    local_today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for number, (title, category, venue_index, days, hour, hours, organiser, capacity, intro) in enumerate(
        EVENTS, start=1
    ):
        start = (local_today + dt.timedelta(days=days)).replace(hour=hour)
        _child(
            event_index,
            EventPage,
            f"event-{number}",
            title=title,
            category=category,
            venue=venues[venue_index],
            start=start,
            end=start + dt.timedelta(hours=hours),
            organiser=organiser,
            capacity=capacity,
            introduction=intro,
            image=images[category.value],
            image_alt=IMAGES[category.value][1],
            body=_body(
                intro, "请提前10分钟到场签到。活动免费，名额有限，报名后如不能参加请取消报名，把名额留给其他居民。"
            ),
            search_description=intro,
        )
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if not settings.nav_links:
        settings.nav_links = [
            ("link", {"title": "关于学院", "page": about, "url": ""}),
            ("link", {"title": "学院动态", "page": news_index, "url": ""}),
            ("link", {"title": "活动", "page": event_index, "url": ""}),
            ("link", {"title": "搜索", "page": None, "url": "/search/"}),
        ]
        settings.footer_text = (
            "地址：杭州市拱墅区小河街道和畔里社区服务中心二楼\n电话：0571-8888 0000（工作日 9:00–17:00）"
        )
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

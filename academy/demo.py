"""Demo data for people and places: districts, Gongshu's 18 streets, communities, staff groups, demo accounts."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .choices import Party
from .models import Community, District, SearchSynonymGroup, Street, User
from .roles import EDITORS, REGISTRARS, STREET_ADMINISTRATORS

DEMO_PASSWORD = "Academy-2026"  # noqa: S105  (printed for people trying the demo; never used in production)

GONGSHU_STREETS = [
    "米市巷",
    "湖墅",
    "小河",
    "和睦",
    "拱宸桥",
    "大关",
    "上塘",
    "祥符",
    "康桥",
    "半山",
    "石桥",
    "东新",
    "文晖",
    "潮鸣",
    "朝晖",
    "长庆",
    "武林",
    "天水",
]
OTHER_DISTRICTS = {"上城区": ["湖滨", "清波", "小营"], "萧山区": ["城厢", "北干", "新塘"]}
COMMUNITIES = {
    "湖墅街道": ["信义坊社区", "德胜新村社区", "湖墅新村社区"],
    "米市巷街道": ["星都社区", "左家新村社区"],
    "和睦街道": ["和睦新村社区", "华丰社区"],
    "大关街道": ["东一社区", "西一社区"],
    "小河街道": ["和畔里社区"],
}


@dataclass(frozen=True)
class DemoAccount:
    """One demo log-in, as printed after seeding."""

    role: str
    login: str
    password: str
    name: str


def seed_places() -> None:
    """Districts, streets and communities; the academy starts in Gongshu but serves the whole city."""
    gongshu, _ = District.objects.get_or_create(name="拱墅区", defaults={"order": 1})
    for order, name in enumerate(GONGSHU_STREETS, start=1):
        Street.objects.get_or_create(district=gongshu, name=f"{name}街道", defaults={"order": order})
    for d_order, (district_name, streets) in enumerate(OTHER_DISTRICTS.items(), start=2):
        district, _ = District.objects.get_or_create(name=district_name, defaults={"order": d_order})
        for order, name in enumerate(streets, start=1):
            Street.objects.get_or_create(district=district, name=f"{name}街道", defaults={"order": order})
    for street_name, names in COMMUNITIES.items():
        street = Street.objects.get(district=gongshu, name=street_name)
        for name in names:
            Community.objects.get_or_create(street=street, name=name)


def _grant(group: Group, codenames: list[tuple[str, str]]) -> None:
    perms = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in codenames]
    group.permissions.add(*perms)


def seed_groups() -> dict[str, Group]:
    """The three staff groups with the permissions their work needs (later apps add their own)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (EDITORS, REGISTRARS, STREET_ADMINISTRATORS)}
    admin_access = [("wagtailadmin", "access_admin")]
    _grant(
        groups[EDITORS],
        admin_access + [("academy", f"{action}_searchsynonymgroup") for action in ("add", "change", "delete", "view")],
    )
    _grant(
        groups[REGISTRARS],
        admin_access
        + [
            ("academy", f"{action}_{model}")
            for action in ("add", "change", "view")
            for model in ("district", "street", "community")
        ],
    )
    _grant(groups[STREET_ADMINISTRATORS], admin_access)

    root = Page.get_first_root_node()
    for permission in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(
            group=groups[EDITORS], page=root, permission=Permission.objects.get(codename=permission)
        )
    collection = Collection.get_first_root_node()
    for app, codename in [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    ]:
        GroupCollectionPermission.objects.get_or_create(
            group=groups[EDITORS],
            collection=collection,
            permission=Permission.objects.get(content_type__app_label=app, codename=codename),
        )
    return groups


SEARCH_SYNONYMS_FILE = Path(__file__).with_name("demo_content") / "search_synonyms.json"


def seed_search_synonyms() -> None:
    """The district's synonyms (业委会、业主委员会 …) from demo_content/search_synonyms.json, each group once."""
    for terms in json.loads(SEARCH_SYNONYMS_FILE.read_text(encoding="utf-8")):
        text = "、".join(terms)
        if not SearchSynonymGroup.objects.filter(terms=text).exists():
            group = SearchSynonymGroup(terms=text)
            group.full_clean()
            group.save()


TRAINEES = [
    # phone, real name, party, street, community, organisation, job title
    ("13900000001", "张晓明", Party.RESIDENTS_COMMITTEE, "湖墅街道", "信义坊社区", "信义坊社区居委会", "小区专员"),
    ("13900000002", "李秀英", Party.RESIDENTS_COMMITTEE, "米市巷街道", "星都社区", "星都社区居委会", "社区工作者"),
    ("13900000003", "王建国", Party.OWNERS_COMMITTEE, "湖墅街道", "德胜新村社区", "德胜新村业主委员会", "业委会主任"),
    ("13900000004", "陈美华", Party.OWNERS_COMMITTEE, "和睦街道", "和睦新村社区", "和睦新村业主委员会", "业委会委员"),
    ("13900000005", "刘志强", Party.PROPERTY_COMPANY, "大关街道", "东一社区", "杭州大关物业服务有限公司", "项目经理"),
    (
        "13900000006",
        "赵丽娟",
        Party.PROPERTY_COMPANY,
        "湖墅街道",
        "湖墅新村社区",
        "杭州湖墅物业管理有限公司",
        "客服主管",
    ),
]


def _upsert_user(*, username: str, password: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save()
    return user


@transaction.atomic
def seed() -> list[DemoAccount]:
    """Create places, groups and the demo accounts; safe to run again (nothing is duplicated)."""
    seed_places()
    groups = seed_groups()
    seed_search_synonyms()
    gongshu = District.objects.get(name="拱墅区")
    hushu = Street.objects.get(district=gongshu, name="湖墅街道")

    accounts = []
    admin = _upsert_user(
        username="admin",
        password=DEMO_PASSWORD,
        email="admin@academy.example.org",
        real_name="系统管理员",
        is_staff=True,
        is_superuser=True,
        phone="+8613800000000",
        phone_verified=True,
    )
    accounts.append(DemoAccount("superuser", admin.email, DEMO_PASSWORD, admin.real_name))
    for role, username, email, name, group, extra in [
        ("editor", "editor", "editor@academy.example.org", "周编辑", EDITORS, {}),
        ("registrar", "registrar", "registrar@academy.example.org", "吴教务", REGISTRARS, {}),
        (
            "street administrator (湖墅街道)",
            "hushu-admin",
            "hushu@academy.example.org",
            "郑管理",
            STREET_ADMINISTRATORS,
            {"managed_street": hushu},
        ),
    ]:
        user = _upsert_user(username=username, password=DEMO_PASSWORD, email=email, real_name=name, **extra)
        user.groups.add(groups[group])
        accounts.append(DemoAccount(role, email, DEMO_PASSWORD, name))

    for phone, name, party, street_name, community_name, organisation, job_title in TRAINEES:
        street = Street.objects.get(district=gongshu, name=street_name)
        community = Community.objects.get(street=street, name=community_name)
        user = _upsert_user(
            username=f"trainee-{phone[-4:]}",
            password=DEMO_PASSWORD,
            phone=f"+86{phone}",
            phone_verified=True,
            real_name=name,
            party=party,
            street=street,
            community=community,
            organisation=organisation,
            job_title=job_title,
            compound=community_name.replace("社区", "小区"),
        )
        accounts.append(DemoAccount(f"trainee ({party.value})", phone, DEMO_PASSWORD, user.real_name))
    return accounts

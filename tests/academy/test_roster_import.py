"""Roster import: upload, preview with every problem by row, confirm; all or nothing; phones updated, not doubled."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from academy import roster
from academy.models import Community, User
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db

HEADINGS = ["手机号", "姓名", "所属方", "街道", "社区", "工作单位"]


def workbook_bytes(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="roster.xlsx"):
    return client.post(reverse("academy_roster:upload"), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def places(staff_groups):
    hushu = StreetFactory(name="湖墅街道")
    mishixiang = StreetFactory(name="米市巷街道")
    xinyifang = Community.objects.create(street=hushu, name="信义坊社区")
    Community.objects.create(street=mishixiang, name="星都社区")
    return hushu, mishixiang, xinyifang


@pytest.fixture
def registrar_client(client, places):
    client.force_login(make_registrar())
    return client


def confirm(client, response):
    assert response.status_code == 302, response.content.decode()[:500]
    preview = client.get(response["Location"])
    return preview, client.post(response["Location"])


def test_registrar_imports_a_roster_and_an_existing_phone_is_updated_not_duplicated(registrar_client, places):
    hushu, mishixiang, xinyifang = places
    existing = UserFactory(phone="+8613800000002", real_name="旧名字", street=mishixiang)
    before = User.objects.count()
    content = workbook_bytes(
        [
            ["138 0000 0001", "张晓明", "居委会", "湖墅街道", "信义坊社区", "信义坊社区居委会"],
            [13800000002, "李秀英", "业委会", "湖墅", "", "德胜新村业主委员会"],
            ["+86 138-0000-0003", "王建国", "物业服务企业", "米市巷街道", "星都社区", ""],
        ]
    )
    preview, done = confirm(registrar_client, upload(registrar_client, content))
    html = preview.content.decode()
    assert "张晓明" in html and 'id="roster-problems"' not in html
    assert done.status_code == 302
    assert User.objects.count() == before + 2
    zhang = User.objects.get(phone="+8613800000001")
    assert (zhang.real_name, zhang.party, zhang.street, zhang.community) == ("张晓明", "rc", hushu, xinyifang)
    assert not zhang.has_usable_password()
    existing.refresh_from_db()
    assert (existing.real_name, existing.party, existing.street, existing.organisation) == (
        "李秀英",
        "oc",
        hushu,
        "德胜新村业主委员会",
    )
    assert User.objects.get(phone="+8613800000003").community.name == "星都社区"


def test_every_bad_row_is_listed_and_nothing_is_imported(registrar_client, places):
    before = User.objects.count()
    content = workbook_bytes(
        [
            ["12345", "坏号码", "居委会", "湖墅街道", "", ""],
            ["13800000011", "", "居委会", "湖墅街道", "", ""],
            ["13800000012", "未知街道", "居委会", "火星街道", "", ""],
            ["13800000013", "社区不对", "居委会", "湖墅街道", "星都社区", ""],
            ["13800000014", "三方不对", "街道办", "湖墅街道", "", ""],
            ["13800000015", "第一次", "居委会", "湖墅街道", "", ""],
            ["138 0000 0015", "重复", "居委会", "湖墅街道", "", ""],
            ["13800000016", "好的一行", "居委会", "湖墅街道", "", ""],
        ]
    )
    response = upload(registrar_client, content)
    html = registrar_client.get(response["Location"]).content.decode()
    for row, text in [
        (2, "不是有效的大陆手机号"),
        (3, "缺少姓名"),
        (4, "未知街道“火星街道”"),
        (5, "社区“星都社区”不在湖墅街道"),
        (6, "三方“街道办”"),
        (8, "已在本文件第 7 行出现"),
    ]:
        assert f"<td>{row}</td><td>" in html and text in html, (row, text)
    assert "<td>9</td><td>" not in html.split('id="roster-rows"')[0]  # the good row has no problem listed
    # Confirming anyway (by posting to the preview) imports nothing.
    registrar_client.post(response["Location"])
    assert User.objects.count() == before
    assert not User.objects.filter(phone="+8613800000016").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.csv", b"phone,name\n13800000001,a\n", "请上传 Excel 工作簿（.xlsx）"),
        ("roster.xlsx", b"MZ\x90\x00 this is not a zip file", "不是真正的 .xlsx 工作簿"),
        ("roster.xlsx", b"PK\x03\x04" + b"\x00" * (roster.SHEET.max_bytes + 10), "文件大于 2 MB"),
        ("roster.xlsx", None, "第一行必须是列标题"),
    ],
)
def test_wrong_type_oversized_or_headingless_files_are_refused(registrar_client, name, content, message):
    before = User.objects.count()
    if content is None:
        content = workbook_bytes([["13800000001", "张三"]], headings=["a", "b"])
    response = upload(registrar_client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_a_roster_that_inflates_far_beyond_its_size_is_refused(registrar_client, places):
    from tests.factories import inflated

    before = User.objects.count()
    content = inflated(io.BytesIO(workbook_bytes([["13800000031", "钱七", "居委会", "湖墅街道", "信义坊社区", ""]])))
    response = upload(registrar_client, content.getvalue())
    assert response.status_code == 200
    assert "解压后的数据远超" in response.content.decode()
    assert User.objects.count() == before


def test_a_street_changed_between_preview_and_confirmation_stops_the_import(registrar_client, places):
    before = User.objects.count()
    response = upload(
        registrar_client, workbook_bytes([["13800000021", "赵六", "居委会", "湖墅街道", "信义坊社区", ""]])
    )
    Community.objects.filter(name="信义坊社区").update(name="改名社区")
    registrar_client.post(response["Location"])
    assert User.objects.count() == before


def test_the_preview_is_kept_server_side_and_a_forged_token_imports_nothing(registrar_client, places):
    before = User.objects.count()
    upload(registrar_client, workbook_bytes([["13800000031", "钱七", "居委会", "湖墅街道", "", ""]]))
    response = registrar_client.post(reverse("academy_roster:preview", args=["forged-token"]))
    assert response.status_code == 302
    assert User.objects.count() == before


def test_template_downloads_with_the_expected_headings(registrar_client):
    response = registrar_client.get(reverse("academy_roster:template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADINGS


def test_staff_accounts_are_not_changed_by_an_import(registrar_client, places):
    staff = make_street_administrator(places[0], phone="+8613800000041")
    response = upload(registrar_client, workbook_bytes([["13800000041", "改名", "居委会", "湖墅街道", "", ""]]))
    assert "属于工作人员账号" in registrar_client.get(response["Location"]).content.decode()
    registrar_client.post(response["Location"])
    staff.refresh_from_db()
    assert staff.real_name != "改名"


def test_only_registrars_may_import(client, places):
    client.force_login(make_street_administrator(places[0]))
    assert client.get(reverse("academy_roster:upload")).status_code == 302
    before = User.objects.count()
    client.post(reverse("academy_roster:upload"), {"file": SimpleUploadedFile("r.xlsx", workbook_bytes([]))})
    assert User.objects.count() == before

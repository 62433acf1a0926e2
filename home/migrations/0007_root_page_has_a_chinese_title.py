"""Wagtail's page tree starts at a page its migration calls "Root", which the admin shows as it is ("浏览：Root",
"以'标题'顺序排列'Root'的子页面"). Editors read Chinese: the root gets a Chinese title."""

from django.db import migrations

ROOT_TITLE = "根目录"


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_TITLE, draft_title=ROOT_TITLE)


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=ROOT_TITLE).update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_help_text_examples_quoted"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]

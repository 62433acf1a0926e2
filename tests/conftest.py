"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture
def staff_groups(db):
    """The staff groups with the permissions seed_demo gives them, keyed by group name."""
    from academy.demo import seed_groups

    return seed_groups()


@pytest.fixture(autouse=True)
def _wagtail_tree_after_flush(request):
    """A transactional test (live server, threads) flushes the database when it ends, taking the rows Wagtail's
    migrations made (default Locale, root page, a home page and the default Site) with it. Put them back for
    whichever test runs next in the same worker."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    if Site.objects.filter(is_default_site=True).exists():
        return
    # The flush re-created content types with new ids; drop the per-process cache of the old ones.
    ContentType.objects.clear_cache()
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.get_children().first() or root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    # Wagtail's own migration (not post_migrate) makes the "access admin" permission; the flush took it too.
    from django.contrib.auth.models import Permission

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )

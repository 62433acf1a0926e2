"""Shared fixtures and collection rules for the whole suite."""

import pytest
from hypothesis import HealthCheck, settings

# The CI machine is shared and its load swings: no property test may fail because generating examples or running
# one example was slow. Timings are never a correctness criterion here (see bench/ for those).
settings.register_profile("academy", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("academy")

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _database_is_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")


def pytest_collection_modifyitems(config, items):
    """Tests that commit for real (live server, threads) end by flushing the database, which also deletes what
    Wagtail's and Django's migrations created (the root page and collection, the admin-access permission, …).
    So `make test` runs them in a second pytest process after every other test (marker `transactional`), so no
    ordinary test ever runs on a flushed database, and each of them starts by putting that data back: with
    serialized rollback where Django can, and with `_migration_data` below where it cannot (Playwright's greenlets
    give the browser tests a database connection without the serialized snapshot)."""
    on_postgresql = _database_is_postgresql()
    for item in items:
        if item.get_closest_marker("postgres") is not None and not on_postgresql:
            # `make test-postgres` (called by .ci/run after `make test`) runs them on a throw-away PostgreSQL.
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: run `make test-postgres` (DATABASE_URL=postgres://…)")
            )
        if not _is_transactional(item):
            continue
        item.add_marker(pytest.mark.transactional)
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture
def staff_groups(db):
    """The staff groups with the permissions seed_demo gives them, keyed by group name."""
    from academy.demo import seed_groups

    return seed_groups()


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Before a transactional test, restore the rows that migrations create and a flush deletes."""
    if not _is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    if hasattr(connection, "_test_serialized_contents"):
        return  # Django's serialized rollback has already put everything back
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    ContentType.objects.clear_cache()  # a flush re-creates content types with new ids
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    from django.contrib.auth.models import Group

    from academy.roles import LECTURERS

    Group.objects.get_or_create(name=LECTURERS)[0].permissions.add(access_admin)  # assignments' 0002 migration
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Site.objects.filter(is_default_site=True).exists():
        home = root.get_children().first() or root.add_child(instance=Page(title="Home", slug="home"))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: cached catalogues, menus, permissions and rate-limit counters must not
    carry over from another test (whose rows were rolled back, and whose ids are reused)."""
    from django.core.cache import cache

    cache.clear()

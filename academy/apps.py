from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    """People and places: users, the district/street/community registry, roles, accounts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from django.conf import settings
        from PIL import Image
        from wagtail.permissions import register_permission_policy

        from . import admin_titles, checks, lookups, receivers  # noqa: F401  (registers system checks and the audit of group changes)
        from .models import Trainee
        from .permissions import TraineePermissionPolicy
        from .search import receivers as search_receivers  # noqa: F401  (the segmenter follows the registry)

        # Registered before any admin view asks, so Trainee does not fall back to model permissions.
        register_permission_policy(Trainee, TraineePermissionPolicy(Trainee), exact_class=True)
        # Pillow's decompression-bomb guard, tied to the admin's pixel limit so that every use of Pillow (Wagtail's
        # renditions, PDFs, demo images) warns beyond it and refuses at twice it, never decoding a bomb.
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        # Ids from a request never reach a query out of range (issue 15): `<id:pk>` in every URL that takes one
        # (academy/converters.py), and lookups through relations bounded as Django bounds IntegerField's own.
        lookups.register()
        # Wagtail glues the admin's header title with an ASCII colon in code: make the join translatable.
        admin_titles.install()
        # Any change a public page can show makes the full-page cache and the fragment caches stale.
        from . import page_cache

        page_cache.connect_receivers()

"""Demo content: the home page as the site's root."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def seed() -> None:
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
            )
        )
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

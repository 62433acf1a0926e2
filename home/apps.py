from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The content site: home page, standard pages, news, events, venues, search."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Content site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.images import get_image_model
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from academy.models import Venue

        from .models import EventPage, HomePage, NewsPage, SiteSettings
        from .selectors import HOME_CARDS, site_chrome_forget

        # The cached menu shows page titles and addresses: forget it whenever either may have changed.
        for signal, sender in ((post_save, SiteSettings), (post_save, Site), (post_delete, Site), (post_delete, Page),
                               (page_published, None), (page_unpublished, None), (post_page_move, None)):  # fmt: skip
            signal.connect(site_chrome_forget, sender=sender, dispatch_uid=f"home-site-chrome-{id(signal)}-{sender}")
        # The cached home-page cards show pages' titles, dates and images and events' venues.
        cards = [(page_published, None), (page_unpublished, None), (post_page_move, None), (post_delete, Page),
                 (post_save, Site), (post_delete, Site)]  # fmt: skip
        for model in (HomePage, EventPage, NewsPage, Venue, get_image_model()):
            cards += [(post_save, model), (post_delete, model)]
        for signal, sender in cards:
            signal.connect(HOME_CARDS.forget, sender=sender, dispatch_uid=f"home-cards-{id(signal)}-{sender}")

        from academy.signals import account_anonymising, personal_data_requested

        from . import privacy

        personal_data_requested.connect(privacy.personal_data, dispatch_uid="home-personal-data")
        account_anonymising.connect(privacy.anonymise, dispatch_uid="home-anonymise")

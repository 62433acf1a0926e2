"""The news RSS feed."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NewsIndexPage, NewsPage


class NewsFeed(Feed):
    """The latest 20 news items of one news index."""

    def __init__(self, index: NewsIndexPage):
        super().__init__()
        self.index = index

    def title(self):
        return _("%(site)s news") % {"site": self.index.get_site().site_name or self.index.title}

    def link(self):
        return self.index.url

    def description(self):
        return self.index.introduction

    def items(self):
        return self.index.get_news()[:20]

    def item_title(self, item: NewsPage):
        return item.title

    def item_description(self, item: NewsPage):
        return item.introduction or item.search_description

    def item_link(self, item: NewsPage):
        return item.url

    def item_pubdate(self, item: NewsPage):
        return dt.datetime.combine(item.date, dt.time(9), tzinfo=timezone.get_current_timezone())

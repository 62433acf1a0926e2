"""Project URLs. Wagtail's page serving stays last so that it catches every path not claimed above."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from courses.api import api as learner_api
from courses.wagtail_api import api_router
from credits import urls as credits_urls
from home import views as home_views

from . import views
from .social import views as social_views

handler500 = "academy.errors.server_error"  # a database outage answers 503, see academy/errors.py

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/profile/", views.profile, name="academy_profile"),
    path("accounts/my-data.zip", views.personal_data_download, name="academy_personal_data"),
    path("accounts/delete/", views.account_delete, name="academy_account_delete"),
    path("accessibility/elder-mode/", views.elder_mode_switch, name="academy_elder_mode"),
    path("accounts/link/", social_views.social_link, name="academy_social_link"),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", learner_api.urls),
    path("api/v2/", api_router.urls),
    re_path(r"^api/(?P<path>.*)$", views.api_not_found, name="api_not_found"),  # never the page tree, never a redirect
    path("learning/", include("courses.urls")),
    path("search/", home_views.search, name="search"),
    path("search/autocomplete/", home_views.search_autocomplete, name="search_autocomplete"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("credits/", include("credits.urls")),
    path("messages/", include("notifications.urls")),
    path("assignments/", include("assignments.urls")),
    path("", include(credits_urls.verify_urlpatterns)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

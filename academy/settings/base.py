"""Production-safe base settings: nothing here is a convenience; secrets and hosts come from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = "") -> str | None:
    """Read an environment variable; empty or blank counts as not set, as `.env.example` promises.

    A copied `.env.example` exports `DATABASE_URL=` and `STATIC_ROOT=` as empty strings: taken literally they
    would mean "no database" and "the working directory". Every other reader below goes through this one.
    """
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable (empty: the default)."""
    return int(env(name) or default)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable written as 1/0, true/false or yes/no (empty: the default)."""
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list, dropping blanks (empty: the default)."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Proxies (nginx on this host by default) whose X-Forwarded-For names the client: see TrustedProxyMiddleware.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")

INSTALLED_APPS = [
    # Ours, first, so that our templates override allauth's and Wagtail's.
    "academy",
    "notifications",
    "courses",
    "assessments",
    "scenarios",
    "assignments",
    "credits",
    "home",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "notifications.wagtail_users.AcademyUsersAppConfig",  # wagtail.users with the DingTalk user ID on its form
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "ninja",  # serves the API docs page's assets locally (no CDN: no internet)
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    # Log-in with WeChat and DingTalk: always installed, configured only from the environment (academy/social/)
    "allauth.socialaccount",
    "allauth.socialaccount.providers.weixin",
    "allauth.socialaccount.providers.dingtalk",
    # Tasks
    "django_tasks",
    "django_tasks_db",
    # Content-Security-Policy (academy/headers.py picks the admin's policy for admin paths)
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "academy.middleware.TrustedProxyMiddleware",  # first: everything after it sees the client's own address
    "django.middleware.security.SecurityMiddleware",
    "academy.errors.DatabaseUnavailableMiddleware",
    "academy.headers.AcademyCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "academy.absolute.ServedAddressMiddleware",  # after CommonMiddleware: the host is already checked
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.middleware.StaffMFARequiredMiddleware",
    "academy.middleware.ObjectIdInPathMiddleware",  # an admin object id that cannot exist: 404 before the view
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "academy.page_cache.PageCacheMiddleware",  # like Django's FetchFromCacheMiddleware: see the module
    "academy.sites.SiteLookupMiddleware",  # Wagtail's site for the request, cached; after the page cache (module)
]

# Text responses compressed by the app when no proxy does it (academy/compression.py: what it compresses, and why
# BREACH does not stop it): GZIP_RESPONSES=1 where gunicorn faces the clients itself. Outside SecurityMiddleware
# (its redirects are tiny), outside everything that reads or rewrites the body (the page cache's CSRF token).
if env_bool("GZIP_RESPONSES"):
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "academy.compression.TextGZipMiddleware"
    )

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "academy" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "academy.elder.elder_mode",
                "home.context_processors.site_chrome",
                "academy.page_cache.csrf_token_placeholder",  # last: overrides csrf_token in pages made for the cache
            ],
        },
    },
]

# Database: SQLite in the embedded default; PostgreSQL (or anything dj-database-url reads) via DATABASE_URL.
# Persistent connections (CONN_MAX_AGE seconds) with a health check before reuse, so a connection dropped by a
# PostgreSQL restart or a pooler costs one reconnect instead of one failed request.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction begins: a transaction that reads and then writes would otherwise fail
    # at once with "database is locked" when another writer holds the lock, instead of waiting for the timeout.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3. Fail fast when the server is unreachable (a ?connect_timeout= in DATABASE_URL wins).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # Behind PgBouncer in transaction mode each transaction may run on another server connection, so the cursor a
    # streamed export (.iterator()) declared is gone by its next fetch: fetch on the client instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "academy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Cache: local memory by default; Redis when REDIS_URL is set, shared by every web host for the cache, the rate
# limits (certificate verification, the integration API, allauth) and sessions. Sessions are cached_db: read from
# Redis, written through to the database, so a Redis restart logs nobody out. Short socket timeouts: a Redis that
# hangs must fail a request (and /healthz) quickly rather than tie up every gunicorn worker. An unreachable Redis
# degrades the site instead of stopping it: academy.cache_backends serves misses and drops writes until it answers.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "academy.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "academy"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Routed courses and lessons, their lesson lists, the site lookup and breadcrumbs are cached per page: Django's
    # default of 300 entries would evict them on the demo's 60 courses alone.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "academy",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 3000)},
        }
    }

# Full-page cache for anonymous visitors (academy/page_cache.py, docs/performance.md "Full-page cache"): pages live in
# their own cache so they never evict the fragments and counters of "default". With Redis they share it (and the
# content generation is read with the page in one round trip); without, each worker keeps its own pages in local
# memory and the content generation is a small file every worker on the host reads (PAGE_CACHE_GENERATION_FILE,
# default: one per checkout and database under the system's temporary directory).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_GENERATION_FILE = env("PAGE_CACHE_GENERATION_FILE")
if REDIS_URL:
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "academy-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 500)},
    }
# The public page types that are cached (their own address only, never a sub-route such as a sign-up receipt) …
PAGE_CACHE_PAGE_TYPES = [
    "home.HomePage",
    "courses.CourseIndexPage",
    "courses.CoursePage",
    "home.EventIndexPage",
    "home.EventPage",
    "home.NewsIndexPage",
    "home.NewsPage",
]
# … and the models besides pages, images, documents, snippets, site settings, sites and view restrictions whose rows
# they show: a change to any of them makes every cached page stale (places left come from a session's registrations
# and an event's sign-ups).
PAGE_CACHE_CHANGED_BY = [
    "academy.Venue",
    "courses.Competency",
    "courses.Lecturer",
    "courses.Quiz",
    "assignments.Assignment",  # a course page shows its assignment's brief
    "courses.TrainingSession",
    "courses.SessionRegistration",
    "courses.CourseFeedback",
    "home.EventSignup",
    "taggit.Tag",
    "home.NewsPageTag",
    "academy.SearchSynonymGroup",  # the site search's cached results (its documents bump the generation themselves)
]

# Internationalisation: Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media. WhiteNoise serves static files: the machines have no internet, so there is no CDN.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "academy" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "academy.static_bundles.BundleFinder",
]
# One render-blocking stylesheet per page (academy/static_bundles.py): each bundle joins its parts in cascade order,
# the elder-friendly mode last as base.html linked it. A page names its bundle in base.html's `stylesheet` block.
_SITE_CSS = ("css/site.css", "home/css/content.css")
_ELDER_CSS = ("css/elder.css",)
STYLESHEET_BUNDLES = {
    "bundles/site.css": (*_SITE_CSS, *_ELDER_CSS),
    # A course page shows its assignment's section (assignments/includes/course_section.html): its 600 bytes of rules
    # come with the course's, not as a second stylesheet in the body.
    "bundles/courses.css": (*_SITE_CSS, "courses/courses.css", "assignments/assignments.css", *_ELDER_CSS),
    "bundles/scenarios.css": (*_SITE_CSS, "courses/courses.css", "scenarios/scenarios.css", *_ELDER_CSS),
    "bundles/credits.css": (*_SITE_CSS, "credits/credits.css", *_ELDER_CSS),
    "bundles/courses-credits.css": (*_SITE_CSS, "courses/courses.css", "credits/credits.css", *_ELDER_CSS),
    "bundles/notifications.css": (*_SITE_CSS, "notifications/notifications.css", *_ELDER_CSS),
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")
# Certificates and other private files live outside MEDIA_ROOT so no URL can reach them directly.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible object storage (AWS S3, MinIO, Aliyun OSS, Tencent COS …) when S3_BUCKET is set: media under one
# prefix, private files (certificate PDFs) under another prefix or in their own bucket, never public. Credentials
# come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself (or an instance role).
S3_BUCKET = env("S3_BUCKET")
# How a private file reaches its holder once the view has checked who is asking: streamed through Django, or a
# redirect to a signed URL that expires after PRIVATE_FILE_URL_SECONDS (S3 only; then no worker is tied up).
PRIVATE_FILE_DELIVERY = env("PRIVATE_FILE_DELIVERY", "signed-url" if S3_BUCKET else "django")
PRIVATE_FILE_URL_SECONDS = env_int("PRIVATE_FILE_URL_SECONDS", 60)
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("S3_ENDPOINT_URL", None),
        "region_name": env("S3_REGION", None),
        "addressing_style": env("S3_ADDRESSING_STYLE", None),  # "path" for MinIO
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "location": env("S3_MEDIA_PREFIX", "media"),
            "custom_domain": env("S3_MEDIA_CUSTOM_DOMAIN", None),
            "querystring_auth": env_bool("S3_MEDIA_QUERYSTRING_AUTH", False),
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "bucket_name": env("S3_PRIVATE_BUCKET", S3_BUCKET),
            "location": env("S3_PRIVATE_PREFIX", "private"),
            "default_acl": "private",
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": PRIVATE_FILE_URL_SECONDS,
        },
    }
if PRIVATE_FILE_DELIVERY not in {"django", "signed-url"} or (PRIVATE_FILE_DELIVERY == "signed-url" and not S3_BUCKET):
    raise ImproperlyConfigured("PRIVATE_FILE_DELIVERY is 'django', or 'signed-url' with S3_BUCKET set.")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "三方学院"
# Where the site is served, e.g. https://academy.example.org: absolute URLs (certificate QR codes, credentials,
# calendar files) start with it. Empty means not set: URLs then follow the request's own host (academy.absolute).
SITE_BASE_URL = env("SITE_BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL or "http://127.0.0.1:8000"
# Wagtail's database backend (SQLite FTS5 or PostgreSQL) with Chinese word segmentation: see academy/search/.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "academy.search.backend"}}
# The site search ranks pages itself, the same on SQLite and PostgreSQL (academy/search/rules.py); a page type's
# weight multiplies its pages' scores (others: 1), so a course whose title holds the query comes before lessons.
SEARCH_PAGE_TYPE_WEIGHTS = {
    "courses.CoursePage": 1.6,
    "credits.ProgrammePage": 1.4,
    "home.EventPage": 1.2,
    "home.NewsPage": 1.1,
    "courses.LessonPage": 0.8,
}
# Uploads. Documents include the lessons' videos (VideoBlock: MP4 or WebM); no HTML or SVG anywhere, so nothing
# uploaded can run script on the site's origin. Wagtail serves documents with their own restrictive CSP.
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip", "mp4", "webm"]
# Wagtail checks the documents' size itself (single and multiple upload, and in the browser before a multiple
# upload starts), with its own translated message. Lesson videos are the big ones, hence far above the images'.
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 500 * 1024 * 1024)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Also Pillow's own decompression-bomb limit (academy/apps.py): it refuses outright at twice this many pixels.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAIL_PASSWORD_RESET_ENABLED = False  # staff reset through allauth like everyone else

# Accounts: django-allauth, phone or email with a password, SMS codes, MFA, headless API for apps.
ACCOUNT_ADAPTER = "academy.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "academy.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
# Trainees must be told plainly that a number is already registered (the brief asks for a clear message);
# the sign-up and code rate limits below bound how fast anyone can probe numbers this way.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so they are visible and tunable in one place, and tightened where SMS is sent.
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    # A training room signs its trainees up together from one address, so the per-IP limits stay generous.
    "signup": "20/m/ip,100/h/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    # Each SMS code costs money and can be used to pester a number: at most one per 30 s and 5 an hour per number.
    "verify_phone": "1/30s/key,5/h/key,3/m/ip",
    "request_login_code": "20/m/ip,3/m/key,10/h/key",
}
# Six-digit numeric codes, as every Chinese SMS service sends them.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_FORMS = {"signup": "academy.forms.SignupForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "三方学院"
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = False
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_signup": "/accounts/signup/",
}
# Log-in with WeChat and DingTalk (academy/social/, deploy/README.md "Log-in with WeChat"). An app exists only when
# its variables are set here (apps added in the database are ignored); a WeChat or DingTalk identity never creates an
# account: its owner logs in with their phone once to link it. Our provider classes take their endpoints from below.
SOCIALACCOUNT_ADAPTER = "academy.social.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "weixin": {"provider_class": "academy.social.weixin.provider.WeixinProvider"},
    "dingtalk": {"provider_class": "academy.social.dingtalk.provider.DingTalkProvider"},
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # WeChat and DingTalk never match an account by its email address
SOCIALACCOUNT_STORE_TOKENS = False
# QR-code log-in on a computer: the website app (网站应用) of open.weixin.qq.com, on when both are set.
WEIXIN_APP_ID = env("WEIXIN_APP_ID", "")
WEIXIN_APP_SECRET = env("WEIXIN_APP_SECRET", "")
# Log-in inside WeChat's own browser through the official account (WECHAT_MP_APP_ID below, whose OpenIDs receive the
# template messages): on when WEIXIN_OFFICIAL_ACCOUNT_LOGIN=1 and the account's 网页授权域名 names this site.
# snsapi_userinfo asks the person once (nickname and photo); snsapi_base is silent (OpenID only).
WEIXIN_OFFICIAL_ACCOUNT_LOGIN = env_bool("WEIXIN_OFFICIAL_ACCOUNT_LOGIN")
WEIXIN_OFFICIAL_ACCOUNT_SCOPE = env("WEIXIN_OFFICIAL_ACCOUNT_SCOPE", "snsapi_userinfo")
if WEIXIN_OFFICIAL_ACCOUNT_SCOPE not in {"snsapi_userinfo", "snsapi_base"}:
    raise ImproperlyConfigured("WEIXIN_OFFICIAL_ACCOUNT_SCOPE is snsapi_userinfo or snsapi_base.")
# WeChat's authorize pages (the API, /sns/oauth2/access_token and /sns/userinfo, is WECHAT_API_BASE_URL below).
WEIXIN_OPEN_BASE_URL = env("WEIXIN_OPEN_BASE_URL", "https://open.weixin.qq.com")
# DingTalk (or 浙政钉) log-in for staff, with the work-notice app's key and secret (DINGTALK_APP_KEY below).
DINGTALK_LOGIN = env_bool("DINGTALK_LOGIN")
DINGTALK_LOGIN_BASE_URL = env("DINGTALK_LOGIN_BASE_URL", "https://login.dingtalk.com")
DINGTALK_OPENAPI_BASE_URL = env("DINGTALK_OPENAPI_BASE_URL", "https://api.dingtalk.com")
# Staff (registrars, street administrators, superusers) must have TOTP set up before using the site.
ACADEMY_REQUIRE_STAFF_MFA = env_bool("ACADEMY_REQUIRE_STAFF_MFA", True)

# SMS: a pluggable sender (see academy/sms.py). The console sender logs codes; set a provider's class here.
ACADEMY_SMS_SENDER = env("ACADEMY_SMS_SENDER", "academy.sms.ConsoleSMSSender")
ACADEMY_SMS_SIGN_NAME = env("ACADEMY_SMS_SIGN_NAME", "三方学院")

# Email
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "三方学院 <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks: run immediately in the embedded default; the database backend with db_worker processes when asked (the
# default in production.py). Workers claim tasks with SELECT … FOR UPDATE SKIP LOCKED, so any number of them on
# any number of hosts share one queue. /healthz fails when the oldest ready task waits longer than the lag below.
TASKS_BACKEND = env("TASKS_BACKEND", "immediate")
# Notifications (notifications/): at most this many notices a day reach a person's phone (SMS or WeChat; essential
# ones always do), and the sender of each channel beyond the site inbox (a channel without credentials is off).
NOTIFICATIONS_DAILY_CAP = env_int("NOTIFICATIONS_DAILY_CAP", 5)
# No SMS or WeChat between these local times (a session cancelled for the same day excepted); empty: no quiet hours.
NOTIFICATIONS_QUIET_HOURS = env("NOTIFICATIONS_QUIET_HOURS", "21:00-08:00")
NOTIFICATIONS_SENDERS = {
    "sms": "notifications.senders.SMSChannelSender",
    "wechat": "notifications.senders.WeChatTemplateSender",
    "work": "notifications.senders.DingTalkWorkNoticeSender",
}
# WeChat official account (公众号) template messages: on when both are set.
WECHAT_MP_APP_ID = env("WECHAT_MP_APP_ID", "")
WECHAT_MP_APP_SECRET = env("WECHAT_MP_APP_SECRET", "")
WECHAT_API_BASE_URL = env("WECHAT_API_BASE_URL", "https://api.weixin.qq.com")
# Staff work notices through DingTalk or 浙政钉 (same API, its own base URL): on when all three are set.
DINGTALK_APP_KEY = env("DINGTALK_APP_KEY", "")
DINGTALK_APP_SECRET = env("DINGTALK_APP_SECRET", "")
DINGTALK_AGENT_ID = env("DINGTALK_AGENT_ID", "")
DINGTALK_API_BASE_URL = env("DINGTALK_API_BASE_URL", "https://oapi.dingtalk.com")
HEALTHZ_TASK_LAG_SECONDS = env_int("HEALTHZ_TASK_LAG_SECONDS", 300)
# A task RUNNING longer than this is taken to be orphaned by a dead worker: /healthz counts such rows and
# `manage.py requeue_stale_tasks` puts them back in the queue (see academy/task_queue.py).
TASKS_STALE_AFTER_MINUTES = env_int("TASKS_STALE_AFTER_MINUTES", 30)
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security headers that hold in every environment; production.py adds TLS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# DENY everywhere: Wagtail's preview views override it to SAMEORIGIN themselves (xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # our scripts read the token from the form's hidden input, never from the cookie

# Content-Security-Policy (django-csp 4). The public site allows no inline script or style; media may also come
# from object storage when MEDIA_URL points there (CSP_MEDIA_ORIGINS, e.g. https://bucket.example.org).
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")


def url_origin(url: str) -> str:
    """scheme://host[:port] of a URL, as a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# The WeChat and DingTalk log-in buttons post to our own URL, which redirects to the provider's authorize page; browsers
# hold that redirect to form-action as well, so the providers configured here are allowed there (and only they).
SOCIAL_LOGIN_FORM_ORIGINS = sorted(
    {
        *(
            [url_origin(WEIXIN_OPEN_BASE_URL)]
            if (WEIXIN_APP_ID and WEIXIN_APP_SECRET)
            or (WEIXIN_OFFICIAL_ACCOUNT_LOGIN and WECHAT_MP_APP_ID and WECHAT_MP_APP_SECRET)
            else []
        ),
        *([url_origin(DINGTALK_LOGIN_BASE_URL)] if DINGTALK_LOGIN and DINGTALK_APP_KEY and DINGTALK_APP_SECRET else []),
    }
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for allauth's TOTP QR code and CSS-embedded icons
        "img-src": [SELF, "data:", *CSP_MEDIA_ORIGINS],
        "media-src": [SELF, *CSP_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *SOCIAL_LOGIN_FORM_ORIGINS],
        "frame-ancestors": [NONE],
    },
}
# The Wagtail admin (only under ACADEMY_ADMIN_PATH_PREFIX) needs inline scripts (inline panels, date pickers) and
# inline styles; it may frame itself (page previews) and uses blob: images for upload previews. Nothing else.
ACADEMY_ADMIN_PATH_PREFIX = "/admin/"
ACADEMY_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *CSP_MEDIA_ORIGINS],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Permissions-Policy (django-permissions-policy, which refuses a misspelt feature at start-up). Features no page uses
# are switched off; fullscreen stays for the lesson videos' own player. Nothing on the site uses the camera: trainees
# check in by scanning the projector's QR code with their phone's own camera app or WeChat's scanner, which opens a URL.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "display-capture": [],
    "fullscreen": ["self"],
}
# No internet on these machines, and no third-party requests from the admin: no Gravatar, no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# LOG_FORMAT=json writes one JSON object per line (academy/jsonlog.py) for a log collector; plain text otherwise.
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "academy.jsonlog.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "plain"}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint and fontTools narrate every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Certificates: the number printed on each ({year} and {serial} are filled in) and the public verification rate.
CERTIFICATE_NUMBER_FORMAT = env("CERTIFICATE_NUMBER_FORMAT", "拱三方证〔{year}〕第{serial:06d}号")
# Event sign-up without an account (home events): per client address and per mobile number, "<count>/<s|m|h|d>".
# A community desk may sign many neighbours up from one address, so the per-address limit is the looser one.
# 我的数据 (my-data.zip) renders a transcript and reads every certificate file: a few downloads an hour per person.
PERSONAL_DATA_DOWNLOAD_RATE = env("PERSONAL_DATA_DOWNLOAD_RATE", "5/h")
EVENT_SIGNUP_RATE_PER_IP = env("EVENT_SIGNUP_RATE_PER_IP", "30/h")
EVENT_SIGNUP_RATE_PER_PHONE = env("EVENT_SIGNUP_RATE_PER_PHONE", "5/h")
# Typed six-digit check-in codes (a guess is right one time in 500,000): tries per trainee, and per session from all
# its trainees together, "<count>/<period>". A trainee over the limit scans the QR code or is marked by staff.
CHECK_IN_CODE_RATE_PER_PERSON = env("CHECK_IN_CODE_RATE_PER_PERSON", "10/10m")
CHECK_IN_CODE_RATE_PER_SESSION = env("CHECK_IN_CODE_RATE_PER_SESSION", "300/10m")
CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE = env_int("CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE", 30)
# Processes that render PDFs side by side during a bulk issue; 0 means one per CPU this process may use.
CERTIFICATE_RENDER_WORKERS = env_int("CERTIFICATE_RENDER_WORKERS", 0)

# Personal data: sign-ups made without an account (a name and a phone) are deleted this many days after their
# event ends, by `manage.py purge_event_signups` run daily from cron (see docs/security.md).
EVENT_SIGNUP_RETENTION_DAYS = env_int("EVENT_SIGNUP_RETENTION_DAYS", 90)

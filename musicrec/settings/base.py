"""musicrec settings: the one real settings module, for development and production alike.

Production differs only by environment variables (see README's configuration table and
.env.example). With no variables at all the app runs on SQLite and the django-q2 ORM broker.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# The real environment wins over .env: read_env only fills variables that are not set.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------------------------

# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
# A development key is only allowed with DEBUG on; production must set DJANGO_SECRET_KEY.
if DEBUG:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-9c1f6b2e7a4d4f0c8e3b5a7d2f1e6c9b"
    )
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY: it is required when DJANGO_DEBUG is off (production)."
        )

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_q",
    "musicrec.core",
    "authors",
    "videos",
    "music",
    "recommendations",
    "sample_data",  # manage.py load_demo
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "musicrec.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django 5.1+: every dashboard page needs a log-in unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "musicrec.urls"
WSGI_APPLICATION = "musicrec.wsgi.application"
ASGI_APPLICATION = "musicrec.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# postgres://user:pass@host:5432/name selects psycopg2; the default is a SQLite file here.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes, and the timeout rides out the
    # short write locks the ORM broker takes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6.0's default, opted into now

# --- Cache --------------------------------------------------------------------------------

# qinfo/qmonitor and the Spotify result cache need a cache shared across processes:
# Redis when REDIS_URL is set, else the database (run `createcachetable`).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "musicrec_cache",
        }
    }

# --- Auth ---------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------

# https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MUSICREC_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security (production: DJANGO_DEBUG off) ----------------------------------------------

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts from this site only (no inline script, no javascript: URLs); inline styles are
# allowed for the dashboard's bars and the API docs (musicrec.core.security).
CONTENT_SECURITY_POLICY = env(
    "DJANGO_CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; media-src 'self'; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
)

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- REST API -----------------------------------------------------------------------------

# https://www.django-rest-framework.org/api-guide/settings/
# Token first: DRF answers an anonymous request with the first class's challenge, so clients get
# 401 + `WWW-Authenticate: Token` (Session has no challenge and would make it a 403).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every view declares what each method needs (musicrec.core.roles).
    "DEFAULT_PERMISSION_CLASSES": ["musicrec.api.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["musicrec.api.ActionRateThrottle"],
    # JSON with a bounded nesting depth (musicrec.api.JSONParser), forms and uploads.
    "DEFAULT_PARSER_CLASSES": [
        "musicrec.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "musicrec.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Unknown ordering terms are a 400 (musicrec.filters), as bad filter values are.
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "musicrec.filters.OrderingFilter",
    ],
    # Documents the errors every operation shares (musicrec.core.openapi).
    "DEFAULT_SCHEMA_CLASS": "musicrec.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "musicrec.api.exception_handler",
    # Proxies in front of the app: the client address (for the log-in limits) is then read
    # from X-Forwarded-For; 0 reads REMOTE_ADDR only, so a client cannot pick its own address.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}

# Per-user limits on the expensive actions, as "<count>/<second|minute|hour|day>"; empty = none.
# https://www.django-rest-framework.org/api-guide/throttling/#scopedratethrottle
API_THROTTLE_RATES = {
    "analyze-tiktok": env("API_THROTTLE_ANALYZE_TIKTOK", default="30/hour") or None,
    "analyze": env("API_THROTTLE_ANALYZE", default="120/hour") or None,
    "recommend": env("API_THROTTLE_RECOMMEND", default="60/minute") or None,
    # Failed log-ins (the log-in page and POST auth/token) per user name and per client address;
    # only wrong passwords count (musicrec.api.LoginGuard).
    "login-username": env("LOGIN_THROTTLE_USERNAME", default="10/hour") or None,
    "login-address": env("LOGIN_THROTTLE_ADDRESS", default="30/hour") or None,
}

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "musicrec API",
    "DESCRIPTION": (
        "Analyse TikTok creators, their videos and the music they use, and recommend tracks "
        "that fit them, with the reasons.\n\n"
        "**Authenticate** with a token: `POST /api/v1/auth/token` with a username and password "
        'returns `{"token": "…"}`; send it as `Authorization: Token <key>`. A dashboard '
        "session works too.\n\n"
        "**A typical integration:** `POST /api/v1/analyze-tiktok` with a handle or a scrape "
        "(202 and a job); poll `GET /api/v1/jobs/{id}` until `is_finished`; read the creator "
        "with `GET /api/v1/authors/{id}/analysis`; ask `GET /api/v1/authors/{id}/recommendations`"
        " or `POST /api/v1/recommend-music`; send keep/reject feedback on items. Bad input is a "
        "400 naming the field and the reason; lists are paginated (`page`, `page_size` ≤ 200)."
    ),
    # Group operations by resource (authors, music, jobs, ...) rather than under one "v1" tag.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Links from lists to rows and from a recommendation run to feedback on its items.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "musicrec.core.openapi.add_links",
    ],
    # Row ids in paths (musicrec.core.converters): 1 to 2**63 - 1.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    },
    # Several apps expose these choice sets under a field named "status": name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "AnalysisStatusEnum": "musicrec.core.models.AnalysisStatus",
        "JobStatusEnum": "musicrec.core.models.Job.Status",
    },
}

# --- Background work (django-q2) ----------------------------------------------------------

# https://django-q2.readthedocs.io/en/master/configure.html
# ORM broker by default (no Redis needed, works on SQLite and PostgreSQL); REDIS_URL selects
# the Redis broker so workers can scale out across machines. retry must exceed timeout.
Q_CLUSTER = {
    "name": "musicrec",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=600),
    "retry": env.int("Q_RETRY", default=720),
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 500,
    "ack_failures": True,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env.float("Q_POLL", default=0.5)

# --- Scraper ------------------------------------------------------------------------------

SCRAPER_SOURCE = env("SCRAPER_SOURCE", default="file")  # "file" or "http"
# The default points at the demo set's latest scrapes, so "analyse @handle" works out of the box.
SCRAPER_FILE_DIR = Path(
    env(
        "SCRAPER_FILE_DIR",
        default=str(BASE_DIR / "sample_data" / "demo" / "scrapes" / "2026-11-24"),
    )
)
# Relative media paths inside fetched scrape files resolve against this folder (the demo's).
SCRAPER_MEDIA_BASE = Path(env("SCRAPER_MEDIA_BASE", default=str(BASE_DIR / "sample_data" / "demo")))
SCRAPER_HTTP_BASE_URL = env("SCRAPER_HTTP_BASE_URL", default="https://api.apify.com")
SCRAPER_HTTP_TOKEN = env("SCRAPER_HTTP_TOKEN", default="")
SCRAPER_HTTP_ACTOR = env("SCRAPER_HTTP_ACTOR", default="clockworks~tiktok-scraper")
SCRAPER_HTTP_TIMEOUT = env.float("SCRAPER_HTTP_TIMEOUT", default=120.0)
SCRAPER_HTTP_RETRIES = env.int("SCRAPER_HTTP_RETRIES", default=3)
SCRAPER_HTTP_BACKOFF = env.float("SCRAPER_HTTP_BACKOFF", default=1.0)
SCRAPER_HTTP_RESULTS_PER_PAGE = env.int("SCRAPER_HTTP_RESULTS_PER_PAGE", default=30)
SCRAPE_MAX_BYTES = env.int("SCRAPE_MAX_BYTES", default=50 * 1024 * 1024)
# One limit for request bodies: a JSON body (a scrape sent inline) may be as large as a scrape
# file; past it the API answers a JSON 413 naming it (musicrec.api.exception_handler).
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
DATA_UPLOAD_MAX_MEMORY_SIZE = SCRAPE_MAX_BYTES
# Uploads (scrape files) are kept in memory up to that limit and never written to disk.
FILE_UPLOAD_HANDLERS = ["musicrec.core.uploads.BoundedMemoryUploadHandler"]

# --- Media --------------------------------------------------------------------------------

MEDIA_MAX_BYTES = env.int("MEDIA_MAX_BYTES", default=100 * 1024 * 1024)
MEDIA_FETCH_TIMEOUT = env.float("MEDIA_FETCH_TIMEOUT", default=30.0)
# Private, loopback and link-local targets are refused unless allowed (SSRF guard).
MEDIA_ALLOW_PRIVATE = env.bool("MEDIA_ALLOW_PRIVATE", default=False)
MEDIA_CACHE_DIR = Path(env("MEDIA_CACHE_DIR", default=str(BASE_DIR / "var" / "media-cache")))
# Downloaded media kept at most (bytes); past it the least recently used downloads are deleted.
MEDIA_CACHE_MAX_BYTES = env.int("MEDIA_CACHE_MAX_BYTES", default=2 * 1024 * 1024 * 1024)
MEDIA_MAX_SECONDS = env.float("MEDIA_MAX_SECONDS", default=60.0)
# Local media files (the demo set, uploads) are read only inside these folders.
MEDIA_LOCAL_ROOTS = [
    Path(p)
    for p in env.list("MEDIA_LOCAL_ROOTS", default=[str(BASE_DIR / "sample_data"), str(MEDIA_ROOT)])
]

# --- Analysis -----------------------------------------------------------------------------

NUMBA_CACHE_DIR = env("NUMBA_CACHE_DIR", default=str(BASE_DIR / ".cache" / "numba"))
# numba reads it from the environment when librosa is first imported: only the first process on
# a machine pays the JIT compile.
os.environ.setdefault("NUMBA_CACHE_DIR", NUMBA_CACHE_DIR)
AUTHOR_WINDOW_VIDEOS = env.int("AUTHOR_WINDOW_VIDEOS", default=30)
AUTHOR_WINDOW_DAYS = env.int("AUTHOR_WINDOW_DAYS", default=90)

# --- Spotify ------------------------------------------------------------------------------

# Identity resolver only (search, track, ISRC). Unset: enrichment is skipped, the app works.
SPOTIFY_CLIENT_ID = env("SPOTIFY_CLIENT_ID", default="")
SPOTIFY_CLIENT_SECRET = env("SPOTIFY_CLIENT_SECRET", default="")
SPOTIFY_TIMEOUT = env.float("SPOTIFY_TIMEOUT", default=10.0)
SPOTIFY_MAX_RETRIES = env.int("SPOTIFY_MAX_RETRIES", default=3)

# --- Recommender --------------------------------------------------------------------------

# Optional overrides of the recommender's default component weights, as JSON objects naming only
# the components they change (`{"trend": 0.2}`): RECOMMENDER_WEIGHTS for requests with content to
# match, RECOMMENDER_CROWD_WEIGHTS for those without. Unset, the defaults are
# `recommendations.weights.default_weights` (docs/engine.md); settings only read the environment.
RECOMMENDER_WEIGHTS = env.json("RECOMMENDER_WEIGHTS", default={})
RECOMMENDER_CROWD_WEIGHTS = env.json("RECOMMENDER_CROWD_WEIGHTS", default={})
# How long a worker trusts its catalogue version stamp before reading it again (seconds). The
# stamp costs a few aggregate queries (about 80 ms on SQLite at 20,000 tracks), so production
# reads it at most this often; development and tests (DJANGO_DEBUG) read it on every request.
RECOMMENDER_CATALOGUE_CHECK_SECONDS = env.float(
    "RECOMMENDER_CATALOGUE_CHECK_SECONDS", default=0.0 if DEBUG else 5.0
)

# --- Tests --------------------------------------------------------------------------------

# When set (CI does), tests that need PostgreSQL/Redis/Chromium or the shared data sets fail
# instead of skipping. On by default where CI=true.
REQUIRE_SERVICES = env.bool("MUSICREC_REQUIRE_SERVICES", default=env.bool("CI", default=False))

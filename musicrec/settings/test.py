"""Test settings: base plus what makes tests fast and deterministic."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import Q_CLUSTER, STORAGES  # noqa: E402

SECRET_KEY = "test-only-secret-key-not-for-production-3f9a"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders, as runserver does: no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# django-q2 reads Q_CLUSTER at import: only the global sync flag runs tasks in-process and keeps
# the test transaction's connection open. Worker tests start a real cluster with their own config.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No limits by default: the cache outlives a test and ids repeat across rolled-back tests, so
# one test's requests would count against the next. The throttling tests set their own rates.
API_THROTTLE_RATES = {"analyze-tiktok": None, "analyze": None, "recommend": None}

# Worker tests run a real `qcluster` in a subprocess, which must open the same test database:
# give SQLite's test database a file instead of the default in-memory one.
from .base import BASE_DIR, DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test process, so parallel runs on one machine don't share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    }

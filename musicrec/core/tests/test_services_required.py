"""When CI asks for the real services, the suite must be running on them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from conftest import services_required, skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not services_required(), reason="only checked when services are required")
def test_suite_runs_on_postgresql_and_redis_when_required():
    import redis

    assert connection.vendor == "postgresql", "CI must run on PostgreSQL (DATABASE_URL)"
    assert settings.REDIS_URL, "CI must set REDIS_URL"
    assert redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()


def test_skip_or_fail_follows_settings_require_services(settings):
    settings.REQUIRE_SERVICES = True
    with pytest.raises(pytest.fail.Exception, match="no Redis here \\(required"):
        skip_or_fail("no Redis here")
    settings.REQUIRE_SERVICES = False
    with pytest.raises(pytest.skip.Exception, match="no Redis here"):
        skip_or_fail("no Redis here")

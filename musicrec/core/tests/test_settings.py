"""Settings come from the environment: DATABASE_URL, REDIS_URL, the secret key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = (
    "import json; from django.conf import settings as s; import django; django.setup(); "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'q': sorted(s.Q_CLUSTER), "
    "'cache': s.CACHES['default']['BACKEND'], 'require_services': s.REQUIRE_SERVICES, "
    "'crowd_weights': s.RECOMMENDER_CROWD_WEIGHTS}))"
)


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    switches = ("DATABASE_", "REDIS_", "CI", "MUSICREC_REQUIRE_SERVICES", "RECOMMENDER_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(switches)}
    clean.update({"DJANGO_SETTINGS_MODULE": "musicrec.settings.base", **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_default_to_sqlite_in_the_project_folder_and_the_orm_broker():
    result = _settings_with({"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(ROOT / "db.sqlite3")
    assert "orm" in found["q"] and "redis" not in found["q"]
    assert found["cache"].endswith("DatabaseCache")


def test_settings_honour_database_url_and_redis_url():
    result = _settings_with(
        {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": "postgres://musicrec:secret@db.internal:5432/musicrec_prod",
            "REDIS_URL": "redis://cache.internal:6379/2",
        }
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "musicrec_prod"
    assert "redis" in found["q"] and "orm" not in found["q"]
    assert found["cache"].endswith("RedisCache")


def test_settings_require_services_is_the_one_switch_on_under_ci():
    def found(env: dict[str, str]) -> bool:
        result = _settings_with({"DJANGO_DEBUG": "true", **env})
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["require_services"]

    assert found({}) is False
    assert found({"CI": "true"}) is True
    assert found({"MUSICREC_REQUIRE_SERVICES": "true"}) is True
    assert found({"CI": "true", "MUSICREC_REQUIRE_SERVICES": "false"}) is False


def test_settings_hold_only_the_weight_overrides_from_the_environment():
    plain = _settings_with({"DJANGO_DEBUG": "true"})
    tuned = _settings_with({"DJANGO_DEBUG": "true", "RECOMMENDER_CROWD_WEIGHTS": '{"trend": 0.3}'})
    assert plain.returncode == 0 and tuned.returncode == 0, plain.stderr + tuned.stderr
    assert json.loads(plain.stdout)["crowd_weights"] == {}
    assert json.loads(tuned.stdout)["crowd_weights"] == {"trend": 0.3}


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _settings_with({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_production_settings():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "musicrec.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x7#k2!q9-production-grade-secret-key-with-enough-entropy-81zq",
            "DJANGO_ALLOWED_HOSTS": "musicrec.example.com",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

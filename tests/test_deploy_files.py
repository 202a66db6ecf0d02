"""docker-compose.yml and the Dockerfile say what README promises (no Docker engine runs here)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_postgres_16_redis_7_web_and_scalable_workers_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert set(services) == {"db", "redis", "web", "worker"}
    for name in services:
        assert "healthcheck" in services[name], f"{name} has no health check"
    # Workers must not pin a container name or port, or `--scale worker=N` would clash.
    assert "container_name" not in services["worker"]
    assert "ports" not in services["worker"]
    assert services["worker"]["command"] == ["python", "manage.py", "qcluster"]
    # Stopped by SIGTERM to qcluster alone, reaped by an init (test_worker.py stops it so).
    assert services["worker"]["init"] is True
    assert services["worker"]["stop_grace_period"] == "30s"
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")


def test_dockerfile_installs_the_pinned_requirements_on_python_311():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11" in dockerfile
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile

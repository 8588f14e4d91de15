"""The deploy artifacts say what the README promises: a slim image running `baton serve`
as an unprivileged user with a health check on /healthz; compose with web, worker and
PostgreSQL on a volume, the schema migrated once before either starts; a pinned
requirements file a Heroku-style builder installs. (The image itself is built by
.ci/run where a Docker engine runs.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def dockerfile() -> list[str]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_image_is_slim_unprivileged_serves_and_checks_its_health() -> None:
    lines = dockerfile()
    [base] = [line for line in lines if line.startswith("FROM ")]
    assert re.fullmatch(r"FROM python:3\.1[1-9]-slim", base)
    users = [line for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0")
    assert lines[-1] == 'CMD ["baton", "serve"]'
    [health] = [line for line in lines if line.startswith("HEALTHCHECK ")]
    assert "/healthz" in health
    assert any(line.startswith("EXPOSE 3000") for line in lines)


def test_compose_runs_web_worker_and_postgres_with_a_volume_migrated_first() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "web", "worker"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    assert "pgdata" in compose["volumes"]
    assert services["migrate"]["command"] == ["baton", "migrate"]
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["web"]["command"][:2] == ["baton", "serve"]
    assert services["worker"]["command"] == ["baton", "worker"]


def test_requirements_pin_every_runtime_dependency_and_install_baton() -> None:
    lines = [
        line.strip()
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == "."  # the project itself, after its pinned dependencies
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lines[:-1]}
    assert all("==" in line for line in lines[:-1])
    for needed in ("slack-bolt", "slack-sdk", "sqlalchemy", "psycopg", "waitress", "alembic"):
        assert needed in pinned
    assert "pytest" not in pinned  # tests are not deployed

"""Slack's OpenAPI description of the Web API: which methods exist, what each requires."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

SPEC_ENV = "SLACK_API_SPEC"
# Slack's own description, kept in the repository (see its README.md).
DEFAULT_SPEC = Path(__file__).resolve().parents[1] / "slack_api_spec" / "slack_web_openapi_v2.json"


@dataclass(frozen=True)
class SpecMethod:
    required: frozenset[str]
    needs_token: bool


_spec_cache: dict[Path, dict[str, SpecMethod]] = {}
_spec_lock = threading.Lock()


def spec_path() -> Path:
    override = os.environ.get(SPEC_ENV)
    return Path(override) if override else DEFAULT_SPEC


def load_spec(path: Path | None = None) -> dict[str, SpecMethod]:
    """Method name -> what Slack's description demands of a call; parsed once per process."""
    path = (path or spec_path()).resolve()
    with _spec_lock:
        if path not in _spec_cache:
            if not path.is_file():
                raise FileNotFoundError(
                    f"Slack Web API spec not found at {path}; set {SPEC_ENV} to its location"
                )
            doc = json.loads(path.read_text(encoding="utf-8"))
            methods: dict[str, SpecMethod] = {}
            for route, operations in doc["paths"].items():
                params = [p for op in operations.values() for p in op.get("parameters", [])]
                methods[route.lstrip("/")] = SpecMethod(
                    required=frozenset(
                        p["name"] for p in params if p.get("required") and p["name"] != "token"
                    ),
                    needs_token=any(p["name"] == "token" and p.get("required") for p in params),
                )
            _spec_cache[path] = methods
        return _spec_cache[path]

"""Slack's OpenAPI description of the Web API: which methods exist, what each requires."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.slack_standin.server import Check
from bot.slack_standin.wire import present, short

SPEC_ENV = "SLACK_API_SPEC"
# Slack's own description, kept in the repository (see its README.md).
DEFAULT_SPEC = Path(__file__).resolve().parents[1] / "slack_api_spec" / "slack_web_openapi_v2.json"
# Methods Slack added after that description, beside it (see its README.md).
NEWER_METHODS = "newer_methods.json"


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
            newer = path.with_name(NEWER_METHODS)
            if newer.is_file():
                for name, method in json.loads(newer.read_text("utf-8"))["methods"].items():
                    methods[name] = SpecMethod(frozenset(method["required"]), needs_token=True)
            _spec_cache[path] = methods
        return _spec_cache[path]


def spec_check(path: Path | None = None) -> Check:
    """A check for SlackStandIn: refuse what Slack's description says Slack refuses."""
    spec = load_spec(path)

    def check(method: str, args: dict[str, Any], token: str | None) -> tuple[str, str] | None:
        wanted = spec.get(method)
        if wanted is None:
            return f"{method}: unknown method", "unknown_method"
        missing = sorted(p for p in wanted.required if not present(args.get(p)))
        if missing:
            return f"{method}: missing required {', '.join(missing)} in {short(args)}", (
                "invalid_arguments"
            )
        if wanted.needs_token and not token:
            return f"{method}: no token", "not_authed"
        return None

    return check

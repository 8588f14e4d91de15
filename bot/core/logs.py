"""Structured logs: one JSON object per line, with the context of the work being done.

Every line carries what is bound for the current request or outbox message (request
id, HTTP path, lead id, the lead's route, outbox id) plus the fields of the event.
Nothing secret and no lead contact data reach the output: Baton logs lead ids, never
names, emails or phone numbers; known secrets, Slack tokens and email addresses are
masked anyway, and libraries that would echo payloads are kept quiet.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

_context: ContextVar[dict[str, Any] | None] = ContextVar("baton_log_context", default=None)
_FIELDS = "baton_fields"
_TOKEN = re.compile(r"\b(xox[abposre]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
MASK = "[redacted]"
# Libraries whose debug output includes request bodies (lead details, payloads).
_CHATTY = {"slack_sdk": logging.WARNING, "slack_bolt": logging.WARNING, "urllib3": logging.WARNING}
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(*values: str | None) -> None:
    """Never print these values (tokens, signing and intake secrets)."""
    with _secrets_lock:
        _secrets.update(v for v in values if v and len(v) >= 6)


def redact(text: str) -> str:
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _TOKEN.sub(MASK, text)
    return _EMAIL.sub(MASK, text)


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """Add fields to every log line written inside the block (this thread/context only)."""
    current = _context.get() or {}
    token = _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def context() -> dict[str, Any]:
    return dict(_context.get() or {})


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log the event `name` with structured fields."""
    if logger.isEnabledFor(level):
        logger.log(level, name, extra={_FIELDS: {k: v for k, v in fields.items() if v is not None}})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _message(record),
        }
        line.update(context())
        fields = getattr(record, _FIELDS, None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str, ensure_ascii=False))


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    if record.name.startswith(("slack_bolt", "slack_sdk")) and "{" in message:
        # These libraries quote whole payloads (with lead details) in some warnings.
        message = message[: message.index("{")].rstrip(" (:") + " [payload omitted]"
    return message


def configure(level: int | str = logging.INFO, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record to `stream` (stderr) as JSON lines; return the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, JsonFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in _CHATTY.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    return handler

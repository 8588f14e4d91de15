"""Structured logs: one line per event, with the context of the work being done: a JSON
object for machines, or, on a terminal, time, level, event and fields for people
(BATON_LOG_FORMAT chooses).

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
# Libraries whose INFO lines say nothing an operator acts on (each migration step on every
# start); shown at DEBUG.
_ROUTINE = {"alembic": logging.WARNING}
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


class _BatonFormatter(logging.Formatter):
    """What both formats show: the event, the bound context and the event's fields."""

    @staticmethod
    def fields(record: logging.LogRecord) -> dict[str, Any]:
        found = context()
        extra = getattr(record, _FIELDS, None)
        if isinstance(extra, dict):
            found.update(extra)
        return found


class JsonFormatter(_BatonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _message(record),
        }
        line.update(self.fields(record))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str, ensure_ascii=False))


class TextFormatter(_BatonFormatter):
    """``14:03:07 WARNING delivery.retry  lead_id=12 error=ratelimited`` (local time); a
    traceback follows on its own lines."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{moment} {record.levelname:<7} {_message(record)}"
        pairs = " ".join(
            f"{key}={_text_value(value)}" for key, value in self.fields(record).items()
        )
        if pairs:
            line += f"  {pairs}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, str) and (not text or any(c.isspace() or c in '"=' for c in text)):
        return json.dumps(text, ensure_ascii=False)
    return text


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    if record.name.startswith(("slack_bolt", "slack_sdk")) and "{" in message:
        # These libraries quote whole payloads (with lead details) in some warnings.
        message = message[: message.index("{")].rstrip(" (:") + " [payload omitted]"
    return message


def configure(
    level: int | str = logging.INFO, stream: IO[str] | None = None, fmt: str | None = None
) -> logging.Handler:
    """Send every log record to `stream` (stderr), as text when `fmt` is "text" or, with
    no `fmt`, when the stream is a terminal; else as JSON lines. Return the handler."""
    out = stream or sys.stderr
    if fmt is None:
        fmt = "text" if _is_terminal(out) else "json"
    handler = logging.StreamHandler(out)
    handler.setFormatter(TextFormatter() if fmt == "text" else JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, _BatonFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in _CHATTY.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    for name, floor in _ROUTINE.items():
        logging.getLogger(name).setLevel(root.level if root.level <= logging.DEBUG else floor)
    return handler


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


@contextmanager
def quiet_unless_debug(*names: str, below: int = logging.ERROR) -> Iterator[None]:
    """Drop what the loggers `names` say below `below` inside the block, unless the process
    logs at DEBUG: for a library's notes about choices Baton made on purpose (Bolt's "As
    you gave `client` as well, `token` will be unused.") or about a failure Baton reports
    itself in words an operator can act on."""
    loggers = [logging.getLogger(name) for name in names]
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        yield
        return

    # A filter, not a level: Bolt sets its loggers' levels as it builds them.
    def keep(record: logging.LogRecord) -> bool:
        return record.levelno >= below

    for logger in loggers:
        logger.addFilter(keep)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(keep)

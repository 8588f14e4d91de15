"""Who may post leads: a signed timestamp (HMAC-SHA256) or a bearer token.

Signed: `X-Baton-Timestamp: <unix seconds>` and
`X-Baton-Signature: v1=<hex HMAC-SHA256(secret, "v1:{timestamp}:{raw body}")>`.
The timestamp is inside the signature, so an old request cannot be replayed later
than the tolerance; within it, a replay is only a duplicate (answered 200).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any, Protocol

# The scheme is shared with outgoing webhooks, which sign the same way.
from bot.core.signing import (
    SIGNATURE_HEADER,
    SIGNATURE_VERSION,
    TIMESTAMP_HEADER,
    signature,
    signed_headers,
)

__all__ = [
    "SIGNATURE_HEADER",
    "SIGNATURE_VERSION",
    "TIMESTAMP_HEADER",
    "TOLERANCE_SECONDS",
    "AuthFailure",
    "IntakeCredentials",
    "authenticate",
    "signature",
    "signed_headers",
]

TOLERANCE_SECONDS = 300


class Headers(Protocol):
    """Request headers, looked up case-insensitively (werkzeug's Headers, or a dict in tests)."""

    def get(self, key: str, /) -> str | None: ...


@dataclass(frozen=True)
class IntakeCredentials:
    secret: str | None
    token: str | None

    @property
    def configured(self) -> bool:
        return bool(self.secret or self.token)


@dataclass
class AuthFailure(Exception):
    """Why a request is not authenticated; `key` names the catalog message."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def authenticate(headers: Headers, body: bytes, credentials: IntakeCredentials, now: float) -> str:
    """Return how the request authenticated ("signature" or "token"), or raise AuthFailure."""
    sig = headers.get(SIGNATURE_HEADER)
    stamp = headers.get(TIMESTAMP_HEADER)
    auth = headers.get("Authorization")
    if sig is not None or stamp is not None:
        _check_signature(sig, stamp, body, credentials, now)
        return "signature"
    if auth is not None:
        _check_token(auth, credentials)
        return "token"
    raise AuthFailure("intake.auth.missing")


def _check_signature(
    sig: str | None, stamp: str | None, body: bytes, credentials: IntakeCredentials, now: float
) -> None:
    if not credentials.secret:
        raise AuthFailure("intake.auth.signing_off")
    if stamp is None:
        raise AuthFailure("intake.auth.no_timestamp")
    if sig is None:
        raise AuthFailure("intake.auth.no_signature")
    stamp = stamp.strip()
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise AuthFailure("intake.auth.bad_timestamp")
    off = int(now - int(stamp))
    if abs(off) > TOLERANCE_SECONDS:
        raise AuthFailure("intake.auth.stale", {"off": abs(off), "limit": TOLERANCE_SECONDS})
    expected = signature(credentials.secret, stamp, body)
    # Compare as bytes: compare_digest refuses non-ASCII str, and a forged header may hold any.
    if not hmac.compare_digest(expected.encode(), sig.strip().lower().encode("utf-8", "replace")):
        raise AuthFailure("intake.auth.bad_signature")


def _check_token(auth: str, credentials: IntakeCredentials) -> None:
    if not credentials.token:
        raise AuthFailure("intake.auth.token_off")
    scheme, _, given = auth.strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise AuthFailure("intake.auth.not_bearer")
    if not hmac.compare_digest(
        credentials.token.encode(), given.strip().encode("utf-8", "replace")
    ):
        raise AuthFailure("intake.auth.bad_token")

"""Baton's HMAC signature, one scheme both ways: what `POST /leads` checks
(bot/intake/auth.py) and what outgoing webhooks carry (bot/delivery/webhooks.py).

`X-Baton-Timestamp: <unix seconds>` and
`X-Baton-Signature: v1=<hex HMAC-SHA256(secret, "v1:{timestamp}:{raw body}")>`.
The timestamp is inside the signature, so a receiver that refuses old timestamps
cannot be sent an old request again later.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Baton-Timestamp"
SIGNATURE_HEADER = "X-Baton-Signature"
SIGNATURE_VERSION = "v1"


def signature(secret: str, timestamp: str | int, body: bytes) -> str:
    """The X-Baton-Signature value for `body` sent at `timestamp`."""
    message = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}

"""Links that came from outside (a CRM record's address): kept only when a browser can
open them, because Slack refuses a whole message whose button has a bad `url`."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

URL_MAX = 3000  # Slack's limit for a button's url
_SCHEMES = frozenset({"http", "https"})
# Characters a URL may carry as they are; anything else outside ASCII is percent-encoded.
_KEEP = "/%:@!$&'()*+,;=?#~-._[]"


def web_url(value: object, limit: int = URL_MAX) -> str | None:
    """`value` as an absolute http(s) URL a browser can open, ASCII only; else None.

    Relative paths (a Salesforce record's `attributes.url`), other schemes
    (`javascript:`, `mailto:`), addresses with whitespace, credentials or a bad port,
    and anything longer than `limit` give None. A host in Japanese (IDN) and non-ASCII
    in the path are encoded the way a browser would.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        host = parts.hostname
        if parts.scheme.lower() not in _SCHEMES or not host or parts.username is not None:
            return None
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except (ValueError, UnicodeError):
        return None
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host  # IPv6 keeps its brackets
    if parts.port is not None:
        netloc += f":{parts.port}"
    url = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_KEEP),
            quote(parts.query, safe=_KEEP),
            quote(parts.fragment, safe=_KEEP),
        )
    )
    return url if len(url) <= limit else None

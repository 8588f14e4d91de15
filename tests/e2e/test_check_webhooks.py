"""`baton check` on the policy's webhooks: the exact key path, and nothing else runs."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import baton
from tests.support.policies import STANDARD


def test_check_refuses_a_webhook_that_is_not_http_or_has_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "baton.yml"
    path.write_text(
        STANDARD
        + "webhooks:\n"
        + "  - {url: 'ftp://files.example.com/in', events: [claimed], secret: x}\n"
        + "  - {url: 'https://hooks.example.com/in', events: [claimed]}\n"
    )
    result = baton("check", str(path))
    assert result.returncode == 2
    assert (
        f'{path}: webhooks[0].url: "ftp://files.example.com/in" is not an http(s) URL'
        in result.stderr
    )
    assert f"{path}: webhooks[1].secret: is required" in result.stderr
    assert "Traceback" not in result.stderr

"""`baton check --slack` against the Slack stand-in: the token, its scopes, and the
channels and users the policy names (bot/slack_check.py), through the real command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.slack_check import REQUIRED_SCOPES
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slack_api: SlackStandIn) -> Path:
    path = tmp_path / "baton.yml"
    path.write_text(STANDARD)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'baton.db'}")
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--slack", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_token_with_every_scope_and_a_good_policy_passes(
    policy_file: Path, slack_api: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_api.grant(list(REQUIRED_SCOPES))
    code, out, err = check(policy_file, capsys)

    assert (code, err) == (0, "")
    assert "Slack: workspace Baton Test" in out
    assert "every channel the policy names is there" in out
    assert "every user id the policy names is an active user" in out


def test_a_refused_token_is_named_and_fails(
    policy_file: Path, slack_api: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_api.fail("auth.test", error="invalid_auth")
    code, _out, err = check(policy_file, capsys)

    assert code == 3
    assert "Slack refuses SLACK_BOT_TOKEN (invalid_auth)" in err


def test_missing_scopes_channels_and_users_are_each_named(
    policy_file: Path, slack_api: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_api.grant([s for s in REQUIRED_SCOPES if s != "files:write"])
    slack_api.outside.add("C0ENTERPRISE")
    slack_api.absent.update({"C0SALES", "U0MANAGER1"})
    code, _out, err = check(policy_file, capsys)

    assert code == 3
    assert "the app lacks the scopes files:write: add them" in err and "reinstall" in err
    assert "routes[0].channel: invite Baton to <#C0ENTERPRISE>" in err
    assert "routes[1].channel: C0SALES is not a channel Baton can see" in err
    assert "roles.managers: U0MANAGER1 is not a user of this workspace" in err


def test_without_the_scopes_to_look_the_check_says_what_a_full_check_needs(
    policy_file: Path, slack_api: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_api.grant(["chat:write", "commands"])
    code, out, _err = check(policy_file, capsys)

    assert code == 3  # the scopes themselves are missing
    assert "checking the channels needs channels:history and groups:history" in out
    assert "checking the user ids needs users:read" in out
    assert slack_api.calls("conversations.history") == []


def test_the_required_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(REQUIRED_SCOPES)

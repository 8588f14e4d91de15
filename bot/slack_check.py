"""`baton check --slack`: whether Slack lets Baton do its work with the token it has.

Asks `auth.test` (which workspace, which bot user), compares the scopes Slack says the
token has (the `X-OAuth-Scopes` header of its answers) with the ones Baton needs, and
looks up each channel and user id the policy names, as far as the granted scopes let
it: a channel with `conversations.history` (the bot must be in it), a user with
`users.info`. Missing scopes after a manifest change are the most common reason a Slack
app stops working: Slack keeps the old grant until the app is reinstalled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.policy import Policy
from bot.core.policy_values import ROLE_NAMES, SLACK_CHANNEL, is_slack_user

# The bot scopes of manifest.yml (tests/slack/test_manifest.py keeps the two in step).
REQUIRED_SCOPES = (
    "chat:write",
    "commands",
    "im:write",
    "users:read",
    "files:write",
    "users:read.email",
    "usergroups:read",
    "channels:history",
    "groups:history",
    "im:history",
)
REINSTALL = (
    "add them to the app (manifest.yml lists them), then reinstall it to the workspace "
    "(OAuth & Permissions → Reinstall) and set the new SLACK_BOT_TOKEN"
)


@dataclass
class SlackCheck:
    found: list[str] = field(default_factory=list)  # what Slack confirmed
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why


def check_slack(client: WebClient, policy: Policy) -> SlackCheck:
    done = SlackCheck()
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        done.problems.append(
            f"Slack refuses SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token "
            "(xoxb-…) from OAuth & Permissions, or reinstall the app if it was removed"
        )
        return done
    except SlackClientError as exc:
        done.problems.append(f"Slack cannot be reached at {client.base_url} ({exc})")
        return done
    done.found.append(
        f"workspace {auth.get('team')} ({auth.get('url')}), bot user {auth.get('user')} "
        f"({auth.get('user_id')})"
    )
    header = next((v for k, v in auth.headers.items() if k.lower() == "x-oauth-scopes"), None)
    granted = {s.strip() for s in str(header).split(",") if s.strip()} if header else None
    if granted is None:
        done.notes.append("Slack did not say which scopes the token has")
    else:
        missing = [scope for scope in REQUIRED_SCOPES if scope not in granted]
        if missing:
            done.problems.append(f"the app lacks the scopes {', '.join(missing)}: {REINSTALL}")
        else:
            done.found.append(f"all {len(REQUIRED_SCOPES)} scopes Baton needs are granted")
    if granted is None or {"channels:history", "groups:history"} <= granted:
        _check_channels(client, policy, done)
    else:
        done.notes.append("checking the channels needs channels:history and groups:history")
    if granted is None or "users:read" in granted:
        _check_users(client, policy, done)
    else:
        done.notes.append("checking the user ids needs users:read")
    return done


def _check_channels(client: WebClient, policy: Policy, done: SlackCheck) -> None:
    before = len(done.problems) + len(done.notes)
    for where, channel in _channels(policy):
        try:
            client.conversations_history(channel=channel, limit=1)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error == "not_in_channel":
                done.problems.append(f"{where}: invite Baton to <#{channel}> (/invite @Baton)")
            elif error == "channel_not_found":
                done.problems.append(
                    f"{where}: {channel} is not a channel Baton can see (no such channel, or "
                    "a private one: invite Baton to it)"
                )
            else:
                done.notes.append(f"{where}: {channel} could not be checked ({error})")
    if len(done.problems) + len(done.notes) == before:
        done.found.append("every channel the policy names is there, with Baton in it")


def _check_users(client: WebClient, policy: Policy, done: SlackCheck) -> None:
    bad = 0
    for where, user in _users(policy):
        try:
            answer = client.users_info(user=user)
        except SlackApiError as exc:
            bad += 1
            done.problems.append(
                f"{where}: {user} is not a user of this workspace ({exc.response.get('error')})"
            )
            continue
        if (answer.get("user") or {}).get("deleted"):
            bad += 1
            done.problems.append(f"{where}: {user} has been deactivated")
    if not bad:
        done.found.append("every user id the policy names is an active user")


def _channels(policy: Policy) -> list[tuple[str, str]]:
    named = [(f"routes[{i}].channel", route.channel) for i, route in enumerate(policy.routes)]
    if policy.digest:
        named.append(("digest.channel", policy.digest.channel))
    for i, route in enumerate(policy.routes):
        named += [
            (f"routes[{i}].notify_marketing", target)
            for target in route.notify_marketing or []
            if SLACK_CHANNEL.match(target)
        ]
    return _first_of_each(named)


def _users(policy: Policy) -> list[tuple[str, str]]:
    named = [(f"roles.{role}", user) for role in ROLE_NAMES for user in getattr(policy.roles, role)]
    for i, route in enumerate(policy.routes):
        for j, level in enumerate(route.escalate):
            named += [(f"routes[{i}].escalate[{j}].notify", t) for t in level.notify]
        named += [(f"routes[{i}].remind", t) for t in route.remind or []]
        named += [(f"routes[{i}].notify_marketing", t) for t in route.notify_marketing or []]
        named += [(f"routes[{i}].assign.pool", t) for t in route.assign.pool]
    named += [("rep_calendars", user) for user in policy.rep_calendars]
    return _first_of_each([(where, user) for where, user in named if is_slack_user(user)])


def _first_of_each(named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for where, value in named:
        if value not in seen:
            seen.add(value)
            out.append((where, value))
    return out

"""What Slack keeps and answers by default: the messages of each conversation (threads
included), users, views and the other answers Baton reads."""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

from bot.slack_standin.wire import Answer, truthy

BOT_USER_ID = "UBATONBOT"
BOT_ID = "BBATON"
APP_ID = "A0BATON"
TEAM_ID = "T0TEAM"
TEAM_URL = "https://example.slack.com/"

_AUTH_TEST = {"ok": True, "url": TEAM_URL, "team": "Baton Test", "user": "baton"}
_AUTH_TEST |= {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
_USER_DEFAULTS = {"team_id": TEAM_ID, "deleted": False, "is_bot": False, "locale": "ja-JP"}
_USER_DEFAULTS |= {"tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400}
_CHANNEL_NOT_FOUND: Answer = {"ok": False, "error": "channel_not_found"}
_VIEW_METHODS = frozenset({"views.open", "views.publish", "views.update", "views.push"})


def dm_for(channel: str) -> str:
    """The conversation a post to `channel` lands in: a user id means the bot's DM with
    them (the id conversations.open answers with)."""
    return f"D{channel}" if is_user(channel) else channel


def is_user(channel: str) -> bool:
    return channel[:1] in ("U", "W")


class Workspace:
    """Slack's side of the calls. Not thread-safe: the stand-in calls it under its lock."""

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}  # per-user overrides for users.info
        self.messages: dict[str, list[dict[str, Any]]] = {}  # conversation -> oldest first
        self._last_ts = 0
        self._view_ids = itertools.count(1)

    def answer(self, method: str, args: dict[str, Any]) -> Answer:
        channel = dm_for(str(args.get("channel", "")))
        if method == "auth.test":
            return dict(_AUTH_TEST)
        if method in ("chat.postMessage", "chat.update"):
            return self._post(method, args, channel)
        if method in ("conversations.history", "conversations.replies"):
            # Reading needs the conversation's id: Slack does not take a user id for
            # their DM here (a post to a user id answers with the DM's id; so does
            # conversations.open).
            if is_user(str(args.get("channel", ""))):
                return dict(_CHANNEL_NOT_FOUND)
            if method == "conversations.replies":
                return self._replies(channel, args)
            return self._history(channel, args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "chat.getPermalink":
            ts = str(args["message_ts"]).replace(".", "")
            link = f"{TEAM_URL}archives/{channel}/p{ts}"
            return {"ok": True, "channel": channel, "permalink": link}
        if method == "conversations.open":
            users = args.get("users") or ""
            first = (users if isinstance(users, list) else str(users).split(","))[0].strip()
            if not first and not channel:
                return {"ok": False, "error": "users_list_not_supplied"}
            return {"ok": True, "channel": {"id": f"D{first}" if first else channel}}
        if method in _VIEW_METHODS:
            return {"ok": True, "view": self._view(method, args)}
        if method == "users.info":
            return {"ok": True, "user": self._user(str(args.get("user", "")))}
        if method == "conversations.members":
            return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}
        return {"ok": True}

    def keep(self, method: str, answer: Answer) -> None:
        """Remember what an accepted call changed."""
        channel = str(answer.get("channel"))
        if method == "chat.postMessage":
            message = dict(answer["message"])
            kept = self.messages.setdefault(channel, [])
            kept.append(message)
            root = message.get("thread_ts")
            if root and root != message["ts"]:
                for parent in kept:
                    if parent["ts"] == root:
                        # As Slack's parent messages show their thread (modestly: not
                        # reply_users and the like).
                        parent["thread_ts"] = root
                        parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
                        parent["latest_reply"] = message["ts"]
        elif method == "chat.update":
            for message in self.messages.get(channel, []):
                if message["ts"] == answer["ts"]:
                    message.update(answer["message"])

    def next_ts(self) -> str:
        # Wall-clock based like Slack's (conversations.history's `oldest` compares to
        # it), and strictly increasing.
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _post(self, method: str, args: dict[str, Any], channel: str) -> Answer:
        ts = self.next_ts() if method == "chat.postMessage" else str(args["ts"])
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
        message |= {"team": TEAM_ID, "text": args.get("text", ""), "ts": ts}
        keep = ("blocks", "attachments", "thread_ts", "metadata")
        message |= {key: args[key] for key in keep if key in args}
        if not message.get("thread_ts"):
            message.pop("thread_ts", None)
        elif truthy(args.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
        answer = {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            answer["text"] = message["text"]
        return answer

    def _history(self, channel: str, args: dict[str, Any]) -> Answer:
        """conversations.history: the conversation's top-level messages, newest first. A
        reply in a thread is only in conversations.replies, unless it was also sent to
        the channel (reply_broadcast)."""
        messages = [
            m
            for m in reversed(self.messages.get(channel, []))
            if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
        ]
        return _page(messages, args)

    def _replies(self, channel: str, args: dict[str, Any]) -> Answer:
        """conversations.replies: a thread, its parent first, then the replies oldest
        first; `ts` may name the parent or any reply."""
        kept = self.messages.get(channel, [])
        ts = str(args.get("ts"))
        named = next((m for m in kept if m["ts"] == ts), None)
        root = str(named.get("thread_ts") or ts) if named else ts
        thread = [m for m in kept if root in (m["ts"], m.get("thread_ts"))]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return _page(thread, args)

    def _view(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        sent = args.get("view")
        view = dict(sent) if isinstance(sent, dict) else {}
        view_id = args.get("view_id") or f"V{next(self._view_ids):010d}"
        kind = "home" if method == "views.publish" else "modal"
        view = {"type": kind, "private_metadata": "", "callback_id": "", "external_id": ""} | view
        view |= {"id": view_id, "team_id": TEAM_ID, "state": {"values": {}}, "app_id": APP_ID}
        view |= {"root_view_id": view_id, "previous_view_id": None, "bot_id": BOT_ID}
        view["hash"] = f"{int(time.time())}.{view_id}"
        if "external_id" in args:
            view["external_id"] = args["external_id"]
        return view

    def _user(self, user_id: str) -> dict[str, Any]:
        name, real = user_id.lower(), f"User {user_id}"
        profile = {"real_name": real, "display_name": name}
        user = {"id": user_id, "name": name, "real_name": real, "profile": profile}
        return user | _USER_DEFAULTS | self.users.get(user_id, {})


def _page(messages: list[dict[str, Any]], args: dict[str, Any]) -> Answer:
    """One page of `messages` within `oldest`/`latest`, by Slack's cursor and limit."""
    oldest = float(args.get("oldest") or 0)
    latest = float(args["latest"]) if args.get("latest") else math.inf
    inclusive = truthy(args.get("inclusive"))
    messages = [
        m
        for m in messages
        if (float(m["ts"]) > oldest or (inclusive and float(m["ts"]) == oldest))
        and (float(m["ts"]) < latest or (inclusive and float(m["ts"]) == latest))
    ]
    start = int(args.get("cursor") or 0)
    limit = max(1, min(int(args.get("limit") or 100), 999))
    page = messages[start : start + limit]
    if not truthy(args.get("include_all_metadata")):
        page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": [dict(m) for m in page],
        "has_more": more,
        "pin_count": 0,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }

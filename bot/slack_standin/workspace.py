"""What Slack keeps and answers by default: the messages of each conversation (threads
included), ephemeral messages and who sees them, each person's modals and App Home,
users, and the other answers Baton reads. Whoever shows the workspace (the demo's page)
hears of each change through `listen`."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from typing import Any

from bot.slack_standin.files import Files, shared_file
from bot.slack_standin.wire import Answer, truthy

BOT_USER_ID = "UBATONBOT"
BOT_ID = "BBATON"
APP_ID = "A0BATON"
TEAM_ID = "T0TEAM"
TEAM_URL = "https://example.slack.com/"

_AUTH_TEST = {"ok": True, "url": TEAM_URL, "team": "Baton Test", "user": "baton"}
_AUTH_TEST |= {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
_USER_DEFAULTS = {"team_id": TEAM_ID, "deleted": False, "is_bot": False}
_USER_DEFAULTS |= {"is_restricted": False, "is_ultra_restricted": False}  # not a guest
_USER_DEFAULTS |= {"tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400}
_CHANNEL_NOT_FOUND: Answer = {"ok": False, "error": "channel_not_found"}
_VIEW_METHODS = frozenset({"views.open", "views.publish", "views.update", "views.push"})
# A change someone showing the workspace may want to show: {"kind": "message" | "modal" |
# "home", "conversation"?, "ts"?, "thread_ts"?, "user"?}.
Change = dict[str, Any]


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
        self.user_groups: dict[str, list[str]] = {}  # user group id (S…) -> member ids
        # The scopes the token was granted, told in every answer's X-OAuth-Scopes header as
        # Slack does; None: no header.
        self.scopes: list[str] | None = None
        # Ids of channels and users that do not exist (channel_not_found, user_not_found),
        # and channels the bot is not a member of (not_in_channel).
        self.absent: set[str] = set()
        self.outside: set[str] = set()
        # Everyone's Slack language unless `users` says otherwise (users.info tells it
        # only when asked with include_locale, as Slack does).
        self.locale = "en-US"
        self.messages: dict[str, list[dict[str, Any]]] = {}  # conversation -> oldest first
        # conversation -> ephemeral messages, oldest first, each with the "user" who sees it
        self.ephemerals: dict[str, list[dict[str, Any]]] = {}
        self.modals: dict[str, list[dict[str, Any]]] = {}  # user -> their stack of modals
        self.homes: dict[str, dict[str, Any]] = {}  # user -> their App Home view
        # trigger id -> the user whose click made it (views.open and views.push need one)
        self.triggers: dict[str, str] = {}
        self.files = Files()
        self.base = ""  # the stand-in's own address, for the upload URLs it hands out
        self._listeners: list[Callable[[Change], None]] = []
        self._last_ts = 0
        self._view_ids = itertools.count(1)

    def listen(self, listener: Callable[[Change], None]) -> None:
        """Call `listener(change)` after each change (under the stand-in's lock: be quick)."""
        self._listeners.append(listener)

    def notify(self, **change: Any) -> None:
        """Tell the listeners of a change (the demo also calls it for what it applies)."""
        for listener in self._listeners:
            listener(change)

    def answer(self, method: str, args: dict[str, Any]) -> Answer:
        channel = dm_for(str(args.get("channel", "")))
        if method in ("chat.postMessage", "conversations.history") and channel in self.absent:
            return dict(_CHANNEL_NOT_FOUND)
        if method in ("chat.postMessage", "conversations.history") and channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        if method == "users.info" and str(args.get("user", "")) in self.absent:
            return {"ok": False, "error": "user_not_found"}
        if method == "auth.test":
            return dict(_AUTH_TEST)
        if method in ("chat.postMessage", "chat.update"):
            return self._post(method, args, channel)
        if method == "files.getUploadURLExternal":
            return self.files.upload_url(self.base, args)
        if method == "files.completeUploadExternal":
            return self._share_files(args)
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
            return self._view_answer(method, args)
        if method == "users.info":
            user = self._user(str(args.get("user", "")))
            if not truthy(args.get("include_locale")):
                user.pop("locale", None)
            return {"ok": True, "user": user}
        if method == "users.list":
            return self._members(args)
        if method == "usergroups.users.list":
            group = str(args.get("usergroup", ""))
            if group not in self.user_groups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(self.user_groups[group])}
        if method == "conversations.members":
            return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}
        return {"ok": True}

    def keep(self, method: str, args: dict[str, Any], answer: Answer) -> None:
        """Remember what an accepted call changed."""
        channel = str(answer.get("channel"))
        if method == "chat.postEphemeral":
            self._keep_ephemeral(dm_for(str(args.get("channel", ""))), args, answer["message_ts"])
        elif method in _VIEW_METHODS:
            self._keep_view(method, args, answer["view"])
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
                    message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        if method in ("chat.postMessage", "chat.update"):
            kept_message = answer.get("message") or {}
            self.notify(
                kind="message",
                conversation=channel,
                ts=answer.get("ts"),
                thread_ts=kept_message.get("thread_ts"),
            )

    def respond(self, user: str, conversation: str, args: dict[str, Any]) -> None:
        """A message posted to a response_url Slack issued for `user` in `conversation`:
        only they see it, unless it asks to be in the channel."""
        if str(args.get("response_type")) == "in_channel":
            answer = self._post("chat.postMessage", args, conversation)
            self.keep("chat.postMessage", args, answer)
        else:
            self._keep_ephemeral(conversation, {**args, "user": user}, self.next_ts())

    def _keep_ephemeral(self, conversation: str, args: dict[str, Any], ts: str) -> None:
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts}
        message |= {"text": args.get("text", ""), "for_user": str(args.get("user", ""))}
        if args.get("blocks"):
            message["blocks"] = args["blocks"]
        self.ephemerals.setdefault(conversation, []).append(message)
        self.notify(kind="message", conversation=conversation, ts=ts, user=message["for_user"])

    def _view_answer(self, method: str, args: dict[str, Any]) -> Answer:
        if method in ("views.open", "views.push"):
            trigger = str(args.get("trigger_id", ""))
            if self.triggers and trigger not in self.triggers:
                # Slack's answer to a trigger it never issued (or one used up).
                return {"ok": False, "error": "invalid_trigger_id"}
        if method == "views.update" and self.modals:
            found = self._modal(str(args.get("view_id", "")), str(args.get("external_id", "")))
            if found is None:
                return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._view(method, args)}

    def _keep_view(self, method: str, args: dict[str, Any], view: dict[str, Any]) -> None:
        if method == "views.publish":
            user = str(args.get("user_id", ""))
            self.homes[user] = view
            self.notify(kind="home", user=user)
            return
        if method == "views.update":
            found = self._modal(view["id"], str(view.get("external_id") or ""))
            if found is not None:
                user, stack, index = found
                stack[index] = view
                self.notify(kind="modal", user=user)
            return
        # views.open starts a stack, views.push adds to it: both for the clicking user.
        user = self.triggers.pop(str(args.get("trigger_id", "")), "")
        if user:
            stack = self.modals.setdefault(user, []) if method == "views.push" else []
            stack.append(view)
            self.modals[user] = stack
            self.notify(kind="modal", user=user)

    def _modal(
        self, view_id: str, external_id: str
    ) -> tuple[str, list[dict[str, Any]], int] | None:
        for user, stack in self.modals.items():
            for index, view in enumerate(stack):
                if view["id"] == view_id or (
                    external_id and view.get("external_id") == external_id
                ):
                    return user, stack, index
        return None

    def close_modal(self, user: str, view_id: str) -> None:
        """The user closed the modal `view_id` (and any pushed on top of it)."""
        stack = self.modals.get(user, [])
        for index, view in enumerate(stack):
            if view["id"] == view_id:
                del stack[index:]
                break
        self.notify(kind="modal", user=user)

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

    def _share_files(self, args: dict[str, Any]) -> Answer:
        """Complete an upload; with a channel_id, share it there as a message of its own."""
        answer, uploads = self.files.complete(args)
        channel = str(args.get("channel_id") or "")
        if not answer.get("ok") or not channel:
            return answer
        if is_user(channel):
            return dict(_CHANNEL_NOT_FOUND)  # a DM is named by its id (conversations.open)
        message: dict[str, Any] = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID}
        message |= {"ts": self.next_ts(), "text": str(args.get("initial_comment") or "")}
        message["files"] = [shared_file(u) for u in uploads]
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        self.messages.setdefault(channel, []).append(message)
        for upload in uploads:
            upload.shared_in.append(channel)
        self.notify(kind="message", conversation=channel, ts=message["ts"])
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
        view_id = args.get("view_id") or self._existing_view_id(args) or self._new_view_id()
        kind = "home" if method == "views.publish" else "modal"
        view = {"type": kind, "private_metadata": "", "callback_id": "", "external_id": ""} | view
        view |= {"id": view_id, "team_id": TEAM_ID, "state": {"values": {}}, "app_id": APP_ID}
        view |= {"root_view_id": view_id, "previous_view_id": None, "bot_id": BOT_ID}
        view["hash"] = f"{int(time.time())}.{view_id}"
        if "external_id" in args:
            view["external_id"] = args["external_id"]
        return view

    def _existing_view_id(self, args: dict[str, Any]) -> str | None:
        found = (
            self._modal("", str(args.get("external_id") or "")) if args.get("external_id") else None
        )
        if found is not None:
            return str(found[1][found[2]]["id"])
        home = self.homes.get(str(args.get("user_id", "")))
        return str(home["id"]) if home else None

    def _members(self, args: dict[str, Any]) -> Answer:
        """users.list: the bot, then each user `users` names (anyone else exists only when
        asked for by id), a page at a time by `limit` (0: all) and the cursor answered
        (ours is a position; Slack's are opaque, and a cursor it did not give is refused)."""
        ids = [BOT_USER_ID, *sorted(u for u in self.users if u not in self.absent)]
        cursor = str(args.get("cursor") or "0")
        if not cursor.isdigit():
            return {"ok": False, "error": "invalid_cursor"}
        start, limit = int(cursor), int(args.get("limit") or 0) or len(ids)
        members = []
        for user_id in ids[start : start + limit]:
            user = self._user(user_id) | ({"is_bot": True} if user_id == BOT_USER_ID else {})
            if not truthy(args.get("include_locale")):
                user.pop("locale", None)
            members.append(user)
        more = str(start + limit) if start + limit < len(ids) else ""
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": more}}

    def _new_view_id(self) -> str:
        return f"V{next(self._view_ids):010d}"

    def _user(self, user_id: str) -> dict[str, Any]:
        name, real = user_id.lower(), f"User {user_id}"
        # Slack tells profile.email to an app with the users:read.email scope.
        profile = {
            "real_name": real,
            "display_name": name,
            "email": f"{name}@example.com",
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,  # unix seconds; 0: until they clear it
        }
        user = {"id": user_id, "name": name, "real_name": real, "profile": profile}
        return user | _USER_DEFAULTS | {"locale": self.locale} | self.users.get(user_id, {})


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

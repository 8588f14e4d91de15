"""`baton forget EMAIL | #ID [--yes]`: erase a person's data (bot/leads/privacy.py)."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.cli_common import EXIT_USAGE, schema_problem
from bot.core.clock import utcnow
from bot.core.policy import load_policy
from bot.core.settings import Settings
from bot.leads import privacy
from bot.store.database import Database


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    target = str(args.target).strip()
    lead_id: int | None = None
    email: str | None = None
    if target.startswith("#") and target[1:].isdigit():
        lead_id = int(target[1:])
    elif "@" in target:
        email = target
    else:
        print(
            f"baton forget: {target!r} is neither an email address nor a lead id like #42",
            file=sys.stderr,
        )
        return EXIT_USAGE
    policy = load_policy(settings.baton_config)
    problem = schema_problem("forget", settings)
    if problem is not None:
        return problem
    db = Database(settings.database_url)
    try:
        ids = privacy.find(db, email=email, lead_id=lead_id)
        if not ids:
            print(f"No lead matches {target}: nothing to erase.")
            return 0
        shown = ", ".join(f"#{i}" for i in ids)
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"baton forget: add --yes to erase leads {shown}", file=sys.stderr)
                return EXIT_USAGE
            answer = input(
                f"Erase the personal data of leads {shown}? This cannot be undone. [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing erased.")
                return 0
        erased = privacy.erase(db, policy, ids, f"cli:{getpass.getuser()}", utcnow())
    finally:
        db.dispose()
    before = [i for i in ids if i not in erased]
    if erased:
        print(
            f"Erased the personal data of {', '.join(f'#{i}' for i in erased)}; "
            "Slack's copies are redacted by a running `baton serve` or `baton worker`."
        )
    if before:
        print(f"Already erased before: {', '.join(f'#{i}' for i in before)}.")
    return 0

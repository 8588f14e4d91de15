"""`baton demo`: Baton on a local Slack, in the browser, with no workspace and no secrets.

One process runs, all bound to 127.0.0.1:
- the Slack stand-in (bot.slack_standin), the demo's whole Slack, on a port of its own;
- the real Baton (the same Bolt app, intake, scheduler and delivery as `baton serve`),
  with a SQLite file in the demo folder, talking to the stand-in's Web API;
- the page (bot.demo.page) beside Baton's endpoints on the demo's port.

Each start is a fresh demo: the stand-in keeps its messages in memory only, so the
last demo's database (which would name cards no longer in this Slack) is replaced.
"""

from __future__ import annotations

import itertools
import os
import random
import secrets
import shutil
import threading
import webbrowser
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core import logs
from bot.core.clock import utcnow
from bot.core.policy import load_policy
from bot.core.settings import Settings
from bot.demo import people
from bot.demo.page import demo_blueprint
from bot.demo.relay import Relay
from bot.demo.samples import sample_lead, seed_history
from bot.intake.schema import LeadPayload
from bot.runtime import Runtime, build_runtime
from bot.server import serve_http
from bot.slack_app import create_bolt_app
from bot.slack_standin.server import SlackStandIn
from bot.store import outbox
from bot.store.engine import make_engine
from bot.store.outbox import Intent
from bot.store.schema import ensure_schema
from bot.web import create_web_app

# What the demo ignores from the environment, and says so: it never reaches a real Slack
# or the operator's database.
IGNORED = (
    *("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"),
    *("DATABASE_URL", "BATON_CONFIG", "BATON_INTAKE_SECRET", "BATON_INTAKE_TOKEN"),
)


@dataclass(frozen=True)
class DemoOptions:
    port: int = 3000
    locale: str = "en"
    seed: int = 0
    open_browser: bool = True
    folder: Path = Path("baton-demo")
    # A policy file to try instead of the demo's (its channels and people are the demo's
    # ids, e.g. C0DEMOSALES and U0DEMOMGR; other channels it names appear in the page).
    policy: Path | None = None


def run_demo(options: DemoOptions) -> int:
    if "BATON_LOG_LEVEL" not in os.environ:
        # The console is the visitor's: the address and what goes wrong, not each request.
        logs.configure("WARNING")
    ignored = [name for name in IGNORED if os.environ.get(name)]
    if ignored:
        print(
            f"baton demo: ignoring {', '.join(ignored)}: the demo talks only to its own "
            f"local Slack and keeps its data in {options.folder}/",
            flush=True,
        )
    standin = SlackStandIn().start()
    try:
        runtime = _build(options, standin)
        _serve(options, standin, runtime)
    finally:
        standin.stop()
    return 0


def _build(options: DemoOptions, standin: SlackStandIn) -> Runtime:
    folder = options.folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
        print(f"baton demo: a fresh demo (the last one in {folder}/ was replaced)", flush=True)
    folder.mkdir(parents=True)
    policy_file = folder / "baton.yml"
    if options.policy is not None:
        policy_file.write_text(options.policy.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        policy_file.write_text(people.policy_text(options.locale), encoding="utf-8")
    settings = Settings(
        slack_bot_token="xoxb-demo",
        slack_signing_secret=secrets.token_hex(16),
        slack_api_url=standin.url,
        database_url=f"sqlite:///{folder / 'baton-demo.db'}",
        baton_config=str(policy_file),
        baton_intake_token=secrets.token_urlsafe(24),
        baton_intake_secret=None,
        port=options.port,
    )
    ensure_schema(make_engine(settings.database_url))
    runtime = build_runtime(settings, policy=load_policy(settings.baton_config))
    standin.users.update(people.users_info(options.locale))
    if options.seed:
        seed_history(runtime.db, runtime.policy, options.seed)
    return runtime


def _serve(options: DemoOptions, standin: SlackStandIn, runtime: Runtime) -> None:
    address = f"http://127.0.0.1:{options.port}"
    assert runtime.settings.slack_signing_secret is not None
    relay = Relay(standin, address, runtime.settings.slack_signing_secret)
    samples = random.Random()
    count = itertools.count(1)
    stopping = threading.Event()

    def hand_off_sample() -> dict[str, Any]:
        body = sample_lead(samples, next(count))
        data = LeadPayload.model_validate(body).to_lead_input()
        lead = runtime.leads.hand_off(data, actor="demo").lead
        route = runtime.policy.route_of_lead(lead.route)
        channel = route.channel if route else None
        return {"id": lead.id, "name": lead.name, "company": lead.company, "channel": channel}

    def post_weekly_report() -> None:
        now = runtime.clock()
        with runtime.db.transaction() as session:
            start = (now - timedelta(days=7)).isoformat()
            report = outbox.message(Intent.WEEKLY_REPORT, now, start=start, end=now.isoformat())
            outbox.queue(session, report)

    web = create_web_app(runtime, create_bolt_app(runtime))
    web.register_blueprint(
        demo_blueprint(
            standin,
            relay,
            token=secrets.token_urlsafe(24),
            locale=runtime.policy.locale,
            channels=people.channels(
                runtime.policy.locale, [route.channel for route in runtime.policy.routes]
            ),
            hand_off_sample=hand_off_sample,
            post_weekly_report=post_weekly_report,
            stopping=stopping,
            now=utcnow,
        )
    )

    def listening() -> None:
        print(f"Baton demo: open {address}/ (Ctrl-C stops it)", flush=True)
        if options.open_browser:
            threading.Timer(0.5, webbrowser.open, args=(f"{address}/",)).start()

    serve_http(
        runtime,
        web,
        port=options.port,
        background=True,
        host="127.0.0.1",
        on_stop=stopping.set,
        on_listening=listening,
        # Flush every write: a server-sent event is a few hundred bytes, which waitress
        # would otherwise hold until its send buffer fills or its loop next looks.
        send_bytes=1,
    )

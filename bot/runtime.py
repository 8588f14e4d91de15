"""Everything a running Baton process shares, built once from the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

import bot.slack.marketing_senders  # (registers the message to marketing)
import bot.slack.offer_senders  # (registers the offer DM)
import bot.slack.privacy_senders  # (registers the redaction of an erased lead)
import bot.slack.report_senders  # (registers the report's chart)
import bot.slack.senders
import bot.slack.sla_senders  # noqa: F401  (registers the SLA message senders)
from bot.core import logs
from bot.core.clock import Now, utcnow
from bot.core.policy import Policy, load_policy
from bot.core.settings import Settings
from bot.delivery.foreground import Foreground
from bot.delivery.loop import Delivery
from bot.delivery.pacing import Pacer
from bot.delivery.slack_client import make_outbox_client, make_web_client
from bot.delivery.token_health import TokenHealth
from bot.intake import receipt as _intake_receipt  # noqa: F401  (registers its outbox sender)
from bot.leads.lifecycle import LeadService
from bot.leads.scheduler import SlaScheduler
from bot.store.database import Database

log = logging.getLogger(__name__)
_QUIET = logging.getLogger(f"{__name__}.auth_test")
_QUIET.setLevel(logging.CRITICAL)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    policy: Policy
    leads: LeadService
    client: WebClient
    delivery: Delivery
    scheduler: SlaScheduler
    # Requests in flight (counted by the web app), which delivery lets go first.
    foreground: Foreground
    # Whether Slack accepts the bot token, as the last call found (/healthz reads it).
    slack_token: TokenHealth
    clock: Now = utcnow

    def check_token(self) -> None:
        """Ask Slack once (`auth.test`) whether it accepts the bot token: a refusal shows
        in /healthz and the log at once, not when the first card fails. Slack out of
        reach is logged and left for the next call to tell."""
        # Its own client, whose library logger stays quiet: Slack out of reach at start
        # is one line of Baton's, not slack_sdk's error and traceback.
        client = make_web_client(
            self.settings, token_health=self.slack_token, library_logger=_QUIET
        )
        try:
            client.auth_test()
        except SlackApiError:
            pass  # the client told `slack_token` what Slack answered
        except Exception as exc:  # no network: delivery retries, and tells when it can
            logs.event(log, "slack.unreachable", logging.WARNING, error=type(exc).__name__)

    def start_background(self) -> None:
        """The SLA scheduler and Slack delivery (`baton worker`, `baton serve`)."""
        # The scheduler first: its start is a few milliseconds of work that delivery's
        # first pass (which may have a backlog to lease) would otherwise compete with.
        # Anything it queues before delivery runs waits in the outbox, as after a restart.
        self.scheduler.start()
        self.delivery.start()

    def close(self, delivery_timeout: float = 5.0) -> None:
        # The scheduler first: it may still queue messages for delivery to send.
        self.scheduler.stop()
        self.delivery.stop(delivery_timeout)
        self.db.dispose()


def build_runtime(
    settings: Settings, *, policy: Policy | None = None, clock: Now = utcnow
) -> Runtime:
    logs.register_secret(
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.baton_intake_secret,
        settings.baton_intake_token,
    )
    policy = policy or load_policy(settings.baton_config)
    logs.register_secret(*(hook.secret for hook in policy.webhooks))
    db = Database(settings.database_url)
    pacer = Pacer(settings.baton_post_interval_seconds)
    foreground = Foreground()
    token = TokenHealth()
    return Runtime(
        settings=settings,
        db=db,
        policy=policy,
        leads=LeadService(db, policy, clock=clock, dedupe_window=policy.intake.dedupe_window),
        client=make_web_client(settings, token_health=token),
        delivery=Delivery(
            db,
            make_outbox_client(settings, pacer, token_health=token),
            policy,
            clock=clock,
            lease=timedelta(seconds=settings.baton_outbox_lease_seconds),
            post_interval=settings.baton_post_interval_seconds,
            workers=settings.baton_delivery_workers,
            foreground=foreground,
        ),
        foreground=foreground,
        slack_token=token,
        clock=clock,
        scheduler=SlaScheduler(db, policy, clock=clock),
    )

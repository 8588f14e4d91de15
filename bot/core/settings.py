"""Process settings from the environment (the README, "Configuration")."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///baton.db"


class Settings(BaseSettings):
    # A `.env` file in the working directory is read too; the environment wins over it.
    model_config = SettingsConfigDict(
        env_prefix="",
        case_sensitive=False,
        extra="ignore",
        env_file=".env",
        env_file_encoding="utf-8",
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = DEFAULT_DATABASE_URL
    baton_config: str = "baton.yml"
    baton_intake_secret: str | None = None
    baton_intake_token: str | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    # Delivery tuning (rarely changed): how long a worker's claim on an outbox row lasts
    # without renewal, the pause between posts to one channel, and parallel senders.
    baton_outbox_lease_seconds: float = Field(default=60.0, ge=1.0)
    baton_post_interval_seconds: float = Field(default=1.0, ge=0.0)
    baton_delivery_workers: int = Field(default=8, ge=1, le=64)
    baton_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Log lines readable by people (text) or by machines (json); unset: text when stderr
    # is a terminal, json otherwise.
    baton_log_format: Literal["json", "text"] | None = None

    @field_validator("baton_log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("baton_log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or None
        return value

    def problems_for(self, command: str) -> list[str]:
        """What `baton COMMAND` lacks to talk to Slack, in words an operator can act on:
        `serve` needs the bot token and the signing secret (it verifies what Slack sends),
        `worker` only the bot token (it only sends), `socket` the bot token and an
        app-level token (Slack's own connection needs no signature)."""
        problems = []
        if not self.slack_bot_token:
            problems.append(
                "SLACK_BOT_TOKEN is not set (OAuth & Permissions → Bot User OAuth Token, xoxb-…)"
            )
        elif not self.slack_bot_token.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN does not look like a bot token (it starts with xoxb-)")
        if command == "serve" and not self.slack_signing_secret:
            problems.append("SLACK_SIGNING_SECRET is not set (Basic Information → Signing Secret)")
        if command == "socket" and not self.slack_app_token:
            problems.append(
                "SLACK_APP_TOKEN is not set (Basic Information → App-Level Tokens, "
                "with the connections:write scope)"
            )
        elif command == "socket" and not (self.slack_app_token or "").startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN does not look like an app-level token (xapp-…)")
        return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

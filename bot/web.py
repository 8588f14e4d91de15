"""The HTTP application served by `baton serve`."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import App
from sqlalchemy.exc import InterfaceError, OperationalError

from bot import health
from bot.core import logs, metrics
from bot.intake.http import intake_blueprint
from bot.runtime import Runtime
from bot.slack.inbound import SlackEndpoint, request_id
from bot.slack.service import SlackService
from bot.store import deadline, gauges

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def create_web_app(runtime: Runtime, bolt_app: App | None = None) -> Flask:
    web = Flask("baton")

    @web.before_request
    def start_request() -> None:
        runtime.foreground.enter()
        g.in_flight = True
        # Each database round trip of a request has seconds, not a partition's length.
        g.deadline = deadline.request_deadline()
        g.deadline.__enter__()
        g.started = time.monotonic()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or request_id()
        g.log_context = logs.bound(request_id=g.request_id, path=request.path)
        g.log_context.__enter__()

    @web.after_request
    def finish_request(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.HTTP_REQUESTS.labels(rule, str(response.status_code)).inc()
        return response

    @web.teardown_request
    def end_request(_error: BaseException | None) -> None:
        if g.pop("in_flight", False):
            runtime.foreground.leave()
        bound = g.pop("deadline", None)
        if bound is not None:
            bound.__exit__(None, None, None)
        context = g.pop("log_context", None)
        if context is not None:
            context.__exit__(None, None, None)

    health_check = health.HealthCheck(runtime)

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        body, status = health_check.report()
        return jsonify(body), status

    @web.get("/metrics")
    def metrics_text() -> Response:
        return Response(gauges.exposition(runtime.db, runtime.clock), mimetype=CONTENT_TYPE_LATEST)

    if bolt_app is not None:
        slack_endpoint = SlackEndpoint(
            bolt_app,
            runtime.db,
            runtime.clock,
            runtime.settings.slack_signing_secret or "",
            notes=SlackService(runtime.db, runtime.policy, runtime.leads, runtime.client),
        )

        @web.post("/slack/events")
        def slack_events() -> Response:
            return slack_endpoint(request)

    web.register_blueprint(intake_blueprint(runtime.settings, runtime.leads))

    @web.errorhandler(404)
    def not_found(_error: Exception) -> tuple[Response, int]:
        return jsonify(error=f"no such endpoint: {request.method} {request.path}"), 404

    @web.errorhandler(405)
    def wrong_method(_error: Exception) -> tuple[Response, int]:
        return jsonify(error=f"{request.method} is not allowed on {request.path}"), 405

    @web.errorhandler(OperationalError)
    @web.errorhandler(InterfaceError)
    def database_unavailable(error: Exception) -> tuple[Response, int, dict[str, str]]:
        logs.event(log, "http.database_unavailable", logging.WARNING, error=type(error).__name__)
        body = jsonify(
            error="The database is unavailable right now, so nothing was changed. "
            f"Try again in {RETRY_AFTER_SECONDS} seconds.",
            retry_after=RETRY_AFTER_SECONDS,
        )
        return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @web.errorhandler(500)
    def internal_error(error: Exception) -> tuple[Response, int]:
        original = getattr(error, "original_exception", None) or error
        log.error("unhandled error", exc_info=original)
        return jsonify(
            error="Baton hit an unexpected error; nothing more is known here. "
            f"Quote request id {g.get('request_id', '?')} when reporting it.",
            request_id=g.get("request_id"),
        ), 500

    return web

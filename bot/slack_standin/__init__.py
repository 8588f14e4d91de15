"""A local stand-in for Slack's Web API: the workspace `baton demo` runs on, and the Slack
the tests and benchmarks talk to, reached by the real slack_sdk WebClient over HTTP.

It keeps what Slack keeps (messages by conversation, threads, users, views) and answers
the way Slack does, errors included (`server.SlackStandIn`). It imports nothing of
Baton, and nothing of Baton but the demo imports it (pyproject.toml, import-linter).
"""

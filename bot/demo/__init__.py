"""`baton demo`: Baton on a local Slack in the browser (bot/demo/run.py)."""

"""Keepwarm's Slack app: Bolt listeners, Block Kit builders and the HTTP entry point."""

"""Block Kit builders: pure functions that turn data into Slack messages and views."""

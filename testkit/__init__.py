"""Test support shared by `tests/` and `bench/`: a fake Slack, requests signed as Slack signs them, the app served
or run as a process, and test data recorded through the real code. The product never imports it."""

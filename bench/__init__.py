"""Benchmarks: how Keepwarm's queries hold up as a team's history grows. Run them with `python -m bench.<name>`."""

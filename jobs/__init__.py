"""Scheduled jobs run by the clock process."""

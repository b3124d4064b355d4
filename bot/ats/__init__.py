"""Webhook receivers for applicant tracking systems: Greenhouse, Lever and Ashby."""

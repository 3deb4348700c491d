"""Reminders and escalation: the pure policy, the sweep, a Sender protocol."""

"""Reminders and escalation: the pure policy, the sweep, the scheduler, the sender."""

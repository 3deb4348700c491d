"""Reminders and escalation: the pure policy, the sweep, the scheduler, the sender."""

import tidtam  # noqa: F401  (opts in to python-telegram-bot's timedelta durations)

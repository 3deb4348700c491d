"""The Telegram adapter: handlers, keyboards, messages and the Application."""

import tidtam  # noqa: F401  (opts in to python-telegram-bot's timedelta durations)

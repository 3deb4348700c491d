"""The Telegram adapter: handlers, keyboards, messages and the Application."""

import os

# python-telegram-bot 22 reports retry_after and similar durations as timedelta when
# this is set, its documented opt-in; without it reading them raises a deprecation.
os.environ.setdefault("PTB_TIMEDELTA", "true")

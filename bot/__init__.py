"""The Telegram adapter: parse an update, call a use case, render its result."""

import os

# python-telegram-bot 22 reports durations such as a 429's retry_after as timedelta
# when this is set (its documented opt-in, read at each call); reading them otherwise
# warns. Every use of python-telegram-bot in tidtam goes through this package.
os.environ.setdefault("PTB_TIMEDELTA", "true")

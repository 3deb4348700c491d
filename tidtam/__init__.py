"""tidtam (ติดตาม): a Telegram bot that runs a province's plan-monitoring round.

Top-level packages, data flowing one way:

    Telegram update -> bot -> flows (decides) -> storage (persists) -> bot (replies)

``tidtam`` itself holds the command line, the settings and the sample province.
"""

import os

__version__ = "0.1.0"

# python-telegram-bot 22 reports durations such as a 429's retry_after as timedelta
# when this is set (its documented opt-in); reading them otherwise warns.
os.environ.setdefault("PTB_TIMEDELTA", "true")

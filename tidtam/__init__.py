"""tidtam (ติดตาม): a Telegram bot that runs a province's plan-monitoring round.

Top-level packages, data flowing one way:

    Telegram update -> bot -> flows (decides) -> storage (persists) -> bot (replies)

``tidtam`` itself holds the command line, the settings and the sample province.
"""

__version__ = "0.1.0"

"""tidtam (ติดตาม): a Telegram bot that runs a province's plan-monitoring round.

The layers (docs/design.md §9), imports running one way:

    tidtam.core <- flows <- storage <- reminders, reports <- tidtam.services
        <- bot, tidtam.cli, tidtam.demo
"""

__version__ = "0.1.0"

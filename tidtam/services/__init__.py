"""Use cases that know no channel: plain inputs in, one transaction, a plain result out.

The bot, the CLI and the demo call the same functions and render the results
themselves (what happened, as codes and parameters); nothing here imports Telegram
(docs/design.md §9).
"""

"""Use cases that know no channel: the bot, the command line and the demo call them.

Each takes plain inputs (ids, texts, ``now``), runs in one transaction and returns a
plain result (what happened, as codes and parameters) that the caller renders.
"""

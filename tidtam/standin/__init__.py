"""A stand-in for the Telegram Bot API, for end-to-end tests, benchmarks and the demo.

``StandIn`` serves the Bot API over HTTP on 127.0.0.1 to the real python-telegram-bot;
``standin.user(...)`` and ``standin.group(...)`` play the people. See
:mod:`tidtam.standin.server` (HTTP and methods), :mod:`tidtam.standin.state` (the fake
world and its errors), :mod:`tidtam.standin.limits` (flood limits and statistics) and
:mod:`tidtam.standin.driver` (the people's side).
"""

from tidtam.standin.driver import BotMessage, CallbackPress, DriverGroup, DriverUser, FileView
from tidtam.standin.limits import LimitConfig, Stats
from tidtam.standin.server import ApiCall, StandIn

__all__ = [
    "ApiCall",
    "BotMessage",
    "CallbackPress",
    "DriverGroup",
    "DriverUser",
    "FileView",
    "LimitConfig",
    "StandIn",
    "Stats",
]

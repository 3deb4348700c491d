"""A fake Telegram: the Bot API over HTTP, for end-to-end tests, benchmarks and the demo.

:class:`FakeTelegram` serves the Bot API on 127.0.0.1 to the real python-telegram-bot;
``telegram.user(...)`` and ``telegram.group(...)`` play the people. It speaks only the
Bot API: it knows nothing of tidtam's forms or wording (the demo's scripted people do).

Modules, one concept each: :mod:`~tidtam.fake_telegram.server` (HTTP and dispatch),
:mod:`~tidtam.fake_telegram.params` (reading a request),
:mod:`~tidtam.fake_telegram.api` (the checks methods share),
:mod:`~tidtam.fake_telegram.bot_methods`, :mod:`~tidtam.fake_telegram.message_methods`,
:mod:`~tidtam.fake_telegram.chat_methods` (the methods),
:mod:`~tidtam.fake_telegram.world` and :mod:`~tidtam.fake_telegram.objects` (the fake
world), :mod:`~tidtam.fake_telegram.errors` (the Bot API's error answers),
:mod:`~tidtam.fake_telegram.entities` (HTML parse mode, commands),
:mod:`~tidtam.fake_telegram.limits` (flood limits and statistics) and
:mod:`~tidtam.fake_telegram.driver` (the people's side).
"""

from tidtam.fake_telegram.driver import BotMessage, CallbackPress, DriverGroup, DriverUser, FileView
from tidtam.fake_telegram.limits import LimitConfig, Stats
from tidtam.fake_telegram.server import ApiCall, FakeTelegram

__all__ = [
    "ApiCall",
    "BotMessage",
    "CallbackPress",
    "DriverGroup",
    "DriverUser",
    "FakeTelegram",
    "FileView",
    "LimitConfig",
    "Stats",
]

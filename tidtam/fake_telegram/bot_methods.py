"""Bot API methods about the bot itself: getMe, getUpdates, webhook, commands, profile.

With a webhook set (``setWebhook``), updates are POSTed to it
(:mod:`~tidtam.fake_telegram.webhook`) and ``getUpdates`` answers 409, as Telegram does.

The bot's side of the conversation starts here: python-telegram-bot's ``initialize``
calls ``getMe``, polling long-polls ``getUpdates`` and the application sets its
commands and descriptions.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from tidtam.fake_telegram.api import Api
from tidtam.fake_telegram.errors import BadRequest, Conflict
from tidtam.fake_telegram.objects import JSON
from tidtam.fake_telegram.params import Params

__all__ = ["METHODS"]

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


async def get_me(api: Api, params: Params) -> JSON:
    """Describe the bot (``getMe``)."""
    return {
        **api.world.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(api: Api, params: Params) -> list[JSON]:
    """Hand out queued updates, long-polling up to ``timeout`` (``getUpdates``)."""
    offset = params.integer("offset")
    limit = min(100, max(1, params.integer("limit") or 100))
    timeout = max(0.0, params.number("timeout") or 0.0)
    if api.webhook.url:
        raise Conflict(
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        api.world.set_allowed_updates(str(kind) for kind in allowed)
    api.world.confirm(offset)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if api.world.updates or api.world.closing:
            return [update.to_json() for update in api.world.updates[:limit]]
        remaining = deadline - loop.time()
        if remaining <= 0:
            return []
        await api.world.signal.wait(remaining)


async def get_webhook_info(api: Api, params: Params) -> JSON:
    """Say which webhook is set, if any (``getWebhookInfo``)."""
    return {
        "url": api.webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(api.world.updates),
    }


async def delete_webhook(api: Api, params: Params) -> bool:
    """Stop delivering by webhook; drop the pending updates if asked (``deleteWebhook``)."""
    if params.flag("drop_pending_updates"):
        api.world.updates.clear()
    await api.webhook.stop()
    return True


async def set_webhook(api: Api, params: Params) -> bool:
    """POST the updates to ``url`` from now on, with the secret token (``setWebhook``)."""
    url = params.text("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise BadRequest("secret token contains unallowed characters")
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        api.world.set_allowed_updates(str(kind) for kind in allowed)
    if params.flag("drop_pending_updates"):
        api.world.updates.clear()
    connections = params.integer("max_connections")
    if connections is not None and not 1 <= connections <= 100:
        raise BadRequest("bad webhook: max_connections must be between 1 and 100")
    await api.webhook.set(api.world, url, secret, connections)
    return True


def commands_key(params: Params) -> tuple[str, str]:
    """The key commands are kept under: the scope as JSON and the language."""
    scope = params.json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.text("language_code") or ""


async def set_my_commands(api: Api, params: Params) -> bool:
    """Keep the command list for a scope and language (``setMyCommands``)."""
    commands = params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise BadRequest("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
    clean: list[JSON] = []
    for command in commands:
        if not isinstance(command, dict):
            raise BadRequest("can't parse BotCommand")
        name = str(command.get("command", "")).removeprefix("/")
        description = str(command.get("description", ""))
        if not _COMMAND_NAME.match(name):
            raise BadRequest("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    api.world.commands[commands_key(params)] = clean
    return True


async def get_my_commands(api: Api, params: Params) -> list[JSON]:
    """Return the command list for a scope and language (``getMyCommands``)."""
    return list(api.world.commands.get(commands_key(params), []))


async def delete_my_commands(api: Api, params: Params) -> bool:
    """Forget the command list for a scope and language (``deleteMyCommands``)."""
    api.world.commands.pop(commands_key(params), None)
    return True


def profile_setter(kind: str) -> Callable[[Api, Params], Awaitable[bool]]:
    """``setMy<Kind>``: keep the text by language."""

    async def setter(api: Api, params: Params) -> bool:
        api.profile[(kind, params.text("language_code") or "")] = params.text(kind) or ""
        return True

    return setter


def profile_getter(kind: str) -> Callable[[Api, Params], Awaitable[JSON]]:
    """``getMy<Kind>``: the text for the language, else the default one."""

    async def getter(api: Api, params: Params) -> JSON:
        key = (kind, params.text("language_code") or "")
        return {kind: api.profile.get(key, api.profile.get((kind, ""), ""))}

    return getter


METHODS: dict[str, Callable[[Api, Params], Awaitable[Any]]] = {
    "getme": get_me,
    "getupdates": get_updates,
    "getwebhookinfo": get_webhook_info,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setmydescription": profile_setter("description"),
    "getmydescription": profile_getter("description"),
    "setmyshortdescription": profile_setter("short_description"),
    "getmyshortdescription": profile_getter("short_description"),
    "setmyname": profile_setter("name"),
    "getmyname": profile_getter("name"),
}

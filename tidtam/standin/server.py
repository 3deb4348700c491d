"""The stand-in's HTTP side: an aiohttp app that answers like the Telegram Bot API.

Point python-telegram-bot at it with ``base_url=standin.api_url`` and
``base_file_url=standin.file_url``::

    async with StandIn.start(token="123:TEST") as standin:
        user = standin.user(id=1001, first_name="สมศรี")
        ...

Routes: ``GET|POST /bot<token>/<method>`` (query string, JSON, url-encoded form or
multipart form with uploads, the way PTB's ``HTTPXRequest`` sends them) and
``GET /file/bot<token>/<file_path>``. Answers are ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code", "description"[, "parameters"]}`` with Telegram's texts.
A wrong token gets 401; an unknown method gets 404 and is recorded in
:attr:`StandIn.unknown_methods`. Every call is recorded in :attr:`StandIn.calls`.

Webhook: after ``setWebhook`` the stand-in POSTs each update, in order and one at a
time, to the URL (with the header ``X-Telegram-Bot-Api-Secret-Token`` when a secret
was set), retrying a failed delivery as Telegram does; ``getUpdates`` then answers 409.
Every attempt is recorded in :attr:`StandIn.webhook_deliveries` (update id, status).

Implemented methods: getMe, getUpdates, setWebhook, getWebhookInfo, deleteWebhook, setMyCommands,
getMyCommands, deleteMyCommands, set/getMyDescription, set/getMyShortDescription,
set/getMyName, sendMessage, sendDocument, sendPhoto, sendChatAction, editMessageText,
editMessageCaption, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, getFile,
getChatMember. ``parse_mode`` HTML is parsed and checked like Telegram; Markdown modes
are accepted but their text is stored as is, without entities.

Under pytest's ``filterwarnings = error``, set ``PTB_TIMEDELTA=true`` in the environment
of tests that may get a 429: PTB 22 builds ``RetryAfter`` through a deprecated property
and the deprecation warning would otherwise replace the ``RetryAfter`` exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import filetype
from aiohttp import ClientError, ClientSession, web

from tidtam.standin.driver import DriverGroup, DriverUser
from tidtam.standin.limits import LimitConfig, RateLimiter, Stats
from tidtam.standin.state import (
    JSON,
    ApiError,
    BadRequest,
    Chat,
    ChatType,
    Conflict,
    Forbidden,
    NotFound,
    StoredFile,
    StoredMessage,
    TooManyRequests,
    Unauthorized,
    User,
    World,
    parse_html,
)

TEST_TOKEN = "123:TEST"  # noqa: S105 - a fake token for a fake server
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made: method as sent, its parameters, HTTP status, when."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


class Params:
    """A request's parameters, coerced the way Telegram coerces form strings."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def text(self, name: str) -> str | None:
        """A string parameter."""
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise BadRequest(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        """An integer parameter."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise BadRequest(f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        """A float parameter."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return float(value.strip())
        raise BadRequest(f'field "{name}" must be of type Float')

    def flag(self, name: str) -> bool:
        """A boolean parameter (absent = false)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """A JSON-object parameter (sent JSON-encoded in forms)."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise BadRequest(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        """``chat_id``: an integer or ``@username``."""
        value = self.values.get(name)
        if value is None or value == "":
            raise BadRequest(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            if re.fullmatch(r"-?\d+", value.strip()):
                return int(value)
            if value.startswith("@"):
                return value
        raise BadRequest("chat not found")

    def file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an upload (possibly via ``attach://``), a file_id or a URL."""
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.values.get(value.removeprefix("attach://"))
        if value is None or isinstance(value, UploadedFile | str):
            return value
        raise BadRequest(f"wrong type of the {name} field")


Handler = Callable[[Params], Awaitable[Any]]


class StandIn:
    """A fake Telegram Bot API server plus the world it serves and the people in it."""

    def __init__(
        self,
        token: str = TEST_TOKEN,
        *,
        enforce_limits: bool = False,
        limits: LimitConfig | None = None,
        bot_username: str = "tidtam_test_bot",
        bot_first_name: str = "ติดตาม",
    ) -> None:
        head = token.split(":", 1)[0]
        bot_id = int(head) if head.isdigit() else 123
        self.token = token
        self.world = World(User(bot_id, bot_first_name, username=bot_username, is_bot=True))
        self.enforce_limits = enforce_limits
        self.limiter = RateLimiter(limits)
        self.stats = Stats()
        self.calls: list[ApiCall] = []
        self.unknown_methods: list[str] = []
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []
        self._webhook_task: asyncio.Task[None] | None = None
        self.port = 0
        self.host = "127.0.0.1"
        self._runner: web.AppRunner | None = None
        self._people: dict[int, DriverUser] = {}
        self._groups: dict[int, DriverGroup] = {}
        self._profile: dict[tuple[str, str], str] = {}
        self._methods: dict[str, Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "getwebhookinfo": self._get_webhook_info,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._profile_setter("description"),
            "getmydescription": self._profile_getter("description"),
            "setmyshortdescription": self._profile_setter("short_description"),
            "getmyshortdescription": self._profile_getter("short_description"),
            "setmyname": self._profile_setter("name"),
            "getmyname": self._profile_getter("name"),
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "getchatmember": self._get_chat_member,
        }

    # -- lifecycle -------------------------------------------------------------

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """PTB's ``base_url`` (the token is appended by PTB)."""
        return f"{self.base}/bot"

    @property
    def file_url(self) -> str:
        """PTB's ``base_file_url``."""
        return f"{self.base}/file/bot"

    async def open(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving on ``host:port`` (0 = a free port, read back into ``port``)."""
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        runner = web.AppRunner(
            app, handle_signals=False, access_log=None, handler_cancellation=True,
            shutdown_timeout=1.0,
        )  # fmt: skip
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = int(runner.addresses[0][1])

    async def close(self) -> None:
        """Wake long polls, stop serving and free the port."""
        self.world.closing = True
        self.world.signal.fire()
        await self._stop_webhook()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        token: str = TEST_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_limits: bool = False,
        limits: LimitConfig | None = None,
        bot_username: str = "tidtam_test_bot",
        bot_first_name: str = "ติดตาม",
    ) -> AsyncIterator[StandIn]:
        """Run a stand-in for the duration of an ``async with`` block."""
        standin = cls(
            token, enforce_limits=enforce_limits, limits=limits, bot_username=bot_username,
            bot_first_name=bot_first_name,
        )  # fmt: skip
        await standin.open(host, port)
        try:
            yield standin
        finally:
            await standin.close()

    # -- the people ------------------------------------------------------------

    @property
    def bot_user(self) -> User:
        """The bot itself."""
        return self.world.bot

    def user(
        self,
        id: int | None = None,
        first_name: str = "ผู้ใช้",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "th",
    ) -> DriverUser:
        """A person (created on first call; the same one for the same id later)."""
        if id is not None and id in self._people:
            return self._people[id]
        person = self.world.add_user(
            id, first_name, last_name=last_name, username=username, language_code=language_code
        )
        driver = DriverUser(self.world, person)
        self._people[person.id] = driver
        return driver

    def group(
        self,
        id: int | None = None,
        title: str = "กลุ่ม",
        *,
        type: ChatType | None = None,
        members: tuple[DriverUser, ...] = (),
        privacy_mode: bool = True,
    ) -> DriverGroup:
        """A group with the bot in it (``-100...`` ids are supergroups)."""
        if id is not None and id in self._groups:
            return self._groups[id]
        chat = self.world.add_group(id, title, type=type, privacy_mode=privacy_mode)
        driver = DriverGroup(self.world, chat)
        for member in members:
            driver.add(member)
        self._groups[chat.id] = driver
        return driver

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # -- HTTP ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(Unauthorized().to_json(), 401)
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ApiError as error:
            return _answer(error.to_json(), error.code)
        handler = self._methods.get(method.lower())
        status = 200
        try:
            if handler is None:
                self.unknown_methods.append(method)
                raise NotFound()
            result = await handler(params)
            body: JSON = {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.to_json()
        self.calls.append(ApiCall(method, params.values, status, time.monotonic()))
        return _answer(body, status)

    async def _download(self, request: web.Request) -> web.Response:
        stored = self.world.files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _answer(NotFound().to_json(), 404)
        return web.Response(
            body=stored.data,
            headers={"Content-Type": stored.mime_type or "application/octet-stream"},
        )

    # -- checks shared by methods ----------------------------------------------

    def _chat(self, params: Params) -> Chat:
        """The chat a bot request is about, with Telegram's refusals."""
        chat = self.world.find_chat(params.chat_id())
        if chat is None:
            raise BadRequest("chat not found")
        if chat.migrated_to is not None:
            raise BadRequest(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            if chat.blocked:
                raise Forbidden("bot was blocked by the user")
            if not chat.started:
                raise Forbidden("bot can't initiate conversation with a user")
        elif self.world.bot.id not in chat.members:
            raise Forbidden("bot is not a member of the group chat")
        return chat

    def _deliver(self, chat: Chat, method: str, fields: JSON) -> JSON:
        """Apply the flood limits, then post the bot's message and count it."""
        if self.enforce_limits:
            retry_after = self.limiter.acquire(chat.id, chat.type != "private")
            if retry_after is not None:
                self.stats.record_rate_limited(chat.id)
                raise TooManyRequests(retry_after)
        stored = self.world.bot_posts(chat, fields)
        self.stats.record_delivery(self.limiter.clock(), chat.id, stored.message_id, method)
        return stored.data

    def _message(self, chat: Chat, params: Params, missing: str) -> StoredMessage:
        message_id = params.integer("message_id")
        if params.values.get("inline_message_id"):
            raise BadRequest("MESSAGE_ID_INVALID")
        stored = chat.messages.get(message_id) if message_id is not None else None
        if stored is None or stored.deleted:
            raise BadRequest(missing)
        return stored

    def _reply_fields(self, chat: Chat, params: Params) -> JSON:
        reply = params.json("reply_parameters")
        legacy = params.integer("reply_to_message_id")
        if not isinstance(reply, dict):
            reply = {"message_id": legacy} if legacy is not None else None
        if reply is None:
            return {}
        message_id = reply.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            if reply.get("allow_sending_without_reply") or params.flag(
                "allow_sending_without_reply"
            ):
                return {}
            raise BadRequest("message to be replied not found")
        return {
            "reply_to_message": {k: v for k, v in stored.data.items() if k != "reply_to_message"}
        }

    def _markup(self, chat: Chat, params: Params) -> JSON | None:
        """Validate ``reply_markup``; return it if it is an inline keyboard."""
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BadRequest("can't parse reply keyboard markup JSON object")
        if "keyboard" in markup:
            chat.reply_keyboard = markup
            return None
        if markup.get("remove_keyboard"):
            chat.reply_keyboard = None
            return None
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BadRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        clean: list[list[JSON]] = []
        for row in rows:
            clean.append([_check_button(button) for button in row])
        return {"inline_keyboard": clean} if any(clean) else None

    def _formatted(
        self, params: Params, field: Literal["text", "caption"], *, required: bool
    ) -> tuple[str | None, list[JSON]]:
        """The text or caption after ``parse_mode``/entities, checked like Telegram."""
        raw = params.text(field)
        if raw is None or raw == "":
            if required:
                raise BadRequest("message text is empty")
            return None, []
        entities_param = params.json("entities" if field == "text" else "caption_entities")
        parse_mode = (params.text("parse_mode") or "").strip()
        entities: list[JSON] = []
        text = raw
        if isinstance(entities_param, list):
            entities = [e for e in entities_param if isinstance(e, dict)]
        elif parse_mode.lower() == "html":
            text, entities = parse_html(raw)
        elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
            raise BadRequest(f"unsupported parse_mode {parse_mode}")
        if not text.strip():
            if required:
                raise BadRequest("message text is empty")
            return None, []
        limit = MAX_TEXT if field == "text" else MAX_CAPTION
        if len(text) > limit:
            raise BadRequest(
                "message is too long" if field == "text" else "message caption is too long"
            )
        return text, entities

    def _stored_file(self, params: Params, name: str, *, photo: bool) -> StoredFile:
        value = params.file(name)
        if value is None or value == "":
            raise BadRequest(f"there is no {name} in the request")
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is None:
                raise BadRequest("wrong file identifier/HTTP URL specified")
            return known
        if not value.data:
            raise BadRequest("file must be non-empty")
        if photo and not filetype.is_image(value.data):
            raise BadRequest("IMAGE_PROCESS_FAILED")
        return self.world.store_file(
            value.data, "photos" if photo else "documents", value.filename, value.content_type
        )

    # -- methods: bot and updates ----------------------------------------------

    async def _get_me(self, params: Params) -> JSON:
        return {
            **self.world.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSON]:
        offset = params.integer("offset")
        limit = min(100, max(1, params.integer("limit") or 100))
        timeout = max(0.0, params.number("timeout") or 0.0)
        if self.webhook_url:
            raise Conflict(
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.world.set_allowed_updates(str(kind) for kind in allowed)
        self.world.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.world.updates or self.world.closing:
                return [update.to_json() for update in self.world.updates[:limit]]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self.world.signal.wait(remaining)

    async def _get_webhook_info(self, params: Params) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }

    async def _delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self.world.updates.clear()
        await self._stop_webhook()
        return True

    async def _set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if url and not url.startswith(("http://", "https://")):
            raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BadRequest("secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self.world.set_allowed_updates(str(kind) for kind in allowed)
        if params.flag("drop_pending_updates"):
            self.world.updates.clear()
        await self._stop_webhook()
        self.webhook_url, self.webhook_secret = url, secret
        if url:
            self._webhook_task = asyncio.create_task(self._deliver_by_webhook())
        return True

    async def _stop_webhook(self) -> None:
        self.webhook_url = ""
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_by_webhook(self) -> None:
        """POST the queued updates to the webhook in order; a failure is retried."""
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        async with ClientSession() as client:
            while not self.world.closing:
                if not self.world.updates:
                    await self.world.signal.wait(1.0)
                    continue
                update = self.world.updates[0]
                try:
                    async with client.post(
                        self.webhook_url, data=json.dumps(update.to_json()), headers=headers
                    ) as response:
                        status = response.status
                except ClientError:
                    status = 0
                self.webhook_deliveries.append((update.update_id, status))
                if 200 <= status < 300:
                    self.world.confirm(update.update_id + 1)
                else:
                    await asyncio.sleep(0.2)

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.text("language_code") or ""

    async def _set_my_commands(self, params: Params) -> bool:
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
        self.world.commands[self._commands_key(params)] = clean
        return True

    async def _get_my_commands(self, params: Params) -> list[JSON]:
        return list(self.world.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: Params) -> bool:
        self.world.commands.pop(self._commands_key(params), None)
        return True

    def _profile_setter(self, kind: str) -> Handler:
        async def setter(params: Params) -> bool:
            self._profile[(kind, params.text("language_code") or "")] = params.text(kind) or ""
            return True

        return setter

    def _profile_getter(self, kind: str) -> Handler:
        async def getter(params: Params) -> JSON:
            key = (kind, params.text("language_code") or "")
            return {kind: self._profile.get(key, self._profile.get((kind, ""), ""))}

        return getter

    # -- methods: messages -----------------------------------------------------

    async def _send_message(self, params: Params) -> JSON:
        chat = self._chat(params)
        text, entities = self._formatted(params, "text", required=True)
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        markup = self._markup(chat, params)
        fields.update(self._reply_fields(chat, params))
        if markup is not None:
            fields["reply_markup"] = markup
        return self._deliver(chat, "sendMessage", fields)

    async def _send_media(self, params: Params, *, photo: bool) -> JSON:
        chat = self._chat(params)
        name = "photo" if photo else "document"
        stored = self._stored_file(params, name, photo=photo)
        caption, entities = self._formatted(params, "caption", required=False)
        fields: JSON = {}
        if photo:
            fields["photo"] = stored.photo_json()
        else:
            fields["document"] = stored.document_json()
        if caption is not None:
            fields["caption"] = caption
            if entities:
                fields["caption_entities"] = entities
        markup = self._markup(chat, params)
        fields.update(self._reply_fields(chat, params))
        if markup is not None:
            fields["reply_markup"] = markup
        return self._deliver(chat, "sendPhoto" if photo else "sendDocument", fields)

    async def _send_document(self, params: Params) -> JSON:
        return await self._send_media(params, photo=False)

    async def _send_photo(self, params: Params) -> JSON:
        return await self._send_media(params, photo=True)

    async def _send_chat_action(self, params: Params) -> bool:
        chat = self._chat(params)
        action = params.text("action") or ""
        if action not in CHAT_ACTIONS:
            raise BadRequest("wrong parameter action in request")
        chat.actions.append(action)
        return True

    def _edit(self, chat: Chat, stored: StoredMessage, changes: JSON, drop: set[str]) -> JSON:
        before = {k: v for k, v in stored.data.items() if k not in ("edit_date",)}
        after = {k: v for k, v in before.items() if k not in drop} | changes
        if before == after:
            raise BadRequest(_NOT_MODIFIED)
        self.world.bot_edits(chat, stored, changes, drop)
        return stored.data

    async def _edit_message_text(self, params: Params) -> JSON:
        chat = self._chat(params)
        stored = self._message(chat, params, "message to edit not found")
        if not stored.from_bot:
            raise BadRequest("message can't be edited")
        if "text" not in stored.data:
            raise BadRequest("there is no text in the message to edit")
        text, entities = self._formatted(params, "text", required=True)
        changes: JSON = {"text": text}
        drop = {"reply_markup", "entities"}
        if entities:
            changes["entities"] = entities
        markup = self._markup(chat, params)
        if markup is not None:
            changes["reply_markup"] = markup
        return self._edit(chat, stored, changes, drop)

    async def _edit_message_caption(self, params: Params) -> JSON:
        chat = self._chat(params)
        stored = self._message(chat, params, "message to edit not found")
        if not stored.from_bot:
            raise BadRequest("message can't be edited")
        if "text" in stored.data:
            raise BadRequest("there is no caption in the message to edit")
        caption, entities = self._formatted(params, "caption", required=False)
        changes: JSON = {}
        drop = {"reply_markup", "caption", "caption_entities"}
        if caption is not None:
            changes["caption"] = caption
        if entities:
            changes["caption_entities"] = entities
        markup = self._markup(chat, params)
        if markup is not None:
            changes["reply_markup"] = markup
        return self._edit(chat, stored, changes, drop)

    async def _edit_message_reply_markup(self, params: Params) -> JSON:
        chat = self._chat(params)
        stored = self._message(chat, params, "message to edit not found")
        if not stored.from_bot:
            raise BadRequest("message can't be edited")
        markup = self._markup(chat, params)
        changes: JSON = {} if markup is None else {"reply_markup": markup}
        return self._edit(chat, stored, changes, {"reply_markup"})

    async def _delete_message(self, params: Params) -> bool:
        chat = self._chat(params)
        stored = self._message(chat, params, "message to delete not found")
        bot_is_admin = chat.members.get(self.world.bot.id) in ("administrator", "creator")
        if chat.type != "private" and not stored.from_bot and not bot_is_admin:
            raise BadRequest("message can't be deleted")
        stored.deleted = True
        self.world.signal.fire()
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        record = self.world.callbacks.get(params.text("callback_query_id") or "")
        if record is None or record.answered:
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise BadRequest("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
        }
        self.world.signal.fire()
        return True

    # -- methods: files and members --------------------------------------------

    async def _get_file(self, params: Params) -> JSON:
        stored = self.world.files.get(params.text("file_id") or "")
        if stored is None:
            raise BadRequest("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD:
            raise BadRequest("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _get_chat_member(self, params: Params) -> JSON:
        chat = self.world.find_chat(params.chat_id())
        if chat is None:
            raise BadRequest("chat not found")
        user_id = params.integer("user_id")
        user = (
            self.world.bot if user_id == self.world.bot.id else self.world.users.get(user_id or 0)
        )
        if user is None:
            raise BadRequest("user not found")
        if chat.type == "private":
            status = "member" if user.id in (chat.id, self.world.bot.id) else "left"
        else:
            status = chat.members.get(user.id, "left")
        return _chat_member_json(user, status)


def _answer(body: JSON, status: int) -> web.Response:
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return Params(values)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise BadRequest("can't parse JSON object")
        values.update(body)
        return Params(values)
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            with value.file:
                data = value.file.read()
            values[key] = UploadedFile(value.filename, value.content_type, data)
        else:
            values[key] = value
    return Params(values)


def _check_button(button: Any) -> JSON:
    if not isinstance(button, dict):
        raise BadRequest("can't parse inline keyboard button: object expected")
    clean = {k: v for k, v in button.items() if v is not None}
    if not isinstance(clean.get("text"), str) or not clean["text"]:
        raise BadRequest("can't parse inline keyboard button: Text must be non-empty")
    if not any(key in clean for key in _BUTTON_ACTIONS):
        raise BadRequest(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = clean.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
        raise BadRequest("BUTTON_DATA_INVALID")
    url = clean.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise BadRequest(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return clean


_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories",
)  # fmt: skip


def _chat_member_json(user: User, status: str) -> JSON:
    data: JSON = {"status": status, "user": user.to_json()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {right: right not in ("can_be_edited", "is_anonymous") for right in _ADMIN_RIGHTS}
        )
    elif status == "kicked":
        data["until_date"] = 0
    return data

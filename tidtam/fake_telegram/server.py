"""The fake Telegram's HTTP side: an aiohttp app that answers like the Telegram Bot API.

Point python-telegram-bot at it with ``base_url=telegram.api_url`` and
``base_file_url=telegram.file_url``::

    async with FakeTelegram.start(token="123:TEST") as telegram:
        user = telegram.user(id=1001, first_name="สมศรี")
        ...

Routes: ``GET|POST /bot<token>/<method>`` (query string, JSON, url-encoded form or
multipart form with uploads, the way PTB's ``HTTPXRequest`` sends them) and
``GET /file/bot<token>/<file_path>``. Answers are ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code", "description"[, "parameters"]}`` with Telegram's texts.
A wrong token gets 401; an unknown method gets 404 and is recorded in
:attr:`FakeTelegram.unknown_methods`. Every call is recorded in :attr:`FakeTelegram.calls`.

Implemented methods: getMe, getUpdates, getWebhookInfo, deleteWebhook, setMyCommands,
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

import contextlib
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tidtam.fake_telegram import bot_methods, chat_methods, message_methods
from tidtam.fake_telegram.api import Api
from tidtam.fake_telegram.driver import DriverGroup, DriverUser
from tidtam.fake_telegram.errors import ApiError, NotFound, Unauthorized
from tidtam.fake_telegram.limits import LimitConfig, RateLimiter, Stats
from tidtam.fake_telegram.objects import JSON, ChatType, User
from tidtam.fake_telegram.params import Params, read_params
from tidtam.fake_telegram.world import World

__all__ = ["TEST_TOKEN", "ApiCall", "FakeTelegram", "Handler"]

TEST_TOKEN = "123:TEST"  # noqa: S105 - a fake token for a fake server
MAX_UPLOAD = 50 * 1024 * 1024
METHODS = bot_methods.METHODS | message_methods.METHODS | chat_methods.METHODS


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made: method as sent, its parameters, HTTP status, when."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


Handler = Callable[[Params], Awaitable[Any]]


class FakeTelegram:
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
        self.calls: list[ApiCall] = []
        self.unknown_methods: list[str] = []
        self.port = 0
        self.host = "127.0.0.1"
        self._runner: web.AppRunner | None = None
        self._people: dict[int, DriverUser] = {}
        self._groups: dict[int, DriverGroup] = {}
        self.api = Api(self.world, RateLimiter(limits), Stats(), enforce_limits)
        self.methods: dict[str, Handler] = {
            name: functools.partial(method, self.api) for name, method in METHODS.items()
        }
        """The Bot API methods by lower-case name (a benchmark may wrap one to time it)."""

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

    @property
    def webhook_url(self) -> str:
        """The webhook the bot set ("" when it polls)."""
        return self.api.webhook.url

    @property
    def webhook_secret(self) -> str | None:
        """The secret token sent with every webhook delivery."""
        return self.api.webhook.secret

    @property
    def webhook_deliveries(self) -> list[tuple[int, int]]:
        """Every webhook delivery attempt: (update id, HTTP status; 0: no answer)."""
        return self.api.webhook.deliveries

    async def close(self) -> None:
        """Wake long polls, stop delivering, stop serving and free the port."""
        self.world.closing = True
        self.world.signal.fire()
        await self.api.webhook.stop()
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
    ) -> AsyncIterator[FakeTelegram]:
        """Run a fake Telegram for the duration of an ``async with`` block."""
        telegram = cls(
            token, enforce_limits=enforce_limits, limits=limits, bot_username=bot_username,
            bot_first_name=bot_first_name,
        )  # fmt: skip
        await telegram.open(host, port)
        try:
            yield telegram
        finally:
            await telegram.close()

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
            params = await read_params(request)
        except ApiError as error:
            return _answer(error.to_json(), error.code)
        handler = self.methods.get(method.lower())
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

    # -- what the methods share, for tests and benchmarks -----------------------

    @property
    def limiter(self) -> RateLimiter:
        """Telegram's flood limits (kept only with ``enforce_limits``)."""
        return self.api.limiter

    @property
    def stats(self) -> Stats:
        """What the bot sent, when, and which sends were refused."""
        return self.api.stats

    @property
    def enforce_limits(self) -> bool:
        """Whether sends over the flood limits get a 429."""
        return self.api.enforce_limits


def _answer(body: JSON, status: int) -> web.Response:
    return web.json_response(body, status=status)

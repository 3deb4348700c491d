"""Bot API calls through aiohttp: python-telegram-bot's ``BaseRequest`` for a cheaper client.

PTB's own ``HTTPXRequest`` spends most of its time in httpx's connection pool (httpcore
looks at every pooled connection for every request, through anyio); under load that
was a third of the bot's CPU. :class:`AiohttpRequest` does the same job with one
``aiohttp.ClientSession``:

- the parameters go as a JSON body (the values JSON-encoded one by one, as PTB does for
  a form, so Telegram reads the same strings), which is cheaper than percent-encoding
  Thai text into a form; uploads go as ``multipart/form-data`` with their file names
  (UTF-8, unquoted, as httpx sends them) and mime types;
- timeouts come from PTB's four (a value left at ``DEFAULT_NONE`` takes this object's
  default, as in ``HTTPXRequest``): ``connect_timeout`` to open a connection,
  ``pool_timeout`` more to wait for a free one, ``read_timeout`` between two reads of
  the answer (``getUpdates`` passes its long-polling time on top). aiohttp has no
  timeout for a single write, so the write timeout bounds the whole call instead: all
  four added up (no bound if any of them is ``None``);
- a timeout becomes ``telegram.error.TimedOut``, any other client failure
  ``NetworkError``; HTTP statuses are left to ``BaseRequest`` (429 ``RetryAfter``,
  403 ``Forbidden``...). Error messages never carry the URL, which holds the token.

Proxies are not supported (tidtam talks to Telegram, or to a local Bot API server,
directly).
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one aiohttp session with a pool of ``connection_pool_size``."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self.connection_pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._default_timeout = _timeout(read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call does not give one."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (nothing to do if it is open)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connection_pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (nothing to do if it is closed)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one HTTP call; return its status and body."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        timeout = self._timeout_for(
            read_timeout, write_timeout, connect_timeout, pool_timeout, uploads
        )
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if uploads:
                body = _multipart(request_data)
            else:
                body, headers = request_data.json_payload, _JSON
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors
            raise TimedOut from error
        except aiohttp.ClientError as error:
            message = _without(str(error), url)
            raise NetworkError(f"aiohttp.{type(error).__name__}: {message}") from None

    def _timeout_for(
        self,
        read: object,
        write: object,
        connect: object,
        pool: object,
        uploads: bool,
    ) -> aiohttp.ClientTimeout:
        given = (read, write, connect, pool)
        if not uploads and not any(_was_given(value) for value in given):
            return self._default_timeout
        default_write = self._media_write_timeout if uploads else self._write_timeout
        return _timeout(
            _given_or(read, self._read_timeout),
            _given_or(write, default_write),
            _given_or(connect, self._connect_timeout),
            _given_or(pool, self._pool_timeout),
        )


def _was_given(value: object) -> bool:
    """Whether PTB passed a timeout (seconds or None) rather than its "use the default" mark.

    PTB marks a timeout that was not passed with a sentinel (``BaseRequest.DEFAULT_NONE``
    or another default value); only numbers and None are values.
    """
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _given_or(value: object, default: float | None) -> float | None:
    """The timeout PTB passed (None: no limit), or ours when it passed none."""
    if value is None or not _was_given(value):
        return None if value is None else default
    assert isinstance(value, int | float)
    return float(value)


def _timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for PTB's four (see the module docstring)."""
    acquire = None if connect is None or pool is None else connect + pool
    parts = (read, write, connect, pool)
    total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    return aiohttp.ClientTimeout(total=total, connect=acquire, sock_connect=connect, sock_read=read)


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """The parameters and files as ``multipart/form-data``."""
    form = aiohttp.FormData(quote_fields=False, default_to_multipart=True)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=_clean_name(filename), content_type=mime_type)
    return form


def _clean_name(filename: str) -> str:
    """A file name that cannot break the part's header (as httpx escapes it)."""
    return filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _without(message: str, url: str) -> str:
    """``message`` with the URL (and so the bot token) taken out."""
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else path
    for revealing in (url, path):
        if revealing and revealing != "/":
            message = message.replace(revealing, "<url>")
    return message

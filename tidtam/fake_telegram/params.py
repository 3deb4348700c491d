"""A Bot API request's parameters, read the way python-telegram-bot sends them.

PTB's ``HTTPXRequest`` sends a query string, JSON, a url-encoded form or a multipart
form with uploads; Telegram coerces form strings to the types each method wants, with
its own refusal texts, and so does :class:`Params`.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import hdrs, web

from tidtam.fake_telegram.errors import BadRequest

__all__ = ["Params", "UploadedFile", "read_params"]


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


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


async def read_params(request: web.Request) -> Params:
    """The parameters of ``request``, uploads read into memory."""
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return Params(values)
    # the media type read off the header: aiohttp's ``content_type`` runs the email
    # package's header parser on every request, a tenth of the demo's fake Telegram
    media_type = request.headers.get(hdrs.CONTENT_TYPE, "").partition(";")[0]
    if media_type.strip().lower() == "application/json":
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

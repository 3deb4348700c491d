"""The Bot API's error answers, one exception tree: each becomes ``{"ok": false, ...}``.

Raised by the fake Telegram's methods and by the driver (a person's mistake in a test
reads like the bot's), so that both sides refuse with Telegram's own texts::

    FakeTelegramError            anything the fake Telegram refuses
    └── ApiError                 .code (HTTP status), .description, .parameters
        ├── BadRequest           400 "Bad Request: ..."
        ├── Unauthorized         401 "Unauthorized"
        ├── Forbidden            403 "Forbidden: ..."
        ├── NotFound             404 "Not Found"
        └── TooManyRequests      429 "Too Many Requests: retry after N", .retry_after
"""

from __future__ import annotations

from tidtam.fake_telegram.objects import JSON

__all__ = [
    "ApiError",
    "BadRequest",
    "FakeTelegramError",
    "Forbidden",
    "NotFound",
    "TooManyRequests",
    "Unauthorized",
]


class FakeTelegramError(Exception):
    """Base of everything the fake Telegram refuses."""


class ApiError(FakeTelegramError):
    """A Bot API error answer: ``{"ok": false, "error_code", "description", "parameters"}``."""

    code = 400

    def __init__(self, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class Conflict(ApiError):
    """409: a webhook (or another getUpdates) is in the way."""

    code = 409


class BadRequest(ApiError):
    """400: the request is wrong; ``description`` starts with "Bad Request: "."""

    code = 400

    def __init__(self, reason: str, parameters: JSON | None = None) -> None:
        super().__init__(f"Bad Request: {reason}", parameters)


class Unauthorized(ApiError):
    """401: the token is not the bot's."""

    code = 401

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class Forbidden(ApiError):
    """403: the bot may not act there (blocked, not a member, never started)."""

    code = 403

    def __init__(self, reason: str) -> None:
        super().__init__(f"Forbidden: {reason}")


class NotFound(ApiError):
    """404: unknown method."""

    code = 404

    def __init__(self) -> None:
        super().__init__("Not Found")


class TooManyRequests(ApiError):
    """429: flood control; ``retry_after`` whole seconds, at least 1."""

    code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            f"Too Many Requests: retry after {self.retry_after}",
            {"retry_after": self.retry_after},
        )

"""Logging for the long-running commands, with the bot token kept out of every line."""

from __future__ import annotations

import logging

from tidtam.settings import Settings

REDACTED = "<token>"


class RedactSecrets(logging.Filter):
    """Replace secrets in a record's message and arguments before any handler sees it."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, REDACTED)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, REDACTED)
            record.exc_text = text
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Log to standard error; quiet the HTTP client, whose lines carry request URLs."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    handler.addFilter(RedactSecrets(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

"""Message catalogs: every text the bot shows, in Thai and English.

Catalogs are YAML files in ``bot/locales`` (one per language, the same keys); texts
are HTML for Telegram's ``parse_mode=HTML`` and their ``{placeholders}`` are escaped
when filled, so a unit named ``A & B <C>`` never breaks a message. Wrap a value in
:class:`Html` to pass markup through on purpose.
"""

from __future__ import annotations

import html
import string
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


class Html(str):
    """Text that is already HTML and is inserted as it is."""

    __slots__ = ()


class _Escaping(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"missing message parameter {key!r}")


@cache
def catalog(language: str) -> dict[str, str]:
    """All messages of a language, by key."""
    text = resources.files("bot").joinpath("locales", f"{language}.yaml").read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return {str(key): str(value) for key, value in data.items()}


def language_of(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The catalog language for a Telegram language code or a stored preference."""
    if code:
        short = code.split("-")[0].lower()
        if short in LANGUAGES:
            return short
    return default


def escape(value: object) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def t(language: str, key: str, /, **params: object) -> str:
    """The message ``key`` in ``language`` (Thai where English lacks it), filled in."""
    messages = catalog(language_of(language))
    template = messages.get(key) or catalog(DEFAULT_LANGUAGE)[key]
    values = _Escaping({name: escape(value) for name, value in params.items()})
    return template.format_map(values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}

"""Message catalogs: every text the bot shows, in Thai and English.

Catalogs are YAML files in ``bot/locales`` (one per language, the same keys), plus
the state names (``state.<name>``) from :data:`tidtam.core.vocabulary.STATE_NAMES`; texts
are HTML for Telegram's ``parse_mode=HTML`` and their ``{placeholders}`` are escaped
when filled, so a unit named ``A & B <C>`` never breaks a message. Wrap a value in
:class:`Html` to pass markup through on purpose.
"""

from __future__ import annotations

import html
import string
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from tidtam.core.vocabulary import STATE_NAMES

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
    messages = {str(key): str(value) for key, value in data.items()}
    # state names have one home, shared with reminders and reports
    names = STATE_NAMES.get(language, STATE_NAMES[DEFAULT_LANGUAGE])
    messages |= {f"state.{state.value}": name for state, name in names.items()}
    return messages


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


def join(language: str, items: Sequence[str]) -> str:
    """A list the way the language writes it: "ก, ข และ ค" / "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    messages = catalog(language_of(language))
    template = messages.get("list.join") or catalog(DEFAULT_LANGUAGE)["list.join"]
    return template.format(head=", ".join(items[:-1]), last=items[-1])  # plain text, not escaped

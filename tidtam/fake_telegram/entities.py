"""Telegram's text entities: the HTML ``parse_mode`` and ``/command`` marks.

Both sides need them: the bot's messages are parsed as Telegram parses HTML (same tags,
same error texts, UTF-16 offsets), and a person's ``/commands`` carry ``bot_command``
entities, which python-telegram-bot's command filters look for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tidtam.fake_telegram.errors import BadRequest
from tidtam.fake_telegram.objects import JSON

__all__ = ["HTML_TAGS", "command_entities", "parse_html", "utf16_len"]

HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
    "pre": "pre", "blockquote": "blockquote", "a": "text_link", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_PLAIN_RE = re.compile(r"[^<&]+")  # a run of text with no tag or entity in it
_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a numeric entity at ``index``."""
    match = _ENTITY_RE.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int  # UTF-16 offset in the parsed text


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse ``name=value`` pairs up to ``>``; returns them and the index of ``>``."""
    attributes: dict[str, str] = {}
    n = len(text)
    at = _byte_offset(text, begin)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
        if text[i] == ">":
            return attributes, i
        start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise BadRequest(
                f'can\'t parse entities: Empty attribute name in the tag "{tag}" '
                f"at byte offset {at}"
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            attributes[name] = ""
            continue
        if i >= n or text[i] != "=":
            raise BadRequest(
                "can't parse entities: Expected equal sign in declaration of an attribute "
                f'of the tag "{tag}" at byte offset {at}'
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value: list[str] = []
            while i < n and text[i] != quote:
                decoded = _decode_entity(text, i) if text[i] == "&" else None
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
            i += 1
            attributes[name] = "".join(value)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                raise BadRequest(
                    "can't parse entities: Unexpected end of name token at byte offset "
                    f"{_byte_offset(text, start)}"
                )
            attributes[name] = text[start:i].lower()


def _entity_for(tag: _OpenTag, length: int) -> JSON | None:
    entity: JSON = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": length}
    if tag.name == "a":
        url = tag.attributes.get("href", "")
        if not url:
            return None
        entity["url"] = url
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "code":
        css = tag.attributes.get("class", "")
        if css.startswith("language-"):
            entity["_language"] = css.removeprefix("language-")
    return entity


def _merge_pre_code(pre: JSON, entities: list[JSON]) -> None:
    """``<pre><code class="language-x">`` becomes one ``pre`` entity with a language."""
    for child in entities:
        if (
            child["type"] == "code"
            and child["offset"] == pre["offset"]
            and child["length"] == pre["length"]
            and "_language" in child
        ):
            pre["language"] = child["_language"]
            entities.remove(child)
            return


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into plain text and MessageEntity dicts.

    Raises :class:`BadRequest` with Telegram's wording ("can't parse entities: ...")
    for unsupported tags, unclosed or unmatched tags and malformed attributes.
    Unknown ``&name;`` sequences stay literal, like Telegram.
    """
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if char != "<":  # text up to the next tag or entity, taken whole
            plain = _PLAIN_RE.match(text, i + 1)
            end = plain.end() if plain is not None else i + 1
            piece = text[i:end]
            out.append(piece)
            utf16 += utf16_len(piece)
            i = end
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise BadRequest(
                    "can't parse entities: Unexpected end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            i += 1
            start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[start:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise BadRequest(
                    "can't parse entities: Unclosed end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            i += 1
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise BadRequest(
                    "can't parse entities: Unmatched end tag at byte offset "
                    f'{_byte_offset(text, begin)}, expected "</{tag.name}>", '
                    f'found "</{end_name}>"'
                )
            length = utf16 - tag.offset
            entity = _entity_for(tag, length)
            if entity is not None and length > 0:
                if entity["type"] == "pre":
                    _merge_pre_code(entity, entities)
                entities.append(entity)
            continue
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise BadRequest(
                "can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(text, begin)}"
            )
        name = text[begin + 1 : i].lower()
        if name not in HTML_TAGS:
            raise BadRequest(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        attributes, i = _parse_attributes(text, i, name, begin)
        i += 1
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise BadRequest(
                'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_OpenTag(name, attributes, utf16))
    if stack:
        raise BadRequest(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities for every ``/command`` (optionally ``@bot``) in ``text``."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND_RE.finditer(text)
    ]

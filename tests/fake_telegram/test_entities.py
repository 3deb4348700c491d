"""Telegram's HTML parse_mode as the stand-in applies it."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidtam.fake_telegram.entities import command_entities, parse_html, utf16_len
from tidtam.fake_telegram.errors import BadRequest

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}


def escape(text: str) -> str:
    return html.escape(text, quote=False)


@given(st.text())
def test_escaped_text_comes_back_unchanged(text: str) -> None:
    assert parse_html(escape(text)) == (text, [])


@given(st.text(), st.text(min_size=1).filter(str.strip), st.sampled_from(sorted(SIMPLE_TAGS)))
def test_a_tag_becomes_an_entity_with_utf16_offsets(before: str, inner: str, tag: str) -> None:
    text, entities = parse_html(f"{escape(before)}<{tag}>{escape(inner)}</{tag}>")
    assert text == before + inner
    assert entities == [
        {"type": SIMPLE_TAGS[tag], "offset": utf16_len(before), "length": utf16_len(inner)}
    ]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_input_parses_or_is_refused_like_telegram(source: str) -> None:
    try:
        text, entities = parse_html(source)
    except BadRequest as error:
        assert error.description.startswith("Bad Request: can't parse entities: ")
    else:
        total = utf16_len(text)
        assert all(e["offset"] >= 0 and e["offset"] + e["length"] <= total for e in entities)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("ก<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<a href='x>y", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
    ],
)
def test_broken_html_is_refused_with_telegrams_words(source: str, error: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_html(source)
    assert caught.value.description.startswith("Bad Request: can't parse entities: " + error)


def test_entities_links_pre_and_astral_characters() -> None:
    text, entities = parse_html(
        '😀<a href="https://t.me/x?a=1&amp;b=2">ลิงก์</a> &lt;&#3585;&#x0e02;&gt; &nbsp;'
        '<pre><code class="language-python">x = 1</code></pre>'
        '<blockquote expandable>q</blockquote><span class="tg-spoiler">s</span>'
    )
    assert text == "😀ลิงก์ <กข> &nbsp;x = 1qs"
    assert entities == [
        {"type": "text_link", "offset": 2, "length": 5, "url": "https://t.me/x?a=1&b=2"},
        {"type": "pre", "offset": 19, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 24, "length": 1},
        {"type": "spoiler", "offset": 25, "length": 1},
    ]


def test_nested_and_empty_tags() -> None:
    text, entities = parse_html("<b>a<i>b</i></b><u></u>")
    assert text == "ab"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
    ]


def test_command_entities_mark_commands_only() -> None:
    assert command_entities("/start ABCDE") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("ก /linkgroup@tidtam_bot x") == [
        {"type": "bot_command", "offset": 2, "length": 21}
    ]
    assert command_entities("a/b and http://x/y and 1/2") == []

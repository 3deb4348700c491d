"""Long HTML messages are split where Telegram can parse every part."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies import split_text
from tidtam.fake_telegram.entities import parse_html

TAGS = ("b", "i", "u", "code")

fragments = st.builds(
    lambda text, tag: (
        f"<{tag}>{html.escape(text, quote=False)}</{tag}>"
        if tag
        else html.escape(text, quote=False)
    ),
    st.text(alphabet="กขค ab<>&\"'", min_size=1, max_size=120),
    st.sampled_from((None, *TAGS)),
)
lines = st.lists(fragments, max_size=8).map("".join)


@given(st.lists(lines, max_size=40), st.integers(min_value=60, max_value=400))
def test_every_part_parses_fits_and_nothing_is_lost(texts: list[str], limit: int) -> None:
    text = "\n".join(texts)
    parts = split_text(text, limit=limit)
    shown = [parse_html(part)[0] for part in parts]  # raises on a cut tag or entity
    assert all(len(part) <= limit for part in parts)
    assert "".join(shown).replace("\n", "") == parse_html(text)[0].replace("\n", "")


def test_a_tag_spanning_a_cut_is_closed_and_opened_again() -> None:
    text = "<b>" + "\n".join(["ก" * 50] * 4) + "</b>"
    parts = split_text(text, limit=120)
    assert len(parts) == 2
    assert parts[0] == "<b>" + "ก" * 50 + "\n" + "ก" * 50 + "</b>"
    assert parts[1] == "<b>" + "ก" * 50 + "\n" + "ก" * 50 + "</b>"


@pytest.mark.parametrize("entity", ["&amp;", "&lt;", "&#36;"])
def test_an_entity_is_never_cut(entity: str) -> None:
    text = ("x" * 7 + entity) * 30  # one long line
    parts = split_text(text, limit=50)
    assert len(parts) > 1
    for part in parts:
        parse_html(part)
        assert part.count("&") == part.count(";")

"""Thai line breaking: lines fit, end between words, never inside a cluster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.thai_text import NBSP, clusters, words, wrap

SAMPLE = "สถานศึกษามีการจัดทำแผนพัฒนาคุณภาพการศึกษาที่สอดคล้องกับยุทธศาสตร์ของจังหวัด"
THAI_WORDS = [
    "สถานศึกษา", "ผู้อำนวยการ", "ที่", "จัดทำ", "แผนพัฒนา", "คุณภาพ", "การศึกษา",
    "ยุทธศาสตร์", "ตัวชี้วัด", "ไม่มี", "ปีงบประมาณ", "พ.ศ.", "2567", "1,250", "ABC",
]  # fmt: skip


def test_words_cut_thai_between_words() -> None:
    assert words("ผู้อำนวยการสถานศึกษา") == ("ผู้อำนวยการ", "สถานศึกษา")
    assert "".join(words(SAMPLE)) == SAMPLE


def test_a_name_with_no_break_spaces_stays_whole() -> None:
    assert words(f"โดย นายสมชาย{NBSP}รักเรียน เมื่อ") == (
        "โดย",
        " ",
        f"นายสมชาย{NBSP}รักเรียน",
        " ",
        "เมื่อ",
    )


def test_lines_break_between_words() -> None:
    lines = wrap(SAMPLE, 12, len)
    assert lines == [
        "สถานศึกษามี", "การจัดทำแผน", "พัฒนาคุณภาพ", "การศึกษาที่", "สอดคล้องกับ", "ยุทธศาสตร์",
        "ของจังหวัด",
    ]  # fmt: skip


def test_a_word_wider_than_the_line_is_cut_between_clusters() -> None:
    lines = wrap("ผู้อำนวยการ", 4, len)
    assert "".join(lines) == "ผู้อำนวยการ"
    assert lines[0] == "ผู้"  # the vowel and tone mark stay with their consonant
    bounds = {sum(len(c) for c in clusters("ผู้อำนวยการ")[:n]) for n in range(12)}
    at = 0
    for line in lines:
        at += len(line)
        assert at in bounds


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*THAI_WORDS, " "]), max_size=40), st.integers(6, 40))
def test_wrapped_lines_keep_the_text_fit_and_end_between_words(
    pieces: list[str], width: int
) -> None:
    text = "".join(pieces)
    lines = wrap(text, width, len)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert line == line.strip()
        # Too wide only when the line is a single cluster.
        assert len(line) <= width or len(clusters(line)) == 1
    # A line ends where a word of the text ends (when no word was too wide to fit).
    if all(len(w) <= width for w in words(text)):
        ends = {0}
        at = 0
        for word in words(text):
            at += len(word)
            ends.add(len(text[:at].replace(" ", "")))
        position = 0
        for line in lines:
            position += len(line.replace(" ", ""))
            assert position in ends

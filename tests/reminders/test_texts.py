"""Message texts: Thai list joining, missing summaries, text bars, rendered messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.policy import (
    AgencyGroup,
    CertifierReminder,
    Digest,
    Due,
    Kind,
    OfficerEscalation,
    OverdueUnit,
    ProgressRow,
    SupervisorEscalation,
    UnitReminder,
    due,
)
from reminders.texts import (
    MAX_CHARS,
    join_en,
    join_th,
    missing_summary_en,
    missing_summary_th,
    render,
    text_bars,
)

from .scenario import REMINDERS_ONLY, WORLD, bkk

DEADLINE = bkk("2024-03-31 23:59:59")


@pytest.mark.parametrize(
    ("items", "thai", "english"),
    [
        ([], "", ""),
        (["2"], "2", "2"),
        (["2", "5"], "2 และ 5", "2 and 5"),
        (["1", "2", "5"], "1, 2 และ 5", "1, 2 and 5"),
    ],
)
def test_join(items: list[str], thai: str, english: str) -> None:
    assert join_th(items) == thai
    assert join_en(items) == english


@pytest.mark.parametrize(
    ("missing", "thai", "english"),
    [
        (
            {2: 7, 5: 5},
            "ยังไม่ได้ตอบ 12 ข้อ ในยุทธศาสตร์ที่ 2 และ 5",
            "12 questions not answered yet, in strategies 2 and 5",
        ),
        (
            {5: 1, 1: 2, 2: 3},
            "ยังไม่ได้ตอบ 6 ข้อ ในยุทธศาสตร์ที่ 1, 2 และ 5",
            "6 questions not answered yet, in strategies 1, 2 and 5",
        ),
        ({3: 1}, "ยังไม่ได้ตอบ 1 ข้อ ในยุทธศาสตร์ที่ 3", "1 question not answered yet, in strategy 3"),
        (
            {1: 0, 4: 2},
            "ยังไม่ได้ตอบ 2 ข้อ ในยุทธศาสตร์ที่ 4",
            "2 questions not answered yet, in strategy 4",
        ),
        ({}, "ตอบครบทุกข้อแล้ว", "every question is answered"),
    ],
)
def test_missing_summary(missing: dict[int, int], thai: str, english: str) -> None:
    assert missing_summary_th(missing) == thai
    assert missing_summary_en(missing) == english
    assert missing_summary_th(sorted(missing.items())) == thai  # pairs work too


@pytest.mark.parametrize(
    ("done", "total", "line"),
    [
        (3, 5, "สพป.เพชรบูรณ์ เขต 1 ▓▓▓▓▓▓░░░░ 60%"),
        (0, 5, "สพป.เพชรบูรณ์ เขต 1 ░░░░░░░░░░ 0%"),
        (5, 5, "สพป.เพชรบูรณ์ เขต 1 ▓▓▓▓▓▓▓▓▓▓ 100%"),
        (199, 200, "สพป.เพชรบูรณ์ เขต 1 ▓▓▓▓▓▓▓▓▓░ 99%"),  # 100% only when all are in
        (0, 0, "สพป.เพชรบูรณ์ เขต 1 ░░░░░░░░░░ 0%"),
    ],
)
def test_text_bars(done: int, total: int, line: str) -> None:
    assert text_bars([("สพป.เพชรบูรณ์ เขต 1", done, total)]) == line


def test_text_bars_counts_and_width() -> None:
    text = text_bars([("a", 1, 4), ("b", 4, 4)], width=4, counts=True)
    assert text == "a ▓░░░ 25% (1/4)\nb ▓▓▓▓ 100% (4/4)"
    with pytest.raises(ValueError, match="width"):
        text_bars([("a", 1, 1)], width=0)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 40))
def test_text_bars_always_the_same_width(done: int, total: int, width: int) -> None:
    line = text_bars([("x", done, total)], width=width)
    bar = line.split(" ")[1]
    assert len(bar) == width
    assert set(bar) <= {"▓", "░"}
    percent = int(line.rsplit(" ", 1)[1].rstrip("%"))
    assert 0 <= percent <= 100
    assert (percent == 100) == (total > 0 and done >= total)


# ------------------------------------------------------------------------ rendering


def one(clock: str, chat_id: int, world: object = REMINDERS_ONLY) -> Due:
    plan = due(world, bkk(clock))  # type: ignore[arg-type]
    return next(d for d in plan.send if d.chat_id == chat_id)


def test_unit_reminder_thai() -> None:
    text = render(one("2024-03-28 09:00", 21))
    assert text.splitlines() == [
        "🔔 แจ้งเตือน: โรงเรียนบ้านใต้ ยังไม่ได้ส่งรายงาน",
        "รอบการรายงาน ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2",
        "กำหนดส่ง 31 มี.ค. 2567 เวลา 23:59 น. (อีก 3 วัน)",
        "ยังไม่ได้ตอบ 12 ข้อ ในยุทธศาสตร์ที่ 2 และ 5",
        "พิมพ์ /report เพื่อรายงานต่อ",
    ]


@pytest.mark.parametrize(
    ("clock", "words"),
    [("2024-03-30 09:00", "(พรุ่งนี้)"), ("2024-03-31 09:00", "(วันนี้)")],
)
def test_unit_reminder_days_left(clock: str, words: str) -> None:
    assert words in render(one(clock, 11))


def test_unit_reminder_returned_and_not_started() -> None:
    returned = render(one("2024-03-24 09:00", 41))
    assert "สถานะ: ส่งกลับให้แก้ไข" in returned
    assert "ยังไม่ได้ตอบ 1 ข้อ ในยุทธศาสตร์ที่ 1" in returned
    not_started = render(one("2024-03-24 09:00", 11))
    assert "ยังไม่ได้เริ่มรายงาน" in not_started and "เพื่อเริ่มรายงาน" in not_started
    assert "/submit" in render(one("2024-03-24 09:00", 81))  # in progress, nothing missing


def test_unit_reminder_english() -> None:
    text = render(one("2024-03-28 09:00", 21), "en")
    assert "Reminder: โรงเรียนบ้านใต้ has not submitted" in text
    assert "Fiscal year 2567 (BE), quarter 2" in text
    assert "Deadline: 31 Mar 2024 23:59 (in 3 days)" in text
    assert "12 questions not answered yet, in strategies 2 and 5." in text


def test_supervisor_escalation_thai() -> None:
    text = render(one("2024-04-01 09:00", 903))
    assert text.startswith("📣 แจ้งหน่วยงานต้นสังกัด: สพป.เพชรบูรณ์ เขต 2")
    assert "หน่วยงานที่ยังไม่ส่งรายงาน 3 แห่ง (เกินกำหนดส่ง 31 มี.ค. 2567)" in text
    assert "• โรงเรียนหนองไผ่ (1067020004) — ส่งกลับให้แก้ไข" in text
    assert "• โรงเรียนวังชมภู (1067020005) — ยังไม่เริ่ม, ยังไม่มีผู้ลงทะเบียน" in text
    assert "• โรงเรียนท่าพล (1067020006) — ยังไม่เริ่ม, ติดต่อไม่ได้" in text


def test_orphans_go_to_officers_in_their_language() -> None:
    due_en = one("2024-04-01 09:00", 991)
    text = render(due_en)  # officer 991 reads English
    assert "no reachable supervisor" in text
    assert "อาชีวศึกษาจังหวัดเพชรบูรณ์ (1)" in text
    assert "in progress" in text
    thai = render(due_en, "th")
    assert "หน่วยงานที่เกินกำหนดส่ง 1 แห่ง (หน่วยงานต้นสังกัดยังไม่มีผู้กำกับติดตามที่ติดต่อได้)" in thai


def test_officer_escalation_by_agency() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-04-07 09:00"))
    officer = next(d for d in plan.send if d.kind is Kind.OFFICER and d.chat_id == 990)
    text = render(officer)
    assert "หน่วยงานที่เกินกำหนดส่ง 6 แห่ง (แยกตามหน่วยงานต้นสังกัด)" in text
    for title in ("สพป.เพชรบูรณ์ เขต 1 (2)", "สพป.เพชรบูรณ์ เขต 2 (3)"):
        assert title in text.splitlines()


def test_certifier_reminder() -> None:
    item = one("2024-03-22 10:00", 32, WORLD)
    assert render(item) == (
        "📝 รายงานของ โรงเรียนบ้านกลาง รอการรับรองข้อมูลมาแล้ว 2 วัน "
        "(ส่งเมื่อ 20 มี.ค. 2567 เวลา 10:00 น.)\n"
        "พิมพ์ /pending เพื่อรับรองข้อมูลหรือส่งกลับให้แก้ไข"
    )
    assert "waited 2 day(s) for certification" in render(item, "en")


def test_digest_has_bars_and_no_personal_data() -> None:
    item = one("2024-04-02 08:30", -1001, WORLD)
    text = render(item)
    assert "สพป.เพชรบูรณ์ เขต 2 ▓▓░░░░░░░░ 25% (1/4)" in text
    assert "ส่งรายงานแล้ว 2 จาก 8 แห่ง · เกินกำหนด 6 แห่ง" in text
    assert "ประจำวันที่ 2 เม.ย. 2567" in text
    for school in ("โรงเรียน", "วิทยาลัย"):
        assert school not in text
    assert "Submitted 2/8 · overdue 6" in render(item, "en")


def test_long_lists_are_cut_under_the_limit() -> None:
    units = tuple(
        OverdueUnit(
            i, f"10670{i:05d}", f"โรงเรียนทดสอบหมายเลข {i}", "not_started", i % 2 == 0, False
        )
        for i in range(400)
    )
    sup = SupervisorEscalation(7, "2567-Q2", 100, "สพป.", DEADLINE, units)
    item = Due("user:1", "sup:100:d+1", Kind.SUPERVISOR, 1, DEADLINE, sup)
    text = render(item)
    assert len(text) <= MAX_CHARS
    shown = sum(line.startswith("•") for line in text.splitlines())
    assert 0 < shown < 400
    assert f"... และอีก {400 - shown} แห่ง (ดูทั้งหมดด้วย /overdue)" in text
    assert text.endswith("พิมพ์ /overdue เพื่อดูรายละเอียด")
    officers = OfficerEscalation(7, "2567-Q2", DEADLINE, False, (AgencyGroup(None, "", units),))
    text = render(replace(item, kind=Kind.OFFICER, payload=officers), "en")
    assert len(text) <= MAX_CHARS
    assert "(no supervising agency) (400)" in text
    assert "more (see /overdue)" in text


def test_digest_with_many_agencies_fits() -> None:
    rows = tuple(ProgressRow(i, f"หน่วยงานต้นสังกัดทดสอบ {i}", 10, i % 11, 0, 0) for i in range(300))
    digest = Digest(7, "2567-Q2", date(2024, 3, 5), DEADLINE, rows, 3000, 1000, 0)
    text = render(Due("chat:-1", "digest:2024-03-05", Kind.DIGEST, -1, DEADLINE, digest))
    assert len(text) <= MAX_CHARS
    assert "... และหน่วยงานอื่น ๆ" in text


def test_unknown_period_is_shown_as_given() -> None:
    reminder = UnitReminder(7, "special", 1, "x", "not_started", DEADLINE, 5, ())
    text = render(Due("user:1", "unit:1:d-7", Kind.UNIT, 1, DEADLINE, reminder))
    assert "รอบการรายงาน special" in text


def test_certifier_waited_days_round_down() -> None:
    reminder = CertifierReminder(7, "2567", 99, 3, "x", DEADLINE, timedelta(days=3, hours=23))
    text = render(Due("user:1", "cert:99:x", Kind.CERTIFIER, 1, DEADLINE, reminder))
    assert "มาแล้ว 3 วัน" in text


def test_unit_reminder_names_the_items_still_missing() -> None:
    # the item numbers a unit sees on every screen, listed the Thai way
    reminder = UnitReminder(
        7, "2567-Q2", 1, "โรงเรียนบ้านใต้", "in_progress", DEADLINE, 5, ((1, 2), (3, 1)),
        ("1.2.1", "1.3.1", "3.1.2"),
    )  # fmt: skip
    text = render(Due("user:1", "unit:1:d-5", Kind.UNIT, 1, DEADLINE, reminder))
    assert "ยังไม่ได้ตอบ 3 ข้อ ได้แก่ ข้อ 1.2.1, 1.3.1 และ 3.1.2" in text
    english = render(Due("user:1", "unit:1:d-5", Kind.UNIT, 1, DEADLINE, reminder), "en")
    assert "3 questions not answered yet: items 1.2.1, 1.3.1 and 3.1.2." in english
    many = tuple(f"1.1.{n}" for n in range(1, 14))
    text = render(
        Due("user:1", "unit:1:d-5", Kind.UNIT, 1, DEADLINE, replace(reminder, missing_items=many))
    )
    assert "ยังไม่ได้ตอบ 13 ข้อ ได้แก่ ข้อ 1.1.1" in text and "1.1.10 และอีก 3 ข้อ" in text

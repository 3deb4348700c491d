"""``tidtam demo --interactive``: a scripted person registers and answers a question."""

from __future__ import annotations

from pathlib import Path

from tidtam.demo.interactive import run_interactive
from tidtam.demo.run import DemoOptions


async def test_a_person_registers_and_presses_a_numbered_button(tmp_path: Path) -> None:
    shown: list[str] = []
    script = iter(["/start {code}", "/report", "1", "/file {pdf}", "9", "/quit"])
    pdf = tmp_path / "note.txt"
    pdf.write_text("hello")

    async def read() -> str | None:
        line = next(script, None)
        if line is None:
            return None
        code = next(s.split()[-1] for s in shown if "/start " in s)
        return line.format(code=code, pdf=pdf)

    await run_interactive(DemoOptions(tmp_path / "data"), read, shown.append)
    text = "\n".join(shown)
    assert "ลงทะเบียนเรียบร้อย" in text
    assert "ข้อ 1.1.1 · ตอบแล้ว 0 จาก" in text and "   [1] 1. ดำเนินการแล้ว" in text
    assert "ข้อ 1.1.2 · ตอบแล้ว 1 จาก" in text  # the button was pressed, the next question came
    assert "? [1-" in text  # no button 9

"""Every state name a person reads comes from one place: tidtam.core.vocabulary.STATE_NAMES.

The bot (its catalogues get ``state.*`` from there), the reminders, the digest,
the chart, the terminal table and the workbook must not spell a state themselves:
a second spelling drifts ("กำลังทำ" here, "กำลังดำเนินการ" there). This test reads
every source file and catalogue and fails on a state name, or an old variant of
one, written anywhere else.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ruamel.yaml import YAML

from bot.i18n import catalog
from reports.labels import STATE_TH
from tidtam.core.vocabulary import STATE_NAMES, SubmissionState, state_name

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "tidtam" / "core" / "vocabulary.py"
PACKAGES = ("bot", "flows", "reminders", "reports", "storage", "tidtam")
#: Spellings used before there was one place; none may come back.
OLD = re.compile(r"กำลังทำ|กำลังรายงาน|ยังไม่เริ่มรายงาน|ส่งแล้ว รอรับรอง(?!ข้อมูล)")
# an English name that is also a state's code ("certified") is not a spelling
NAMES = {n for names in STATE_NAMES.values() for n in names.values()} - {
    s.value for s in SubmissionState
}


def _sources() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_there_is_a_name_for_every_state_in_both_languages() -> None:
    for language in ("th", "en"):
        assert set(STATE_NAMES[language]) == set(SubmissionState)
    assert state_name("in_progress") == "กำลังดำเนินการ"
    assert state_name("submitted", "en") == "submitted, awaiting certification"
    assert state_name("submitted") == "ส่งแล้ว รอรับรองข้อมูล"  # the glossary's words


def test_no_source_file_spells_a_state_itself() -> None:
    found = []
    for path in _sources():
        if path == HOME:
            continue
        for line, value in _literals(path):
            if value.strip() in NAMES or OLD.search(value):
                found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert found == []


def test_the_catalogues_take_their_state_names_from_the_one_place() -> None:
    for language in ("th", "en"):
        path = ROOT / "bot" / "locales" / f"{language}.yaml"
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        assert not [k for k in data if str(k).startswith("state.")], path.name
        spelled = [k for k, v in data.items() if str(v).strip() in NAMES or OLD.search(str(v))]
        assert spelled == [], path.name
        for state in SubmissionState:
            assert catalog(language)[f"state.{state.value}"] == state_name(state, language)


def test_the_reports_use_the_same_words() -> None:
    assert {s.value: n for s, n in STATE_NAMES["th"].items()} == STATE_TH

"""English words beside the Thai ones: YAML keys, the stored dict, XLSForm columns."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from flows.errors import FormError
from flows.form import form_from_dict, form_to_dict, in_language
from flows.form_loader import load_form
from flows.xlsform import read_xlsform
from flows.xlsform_write import form_to_xlsform

BILINGUAL = """\
form: t-en
title: แบบทดสอบ
title_en: A test form
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1
    title_en: Strategy 1
    indicators:
      - id: i1
        title: ตัวชี้วัดหนึ่ง
        title_en: Indicator one
        questions:
          - id: done
            type: choice
            text: ดำเนินการหรือไม่
            text_en: Was it done?
            help: เลือกหนึ่งข้อ
            help_en: Pick one
            choices:
              - {id: yes, label: ดำเนินการแล้ว, label_en: Done}
              - {id: no, label: ยังไม่ดำเนินการ}
          - id: acts
            type: repeat
            text: กิจกรรม
            text_en: Activities
            item: กิจกรรม
            item_en: activity
            questions:
              - id: act_name
                type: text
                text: ชื่อกิจกรรม
                text_en: Name of the activity
"""


def thai_only(text: str) -> str:
    """The form without its English keys."""
    return re.sub(r"(\n *\w+_en: [^\n]*|, label_en: \w+)", "", text)


def test_english_keys_load_and_are_kept_in_the_stored_dict() -> None:
    form = load_form(BILINGUAL)
    done = form.question("done")
    assert (form.title_en, form.sections[0].title_en) == ("A test form", "Strategy 1")
    assert form.sections[0].indicators[0].title_en == "Indicator one"
    assert (done.text_en, done.help_en) == ("Was it done?", "Pick one")
    assert [c.label_en for c in done.choices] == ["Done", None]
    acts = form.question("acts")
    assert (acts.text_en, acts.item_en) == ("Activities", "activity")
    assert form.question("acts/i2/act_name").text_en == "Name of the activity"
    data = form_to_dict(form)
    assert form_from_dict(data) == form
    assert data["sections"][0]["indicators"][0]["questions"][0]["choices"][1] == {
        "id": "no",
        "label": "ยังไม่ดำเนินการ",
    }  # a word without English is stored as before


def test_a_form_without_english_stores_without_english_keys() -> None:
    data = form_to_dict(load_form(thai_only(BILINGUAL)))
    assert "_en" not in repr(data)


def test_in_language_falls_back_to_thai() -> None:
    assert in_language("ไทย", "English", "en") == "English"
    assert in_language("ไทย", "English", "th") == "ไทย"
    assert in_language("ไทย", None, "en") == "ไทย"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("text_en: Was it done?", 'text_en: ""'), "16: sections[0].indicators[0].questions[0]: "
         "text_en must not be empty"),
        (("label_en: Done", "label_en: 5"), "20: sections[0].indicators[0].questions[0]."
         "choices[0]: label_en must be text, got 5"),
        (("help_en: Pick one", "help_en: Pick one\n            item_en: x"),
         "19: sections[0].indicators[0].questions[0]: item_en is only allowed on repeat groups"),
    ],
)  # fmt: skip
def test_english_keys_are_checked(change: tuple[str, str], expected: str) -> None:
    with pytest.raises(FormError) as caught:
        load_form(BILINGUAL.replace(*change), "f.yaml")
    assert any(str(p).startswith(f"f.yaml:{expected}") for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_english_comes_back_from_a_workbook() -> None:
    form = load_form(BILINGUAL)
    data = form_to_xlsform(form)
    assert read_xlsform(data).form == form
    book = load_workbook(io.BytesIO(data))
    survey_head = [c.value for c in book["survey"][1]]
    assert {"label::English (en)", "hint::English (en)", "item::English (en)"} <= set(survey_head)
    assert "label::English (en)" in [c.value for c in book["choices"][1]]
    assert "title_en" in [c.value for c in book["settings"][1]]
    assert "Was it done?" in convert(xlsform=data, file_type=".xlsx").xform


def test_a_form_without_english_has_no_english_columns() -> None:
    book = load_workbook(io.BytesIO(form_to_xlsform(load_form(thai_only(BILINGUAL)))))
    heads = [c.value for sheet in ("survey", "choices", "settings") for c in book[sheet][1]]
    assert not [h for h in heads if "English" in str(h) or "_en" in str(h)]

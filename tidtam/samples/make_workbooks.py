"""Write the sample workbooks from their YAML: ``form.xlsx``, ``projects.xlsx`` and
``template.xlsx`` (the officers' starting template, with its คำอธิบาย sheet).

Run ``python tidtam/samples/make_workbooks.py`` after changing a sample's YAML or the
workbook's wording (``flows/xlsform_write.py``). The output is deterministic, so running
it again gives the same bytes; a test checks that the shipped workbooks match.
``tidtam forms template --out FILE.xlsx`` copies the shipped ``template.xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from flows.form_loader import load_form_file
from flows.xlsform_write import form_to_xlsform

HERE = Path(__file__).resolve().parent
#: Each sample workbook and the YAML it is written from.
WORKBOOKS = {
    HERE / f"{name}.xlsx": HERE / f"{name}.yaml" for name in ("form", "projects", "template")
}


def workbook_bytes(source: Path) -> bytes:
    """The workbook a sample's YAML gives."""
    return form_to_xlsform(load_form_file(source))


if __name__ == "__main__":
    for out, source in WORKBOOKS.items():
        out.write_bytes(workbook_bytes(source))
        print(f"wrote {out}")

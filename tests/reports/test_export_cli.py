"""``tidtam export`` on the sample province, through typer's CliRunner, on both databases."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from flows.answers import AnswerValue, encode
from flows.form_loader import load_form_file
from storage.db import transaction
from storage.forms import form_of, store_form
from storage.models import Unit
from storage.rounds import open_round
from storage.submissions import save_answer, submission_for
from storage.units import unit_by_code
from tidtam.cli import app
from tidtam.core.unitsfile import scan_units_file
from tidtam.core.vocabulary import Certify
from tidtam.services.units import import_scan

SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"
SCHOOL = "1067010001"


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


async def seed(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """The sample province and form, a round for esa and school, one school's answers."""
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        await import_scan(session, scan_units_file(SAMPLES / "units.csv"))
        form_file = SAMPLES / "form.yaml"
        version = await store_form(
            session, load_form_file(form_file), form_file.read_text(encoding="utf-8")
        )
        round_ = await open_round(
            session,
            form=version,
            period="2567",
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=20),
            kinds=["esa", "school"],
            certify=Certify.HEAD,
        )
        form = form_of(version)
        school = await unit_by_code(session, SCHOOL)
        assert school is not None
        submission = await submission_for(session, round_.id, school.id)
        for question_id, answer in {
            "s1i1_done": AnswerValue("yes"),
            "s1i1_projects": AnswerValue("ค่ายลูกเสือ"),
            "s1i1_students": AnswerValue(250),
        }.items():
            await save_answer(
                session,
                submission,
                question_id,
                encode(form.question(question_id), answer),
                actor=None,
                now=now,
            )
        targets = await session.scalar(
            select(func.count(Unit.id)).where(Unit.kind.in_(["esa", "school"]))
        )
        return round_.id, int(targets or 0)


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    return await seed(sessions)


@pytest.fixture
def cli(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    env = {"TIDTAM_DATA_DIR": str(tmp_path / "data"), "TIDTAM_DATABASE_URL": database_url}
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        result = runner.invoke(app, [str(a) for a in args], env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def test_export_xlsx(cli: Run, province: tuple[int, int], tmp_path: Path) -> None:
    round_id, targets = province
    out = tmp_path / "round.xlsx"
    result = cli("export", "--round", round_id, "--out", out)
    assert result.code == 0, result.err
    assert f"wrote {out}: round {round_id}, {targets} units" in result.out
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["สรุป", "รายหน่วยงาน", "รายตัวชี้วัด", "ไฟล์แนบ"]
    units = sheets["รายหน่วยงาน"].set_index("รหัสหน่วยงาน")
    assert len(units) == targets
    # a question's column is headed by its item number, as on every screen
    columns = {str(c).split(" ")[1]: c for c in units.columns if str(c).startswith("ข้อ ")}
    school = units.loc[int(SCHOOL)] if int(SCHOOL) in units.index else units.loc[SCHOOL]
    assert school[columns["1.1.1"]] == "ดำเนินการแล้ว"
    assert school[columns["1.1.2"]] == "ค่ายลูกเสือ"
    assert school[columns["1.1.3"]] == 250
    assert school["สถานะ"] == "กำลังดำเนินการ"
    assert units[columns["1.1.3"]].notna().sum() == 1


def test_export_csv_and_files(cli: Run, province: tuple[int, int], tmp_path: Path) -> None:
    round_id, targets = province
    out = tmp_path / "round.csv"
    result = cli("export", "--round", round_id, "--out", out, "--format", "csv", "--files")
    assert result.code == 0, result.err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == targets + 1
    assert rows[0][0] == "รหัสหน่วยงาน"
    zip_path = tmp_path / "round-files.zip"
    assert f"wrote {zip_path}: 0 files" in result.out
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "999", "--out", "x.xlsx"], "there is no round 999"),
        (["--round", "{round}", "--out", "x.csv"], "ending in .xlsx"),
        (["--round", "{round}", "--out", "x.xlsx", "--format", "csv"], "ending in .csv"),
        (["--round", "{round}", "--out", "no/such/folder/x.xlsx"], "does not exist"),
        (["--round", "{round}", "--out", "."], "ending in .xlsx"),
    ],
)
def test_export_errors(
    cli: Run, province: tuple[int, int], tmp_path: Path, args: list[str], message: str
) -> None:
    round_id, _ = province
    result = cli("export", *[a.format(round=round_id) for a in args])
    assert result.code == 1
    assert message in result.err
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob("*.csv"))


def test_export_into_a_folder_name_fails(
    cli: Run, province: tuple[int, int], tmp_path: Path
) -> None:
    (tmp_path / "taken.xlsx").mkdir()
    result = cli("export", "--round", province[0], "--out", tmp_path / "taken.xlsx")
    assert result.code == 1
    assert "is a folder" in result.err


async def _submit(sessions: async_sessionmaker[AsyncSession], round_id: int) -> None:
    from storage.models import SubmissionState
    from storage.submissions import change_state

    async with transaction(sessions) as session:
        school = await unit_by_code(session, SCHOOL)
        assert school is not None
        submission = await submission_for(session, round_id, school.id)
        await change_state(
            session, submission, SubmissionState.SUBMITTED, actor=None, now=datetime.now(UTC)
        )


@pytest.fixture
async def submitted(sessions: async_sessionmaker[AsyncSession]) -> int:
    round_id, _ = await seed(sessions)
    await _submit(sessions, round_id)
    return round_id


def test_export_pdf_of_a_round_without_submissions(
    cli: Run, province: tuple[int, int], tmp_path: Path
) -> None:
    folder = tmp_path / "pdfs"
    result = cli("export", "--round", province[0], "--pdf", folder)
    assert result.code == 0, result.err
    assert "wrote 0 PDFs" in result.out
    assert list(folder.iterdir()) == []  # in progress is not printed for a round


def test_export_pdf_writes_one_file_per_submitted_unit(
    cli: Run, submitted: int, tmp_path: Path
) -> None:
    from tests.reports.pdfcheck import bases, page_texts

    round_id = submitted
    folder = tmp_path / "pdfs"
    result = cli("export", "--round", round_id, "--pdf", folder)
    assert result.code == 0, result.err
    assert [p.name for p in folder.iterdir()] == [f"{SCHOOL}.pdf"]
    text = bases("".join(page_texts((folder / f"{SCHOOL}.pdf").read_bytes())))
    assert bases("ค่ายลูกเสือ") in text and "250" in text and SCHOOL in text


async def test_export_pdf_hands_out_the_pdf_the_bot_kept(
    cli: Run, submitted: int, tmp_path: Path, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from zoneinfo import ZoneInfo

    from reports.submission_doc import SubmissionDoc, render
    from storage.files import FileStore
    from storage.models import Submission
    from tidtam.services.deps import ServiceDeps
    from tidtam.services.documents import round_pdfs, submission_pdf_bytes

    # the command runs its own event loop: in a thread of its own, beside this test's
    drawn = await asyncio.to_thread(cli, "export", "--round", submitted, "--pdf", tmp_path / "1")
    assert "(0 as the bot sent them, 1 drawn now)" in drawn.out
    deps = ServiceDeps(sessions, FileStore(tmp_path / "data" / "files"), ZoneInfo("Asia/Bangkok"))
    [doc] = (await round_pdfs(deps, submitted)).docs
    async with sessions() as session:
        submission_id = await session.scalar(
            select(Submission.id).where(Submission.round_id == submitted)
        )
    assert submission_id is not None

    async def draw(doc: SubmissionDoc) -> bytes:
        return render(doc)

    kept = await submission_pdf_bytes(deps, submission_id, doc, draw)  # as the bot does
    result = await asyncio.to_thread(cli, "export", "--round", submitted, "--pdf", tmp_path / "2")
    assert result.code == 0, result.err
    assert "(1 as the bot sent them, 0 drawn now)" in result.out
    assert (tmp_path / "2" / f"{SCHOOL}.pdf").read_bytes() == kept


def test_export_pdf_into_one_zip(cli: Run, submitted: int, tmp_path: Path) -> None:
    import zipfile

    from tests.reports.pdfcheck import bases, page_texts

    target = tmp_path / "แบบรายงาน.zip"
    result = cli("export", "--round", submitted, "--pdf", target)
    assert result.code == 0, result.err
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == [f"{SCHOOL}.pdf"]  # flat: no folders to escape by
        text = bases("".join(page_texts(archive.read(f"{SCHOOL}.pdf"))))
    assert bases("ค่ายลูกเสือ") in text and SCHOOL in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pdfs-")]  # no scratch left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "999", "--pdf", "out"], "there is no round 999"),
        (["--round", "{round}"], "give --out FILE"),
        (["--round", "{round}", "--pdf", "no/such/out"], "does not exist"),
        (["--round", "{round}", "--pdf", "out", "--files"], "--files needs --out"),
        (["--round", "{round}", "--pdf", "no/such/out.zip"], "does not exist"),
    ],
)
def test_export_pdf_errors(
    cli: Run, province: tuple[int, int], tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("export", *[a.format(round=province[0]) for a in args])
    assert result.code == 1
    assert message in result.err
    assert not (tmp_path / "out").exists()


def test_summary_writes_the_committee_report(cli: Run, submitted: int, tmp_path: Path) -> None:
    from docx import Document

    from tests.reports.pdfcheck import bases, page_texts

    docx = tmp_path / "summary.docx"
    result = cli("summary", "--round", submitted, "--out", docx)
    assert result.code == 0, result.err
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert "สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์" in texts
    assert any("ส่งรายงานแล้ว 1 แห่ง" in t for t in texts)
    pdf = tmp_path / "summary.pdf"
    assert cli("summary", "--round", submitted, "--out", pdf).code == 0
    assert bases("ค่ายลูกเสือ") in bases("".join(page_texts(pdf.read_bytes())))
    wrong = cli("summary", "--round", submitted, "--out", tmp_path / "x.xlsx")
    assert wrong.code == 1 and "FILE.docx or FILE.pdf" in wrong.err
    missing = cli("summary", "--round", 999, "--out", docx)
    assert missing.code == 1 and "there is no round 999" in missing.err

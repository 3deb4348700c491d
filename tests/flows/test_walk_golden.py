"""Golden conversations: scripted inputs run through resume(), compared with a transcript.

Each ``golden/*.txt`` file is a script and its expected transcript at once::

    # comment (kept)
    form: sample            # tidtam/samples/form.yaml, or a file name in golden/
    kind: school
    today: 2024-06-01       # optional: the date for dates typed without a year

    > pick s1i1_done yes    # an input
    < save s1i1_done yes    # the events it produced (regenerated)
    < ask s1i1_projects (ข้อ 1.1.2 · 1/18)   # item number · answered/total

Inputs: ``start``, ``review``, ``submit``, ``confirm``, ``cancel``, ``text <rest of
line>``, ``pick Q C``, ``toggle Q C``, ``done Q``, ``skip Q``, ``back Q``, ``edit Q``,
``files Q|- name... [album=G] [problem=CODE [key=value...]]`` (attachment ids are
numbered from 1 by the runner). The runner stores every ``save`` as the adapter
would. The file ends with ``= state ...``, the final state and progress.

To regenerate the ``<`` lines after a deliberate change, run with
``TIDTAM_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from flows.answers import AnswerValue, FileRef
from flows.form import Form
from flows.form_loader import load_form_file
from flows.walk import (
    AllAnswered,
    Ask,
    AskConfirmSubmit,
    Back,
    Cancel,
    ConfirmSubmit,
    Contradicted,
    Done,
    Edit,
    Event,
    Files,
    Input,
    Invalid,
    Missing,
    Paused,
    Pick,
    Review,
    Save,
    ShowReview,
    Skip,
    Stale,
    Start,
    Submit,
    Submitted,
    Text,
    Toggle,
    WalkState,
    progress,
    resume,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = Path(__file__).resolve().parents[2] / "tidtam" / "samples" / "form.yaml"
# read at import: the suite's autouse fixture removes TIDTAM_* variables during tests
UPDATE = os.environ.get("TIDTAM_UPDATE_GOLDEN") == "1"
SCRIPTS = sorted(GOLDEN.glob("*.txt"))


class ScriptError(Exception):
    pass


def _scalar(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        return text


def parse_input(line: str, next_file_id: Iterator[int]) -> Input:
    verb, _, rest = line.partition(" ")
    args = rest.split()
    simple: dict[str, Input] = {
        "start": Start(),
        "review": Review(),
        "submit": Submit(),
        "confirm": ConfirmSubmit(),
        "cancel": Cancel(),
    }
    if verb in simple and not args:
        return simple[verb]
    if verb == "text":
        return Text(rest)
    if verb in ("pick", "toggle") and len(args) == 2:
        return Pick(*args) if verb == "pick" else Toggle(*args)
    one: dict[str, type[Done | Skip | Back | Edit]] = {
        "done": Done,
        "skip": Skip,
        "back": Back,
        "edit": Edit,
    }
    if verb in one and len(args) == 1:
        return one[verb](args[0])
    if verb == "files" and args:
        names = [a for a in args[1:] if "=" not in a]
        options = dict(a.split("=", 1) for a in args[1:] if "=" in a)
        problem = options.pop("problem", None)
        album = options.pop("album", None)
        return Files(
            None if args[0] == "-" else args[0],
            tuple(FileRef(next(next_file_id), name) for name in names),
            album,
            problem,
            {k: _scalar(v) for k, v in options.items()},
        )
    raise ScriptError(f"cannot read input {line!r}")


def show_answer(answer: AnswerValue) -> str:
    if answer.none:
        return "(none)"
    if answer.skipped:
        return "(skipped)"
    value = answer.value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if " " in value or not value else value
    if isinstance(value, tuple):
        parts = [f"{v.attachment_id}:{v.name}" if isinstance(v, FileRef) else v for v in value]
        return (
            "[" + " ".join(parts) + "]"
            if value and isinstance(value[0], FileRef)
            else ",".join(str(p) for p in parts)
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    assert isinstance(value, int | Decimal)
    return str(value)


def show_event(event: Event) -> str:
    match event:
        case Save(qid, answer):
            return f"save {qid} {show_answer(answer)}"
        case Ask(qid, where, current, pending):
            text = f"ask {qid} (ข้อ {where.no} · {where.answered}/{where.total})"
            if current is not None:
                text += f" current={show_answer(current)}"
            if pending:
                text += f" pending={','.join(pending)}"
            return text
        case Invalid(qid, code, params):
            shown = " ".join(f"{k}={v}" for k, v in params.items() if v is not None)
            return f"invalid {qid} {code} {shown}".rstrip()
        case Stale(qid):
            return f"stale {qid or '-'}"
        case ShowReview(sections, missing, done):
            count = sum(len(s.items) for s in sections)
            assert count == done.total
            return f"review {done.answered}/{done.total} missing={','.join(missing) or '-'}"
        case Missing(qids):
            return "missing " + " ".join(qids)
        case Contradicted(items):
            return "contradicted " + " ".join(qid for qid, _ in items)
        case AskConfirmSubmit():
            return "confirm-submit?"
        case Submitted():
            return "submitted"
        case Paused():
            return "paused"
        case AllAnswered():
            return "all-answered"
    raise AssertionError(f"unknown event {event!r}")  # pragma: no cover


def load(name: str) -> Form:
    return load_form_file(SAMPLE if name == "sample" else GOLDEN / name)


def run_script(text: str) -> str:
    """The transcript for a script: its own lines with every ``<`` and ``=`` line redone."""
    out: list[str] = []
    headers: dict[str, str] = {}
    form: Form | None = None
    state = WalkState()
    answers: dict[str, AnswerValue] = {}
    file_ids = iter(range(1, 10_000))
    for line in text.splitlines():
        if line.startswith(("<", "=")):
            continue
        out.append(line)
        if not line.startswith(">"):
            key, sep, value = line.partition(":")
            if sep and not line.startswith("#") and key.strip() in ("form", "kind", "today"):
                headers[key.strip()] = value.split("#")[0].strip()
            continue
        if form is None:
            form = load(headers["form"])
        event = parse_input(line[1:].strip(), file_ids)
        today = dt.date.fromisoformat(headers.get("today", "2024-06-01"))
        state, events = resume(form, headers["kind"], answers, state, event, today=today)
        for e in events:
            out.append("< " + show_event(e))
            if isinstance(e, Save):
                answers[e.question_id] = e.answer
    assert form is not None, "a script needs at least one input"
    done = progress(form, headers["kind"], answers)
    where = f" {state.question_id}" if state.mode == "asking" else ""
    out.append(f"= state {state.mode}{where}, answered {done.answered}/{done.total}")
    return "\n".join(out) + "\n"


def test_there_are_scripts() -> None:
    assert len(SCRIPTS) >= 4


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_golden(path: Path) -> None:
    expected = path.read_text(encoding="utf-8")
    actual = run_script(expected)
    if UPDATE and actual != expected:
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == expected, f"{path.name} differs; TIDTAM_UPDATE_GOLDEN=1 rewrites it"


def test_runner_reads_every_input() -> None:
    ids = iter(range(1, 10))
    assert parse_input("files - a.pdf b.jpg album=G1", ids) == Files(
        None, (FileRef(1, "a.pdf"), FileRef(2, "b.jpg")), "G1", None, {}
    )
    assert parse_input("files q1 problem=too_large size=25 limit=20", ids) == Files(
        "q1", (), None, "too_large", {"size": 25, "limit": 20}
    )
    assert parse_input("text ๑๒๐ คน", ids) == Text("๑๒๐ คน")
    assert parse_input("pick q c", ids) == Pick("q", "c")
    with pytest.raises(ScriptError):
        parse_input("jump q", ids)

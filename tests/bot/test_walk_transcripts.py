"""Golden transcripts: a whole walk as a person reads it, in Thai and in English.

Each ``golden/*.txt`` is a script and its expected transcript at once, like
``tests/flows/golden`` (same inputs, see :func:`tests.flows.test_walk_golden.parse_input`)
but showing what :func:`bot.walk_view.render` sends: every reply's text (HTML tags
taken out), its buttons as ``[text]``, replies separated by ``---``. Headers::

    form: sample        # tidtam/samples/form.yaml
    kind: school
    lang: th            # or en
    today: 2026-11-24   # the day (dates without a year; "far" dates); sent at 10:15

One input more than the engine's: ``return <reason>`` plays a certifier returning
the report: the item numbers named in the reason are flagged (as
``bot.handlers.certify`` does) and the walk opens the first flagged question, as
/report does for a returned report.

Regenerate after a deliberate change with ``TIDTAM_UPDATE_GOLDEN=1`` and read every
changed line as the person would.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

import pytest

from bot.walk_view import View, render
from flows import walk
from flows.answers import AnswerValue
from flows.form_loader import load_form_file
from flows.item_numbers import item_numbers
from tests.flows.test_walk_golden import SAMPLE, parse_input

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("TIDTAM_UPDATE_GOLDEN") == "1"
SCRIPTS = sorted(GOLDEN.glob("*.txt"))
_TAG = re.compile(r"<[^>]+>")


def shown(text: str) -> list[str]:
    return html.unescape(_TAG.sub("", text)).splitlines() or [""]


def run_script(text: str) -> str:
    out: list[str] = []
    headers: dict[str, str] = {}
    state = walk.WalkState()
    answers: dict[str, AnswerValue] = {}
    file_ids = iter(range(1, 10_000))
    form = load_form_file(SAMPLE)
    for line in text.splitlines():
        if line.startswith("<"):
            continue
        out.append(line)
        if not line.startswith(">"):
            key, sep, value = line.partition(":")
            if sep and not line.startswith("#") and key.strip() in ("kind", "lang", "today"):
                headers[key.strip()] = value.split("#")[0].strip()
            continue
        today = dt.date.fromisoformat(headers.get("today", "2026-11-24"))
        lang = headers.get("lang", "th")
        view = View(
            form,
            1,
            "โรงเรียนอนุบาลเพชรบูรณ์",
            "ปีงบประมาณ พ.ศ. 2570" if lang == "th" else "fiscal year 2027",
            lang,
            20,
            now=dt.datetime.combine(today, dt.time(10, 15)),
        )
        command = line[1:].strip()
        if command.startswith("return "):
            reason = command.removeprefix("return ")
            review = walk.resume(form, headers["kind"], answers, state, walk.Review())[1][0]
            assert isinstance(review, walk.ShowReview)
            by_number = {i.number: i.question_id for s in review.sections for i in s.items}
            flagged = [by_number[n] for n in item_numbers(reason) if n in by_number]
            out.append(f"< (returned; flagged: {', '.join(flagged) or '-'})")
            event: walk.Input = walk.Edit(flagged[0]) if flagged else walk.Start()
            state = walk.WalkState()
        else:
            event = parse_input(command, file_ids)
        from_press = not isinstance(
            event, walk.Text | walk.Start | walk.Review | walk.Submit | walk.Cancel | walk.Files
        )
        state, events = walk.resume(form, headers["kind"], answers, state, event, today=today)
        for e in events:
            if isinstance(e, walk.Save):
                answers[e.question_id] = e.answer
        for number, reply in enumerate(render(view, events, from_press=from_press)):
            if number:
                out.append("< ---")
            out += [f"< {row}".rstrip() for row in shown(reply.text)]
            for row in reply.buttons:
                out.append("< " + " ".join(f"[{b.text}]" for b in row))
    return "\n".join(out) + "\n"


def test_there_are_transcripts_in_both_languages() -> None:
    languages = {
        m.group(1) for p in SCRIPTS if (m := re.search(r"^lang: (\w+)", p.read_text(), re.M))
    }
    assert languages == {"th", "en"}


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_transcript(path: Path) -> None:
    expected = path.read_text(encoding="utf-8")
    actual = run_script(expected)
    if UPDATE and actual != expected:
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == expected, f"{path.name} differs; TIDTAM_UPDATE_GOLDEN=1 rewrites it"


def test_an_english_screen_has_no_thai_chrome() -> None:
    """Everything but the form's own words (titles, questions, choices, rules) is English."""
    form = load_form_file(SAMPLE)
    own = set()
    for where in form.questions():
        q = where.question
        own |= {where.section.title, where.indicator.title, q.text}
        own |= {c.label for c in q.choices} | {c.message for c in q.checks}
    own |= {w[:89] + "…" for w in own if len(w) > 90}  # as the review shortens them
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        if "\nlang: en" not in text:
            continue
        for line in text.splitlines():
            if not line.startswith("< ") or line.startswith("< ("):
                continue
            rest = line[2:]
            for words in sorted(own, key=len, reverse=True):
                rest = rest.replace(words, "")
            rest = rest.replace("โรงเรียนอนุบาลเพชรบูรณ์", "")
            assert not re.search("[\u0e00-\u0e7f]", rest), f"{path.name}: Thai chrome in {line!r}"

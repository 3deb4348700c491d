"""What a simulated unit reports on the quarterly project form, two quarters running.

Pure. The project form (``tidtam/samples/projects.yaml``) asks a list of projects,
each with a list of activities (repeat groups). :func:`first_quarter` decides, from a
seed, a unit's projects (one to three), their activities (none to three, for a
project under way or done) and every answer, keyed as the bot stores them
(``projects/i2/activities/i1/act_name``). :func:`second_quarter` starts from the
first quarter as the bot carries it over (``rounds open --prefill-from``) and
changes some of it: projects move on (under way to done, not started to under way,
with their first activities), the money spent grows (now and then by more than the
form's ``change_threshold``, or from nothing), an allocation is raised, a count of
people corrected, problems and the summary written anew; the rest stays as it was.

:func:`expected_tally` counts what the people will do with the carried answers, so
that the demo's printed counts can be checked against the plan.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flows.answers import NONE, SKIPPED, AnswerValue
from flows.form import Form, Question, QuestionType
from tidtam.demo.answers import Intended

__all__ = [
    "Quarter",
    "Tally",
    "expected_tally",
    "first_quarter",
    "moves_much",
    "second_quarter",
]

GROUP = "projects"
ACTIVITIES = "activities"
UNDER_WAY = frozenset({"ongoing", "done"})  # the form asks activities of these

NAMES = (
    "โครงการส่งเสริมการอ่าน",
    "โครงการโรงเรียนปลอดภัย",
    "โครงการอาหารกลางวัน",
    "โครงการพัฒนาครูด้านดิจิทัล",
    "โครงการยกระดับผลสัมฤทธิ์ทางการเรียน",
    "โครงการส่งเสริมอาชีพ",
    "โครงการโรงเรียนคุณธรรม",
    "โครงการนิเทศติดตามการจัดการเรียนรู้",
)
OWNERS = (
    "กลุ่มบริหารวิชาการ",
    "กลุ่มบริหารงบประมาณ",
    "กลุ่มบริหารงานบุคคล",
    "กลุ่มบริหารทั่วไป",
    "กลุ่มส่งเสริมการจัดการศึกษา",
    "กลุ่มนิเทศ ติดตามและประเมินผล",
)
OBJECTIVES = (
    "ให้นักเรียนอ่านออกเขียนได้ตามเกณฑ์",
    "ให้ครูใช้เทคโนโลยีในการจัดการเรียนรู้",
    "ให้นักเรียนมีสุขภาพและภาวะโภชนาการที่ดี",
    "ให้สถานศึกษามีความปลอดภัย",
    "ยกระดับผลการทดสอบระดับชาติ",
)
ACTIVITY_NAMES = (
    "อบรมเชิงปฏิบัติการครู",
    "ค่ายวิชาการ",
    "นิเทศติดตามในชั้นเรียน",
    "ประชุมผู้ปกครอง",
    "แข่งขันทักษะวิชาการ",
    "ศึกษาดูงาน",
)
PLACES = ("ห้องประชุมโรงเรียน", "หอประชุมอำเภอ", "สำนักงานเขตพื้นที่การศึกษา", "ห้องเรียน")
RESULTS = (
    "ผู้เข้าร่วมนำความรู้ไปใช้ได้",
    "บรรลุตามเป้าหมาย",
    "ผู้เข้าร่วมมีความพึงพอใจระดับมาก",
    "ดำเนินการได้ร้อยละ 80 ของเป้าหมาย",
)
PROBLEMS = (
    "งบประมาณโอนล่าช้า",
    "ช่วงเวลาดำเนินการตรงกับภารกิจอื่น",
    "ผู้เข้าร่วมไม่ครบตามเป้าหมาย",
)
SUGGESTIONS = ("ควรโอนงบประมาณภายในไตรมาสแรก", "ควรจัดกิจกรรมต่อเนื่อง")
OVERALL = {
    1: ("ดำเนินการตามแผน", "เริ่มดำเนินการตามแผนแล้ว", "ดำเนินการได้บางส่วน"),
    2: ("ดำเนินการตามแผนต่อเนื่องจากไตรมาสแรก", "เบิกจ่ายได้มากขึ้นจากไตรมาสแรก"),
}


@dataclass(frozen=True)
class Quarter:
    """What a unit reports in one quarter: the answer to each question the bot asks,
    by key (calculated questions left out: the bot computes them), and how many
    items each repeat group lists."""

    answers: Mapping[str, Intended]
    items: Mapping[str, int]

    @property
    def projects(self) -> int:
        return self.items[GROUP]

    @property
    def activities(self) -> int:
        return sum(n for key, n in self.items.items() if key.endswith(f"/{ACTIVITIES}"))


@dataclass
class Tally:
    """What a reporter did in a quarter, counted by kind.

    ``given``: answers given through the bot (a keep, a new value, a skip, an upload;
    the group buttons not counted); ``kept``: carried answers confirmed as they were
    ("✔ ยังเป็นเหมือนเดิม"); ``changed``: carried answers replaced; ``confirmed``:
    changes the bot asked to confirm ("ใช่"); ``fresh``: answers to questions with no
    carried answer; ``closed``: carried lists closed ("เสร็จ ✔"); ``added``: items added.
    """

    given: int = 0
    kept: int = 0
    changed: int = 0
    confirmed: int = 0
    fresh: int = 0
    closed: int = 0
    added: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class _Builder:
    form: Form
    answers: dict[str, Intended] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)

    def give(self, key: str, answer: AnswerValue, *, upload: bool = False) -> None:
        self.answers[key] = Intended(self.form.question(key), answer, upload)

    def value(self, key: str, value: str | int | Decimal | dt.date) -> None:
        self.give(key, AnswerValue(value))

    def text_or_none(self, key: str, rng: random.Random, words: tuple[str, ...]) -> None:
        self.give(key, NONE if rng.random() < 0.4 else AnswerValue(rng.choice(words)))

    def quarter(self) -> Quarter:
        return Quarter(dict(self.answers), dict(self.items))


def _hundreds(amount: float) -> Decimal:
    return Decimal(round(amount / 100) * 100)


def _activity(b: _Builder, key: str, rng: random.Random, today: dt.date) -> None:
    b.value(f"{key}/act_name", rng.choice(ACTIVITY_NAMES))
    b.value(f"{key}/act_date", today - dt.timedelta(days=rng.randint(3, 80)))
    b.value(f"{key}/act_place", rng.choice(PLACES))
    b.value(f"{key}/act_people", rng.randint(10, 300))
    b.value(f"{key}/act_result", rng.choice(RESULTS))
    b.give(f"{key}/act_photo", SKIPPED, upload=rng.random() < 0.3)


def first_quarter(form: Form, seed: int, today: dt.date) -> Quarter:
    """A unit's first quarter (module docstring), the same for the same seed."""
    rng = random.Random(f"projects:{seed}:1")
    b = _Builder(form)
    count = rng.choices((1, 2, 3), (3, 4, 2))[0]
    b.items[GROUP] = count
    for number in range(1, count + 1):
        key = f"{GROUP}/i{number}"
        b.value(f"{key}/name", rng.choice(NAMES))
        b.value(f"{key}/owner", rng.choice(OWNERS))
        b.value(f"{key}/objective", rng.choice(OBJECTIVES))
        status = rng.choices(("not_started", "ongoing", "done", "cancelled"), (2, 6, 2, 0.5))[0]
        b.value(f"{key}/status", status)
        allocated = Decimal(rng.randrange(10, 301) * 1000)
        b.value(f"{key}/allocated", allocated)
        if status == "ongoing":
            spent = _hundreds(float(allocated) * rng.uniform(0.1, 0.6))
        elif status == "done":
            spent = _hundreds(float(allocated) * rng.uniform(0.85, 1.0))
        else:
            spent = Decimal(0)
        b.value(f"{key}/spent", spent)
        if status in UNDER_WAY:
            activities = rng.choices((0, 1, 2, 3), (1, 3, 3, 2))[0]
            b.items[f"{key}/{ACTIVITIES}"] = activities
            for act in range(1, activities + 1):
                _activity(b, f"{key}/{ACTIVITIES}/i{act}", rng, today)
        b.text_or_none(f"{key}/problems", rng, PROBLEMS)
        b.text_or_none(f"{key}/suggestions", rng, SUGGESTIONS)
    b.value("overall", rng.choice(OVERALL[1]))
    b.value("reached", rng.randint(20, 400))  # cumulative: asked anew every quarter
    return b.quarter()


def _spent_later(
    rng: random.Random, old: Decimal, allocated: Decimal, was: str, now: str
) -> Decimal:
    """The money spent by the end of the second quarter (it adds up: never less)."""
    if now not in UNDER_WAY or was == "done":
        return old
    if was not in UNDER_WAY:  # started this quarter: from nothing
        return _hundreds(float(allocated) * rng.uniform(0.1, 0.4))
    if now == "done":
        return max(old, _hundreds(float(allocated) * rng.uniform(0.9, 1.0)))
    roll = rng.random()
    if roll < 0.45:
        return old
    grow = rng.uniform(0.05, 0.35) if roll < 0.8 else rng.uniform(0.6, 1.5)
    return min(allocated, _hundreds(float(old) * (1 + grow)))


def second_quarter(form: Form, first: Quarter, seed: int, today: dt.date) -> Quarter:
    """The unit's second quarter, from its first as carried over (module docstring)."""
    rng = random.Random(f"projects:{seed}:2")
    b = _Builder(form)
    b.items[GROUP] = first.projects
    for key, intended in first.answers.items():  # carried as they were, unless changed
        if intended.question.type is not QuestionType.FILE:
            b.give(key, intended.answer)
    for number in range(1, first.projects + 1):
        key = f"{GROUP}/i{number}"
        was = str(first.answers[f"{key}/status"].answer.value)
        now = was
        if was == "ongoing" and rng.random() < 0.25:
            now = "done"
        elif was == "not_started" and rng.random() < 0.5:
            now = "ongoing"
        b.value(f"{key}/status", now)
        allocated = first.answers[f"{key}/allocated"].answer.value
        assert isinstance(allocated, Decimal)
        if rng.random() < 0.15:
            allocated = Decimal(int(allocated * Decimal(rng.uniform(1.1, 1.3)) / 1000) * 1000)
            b.value(f"{key}/allocated", allocated)
        spent = first.answers[f"{key}/spent"].answer.value
        assert isinstance(spent, Decimal)
        b.value(f"{key}/spent", _spent_later(rng, spent, allocated, was, now))
        if now in UNDER_WAY:
            group = f"{key}/{ACTIVITIES}"
            carried = first.items.get(group, 0)
            for act in range(1, carried + 1):
                act_key = f"{group}/i{act}"
                b.give(f"{act_key}/act_photo", SKIPPED)  # photos are not carried
                if rng.random() < 0.1:
                    people = first.answers[f"{act_key}/act_people"].answer.value
                    assert isinstance(people, int)
                    b.value(f"{act_key}/act_people", people + rng.randint(1, max(1, people // 4)))
            new = rng.choice((1, 1, 2)) if was not in UNDER_WAY else int(rng.random() < 0.3)
            b.items[group] = carried + new
            for act in range(carried + 1, carried + new + 1):
                _activity(b, f"{group}/i{act}", rng, today)
        if rng.random() < 0.2:
            b.value(f"{key}/problems", rng.choice(PROBLEMS))
        if rng.random() < 0.2:
            b.value(f"{key}/suggestions", rng.choice(SUGGESTIONS))
    b.value("overall", rng.choice(OVERALL[2]))
    b.value("reached", rng.randint(20, 400))
    return b.quarter()


def moves_much(form: Form, old: AnswerValue, new: AnswerValue) -> bool:
    """Whether the bot asks to confirm a number that moved from ``old`` to ``new``: by
    more than the form's ``change_threshold`` percent, or at all from 0."""
    threshold = form.change_threshold
    a, b = old.value, new.value
    if threshold is None or not isinstance(a, int | Decimal) or not isinstance(b, int | Decimal):
        return False
    if a == b:
        return False
    if a == 0:
        return True
    return abs(Decimal(b) - Decimal(a)) * 100 / abs(Decimal(a)) > threshold


def _carried(question: Question) -> bool:
    return question.type is not QuestionType.FILE and not question.cumulative


def expected_tally(form: Form, first: Quarter | None, quarter: Quarter) -> Tally:
    """What a reporter who gave ``first`` last quarter (None: no earlier quarter) does
    to report ``quarter``, counted as the reporter counts it."""
    tally = Tally()
    earlier = first.answers if first is not None else {}
    for key, intended in quarter.answers.items():
        tally.given += 1
        before = earlier.get(key)
        if before is None or not _carried(intended.question):
            tally.fresh += 1
        elif before.answer == intended.answer:
            tally.kept += 1
        else:
            tally.changed += 1
            tally.confirmed += moves_much(form, before.answer, intended.answer)
    lists = first.items if first is not None else {}
    for key, count in quarter.items.items():
        tally.added += count - lists.get(key, 0)
        tally.closed += lists.get(key, 0) > 0  # an empty list is not shown as carried
    return tally

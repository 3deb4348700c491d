"""The form model: sections (strategies) of indicators of questions, immutable.

A :class:`Form` is what :func:`flows.form_loader.load_form` builds from a YAML file
and what a round pins. :func:`form_to_dict` / :func:`form_from_dict` turn it into
JSON-ready data and back exactly, for storing a loaded version in the database.

``kinds`` may be set at section, indicator and question level; ``None`` means
"every unit kind". A question is asked of a unit only if every level allows the
unit's kind (:func:`applies_to_kind`).

Item numbers (``no``): every section, indicator and question has one, printed on
documents and shown to people, so it must not move when answers change. The rule
(:func:`number_form`): a number given in the form file is used as is; otherwise a
section is numbered by its 1-based position ("2"), an indicator by its section's
number and its position ("2.1"), a question by its indicator's number and its
position ("2.1.3"). So a given indicator number also prefixes its questions'
numbers. Numbers depend only on the form, never on the answers or the unit's kind.
A repeat group's own questions are numbered under the group ("3.1.4.1"); which item
of the group an answer belongs to is said beside the number ("กิจกรรมที่ 2").

Repeat groups (``type: repeat``): a question whose answer is a list of items, each
item answering the group's own ``questions`` (which may hold another group). An
item has a stable id (``i1``, ``i2``, ... never reused within a submission), and
each of its answers is stored under a *key*, the path to it::

    activities/i2/act_date            projects/i1/activities/i3/photo

A top-level question's key is its id. :meth:`Form.question`, :meth:`Form.place`
and ``in`` accept keys: a key inside an item resolves to the group's question with
the key as its id and its ``when``, ``check`` and ``calc`` reading the item's own
fields by their keys (a field of the item is named by its short id in the file).
:meth:`Form.ref` / :meth:`Form.key_of` turn a key into the short ASCII reference
that buttons carry and back.

English (``text_en``, ``help_en``, ``item_en``, ``label_en``, ``title_en``): the form's
language is Thai; each word people read may also be given in English, in an
optional field beside the Thai one (``None``: not given). A person whose language is
English reads the English where there is some and the Thai elsewhere
(:func:`in_language`). Fields beside the Thai ones, rather than one mapping of
languages, because English is the only other language the bot speaks, a missing
translation falls back one field at a time, and a form without English stores and
compares exactly as before.

Budget (``budget``): a question may say what it is in the budget report
(:mod:`reports.budget`): a number question ``allocated`` (งบประมาณที่ได้รับจัดสรร) or
``spent`` (เบิกจ่ายแล้ว, to the end of the period), a choice question ``status``
(whose choice ids are among :data:`PROJECT_STATES`), a text question ``project``
(the project's name). They sit together: all outside repeat groups (the unit is one
project) or all in the same group (one project per item); the loader checks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from flows.calc import CalcExpr, parse_calc
from flows.calc import rename as rename_calc
from flows.when import Expr, parse_when, references, rename, to_source

__all__ = [
    "ITEM_ID",
    "PROJECT_STATES",
    "Budget",
    "Check",
    "Choice",
    "Form",
    "Indicator",
    "Question",
    "QuestionPlace",
    "QuestionType",
    "Section",
    "applies_to_kind",
    "form_from_dict",
    "form_to_dict",
    "in_language",
    "item_key",
    "item_number",
    "number_form",
]

DICT_FORMAT = 1
"""Version of the :func:`form_to_dict` layout, stored under ``"format"``."""


class QuestionType(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    FILE = "file"
    REPEAT = "repeat"


class Budget(StrEnum):
    """What a question is in the budget report (``budget:`` in the form file)."""

    ALLOCATED = "allocated"  # a number: the budget allocated to the project
    SPENT = "spent"  # a number: what was disbursed to the end of the period
    STATUS = "status"  # a choice whose ids are among PROJECT_STATES
    PROJECT = "project"  # a text: the project's name


#: A project's states, in order; a ``budget: status`` question's choice ids are among them.
PROJECT_STATES: Final = ("not_started", "ongoing", "done", "cancelled")


#: An item's id in its group: ``i`` and a number from 1, never reused in a submission.
ITEM_ID: Final = re.compile(r"i[1-9][0-9]{0,5}")
#: Longest answer key (the database column holds 255 characters); see the loader.
MAX_KEY_LENGTH: Final = 255
#: How deep repeat groups nest: a group of items may hold one more group, no deeper.
MAX_GROUP_DEPTH: Final = 2
#: The most items a group may have, whatever its ``max`` (buttons and messages stay small).
MAX_ITEMS: Final = 200


def item_key(group_key: str, item_id: str, question_id: str) -> str:
    """The key of a question of an item: ``activities/i2/act_date``."""
    return f"{group_key}/{item_id}/{question_id}"


def item_number(item_id: str) -> int:
    """The number in an item id (``i12`` -> 12)."""
    return int(item_id[1:])


CHOICE_TYPES = frozenset({QuestionType.CHOICE, QuestionType.MULTI})
NUMBER_TYPES = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL})


def _allows(kinds: frozenset[str] | None, kind: str) -> bool:
    return kinds is None or kind in kinds


@dataclass(frozen=True, slots=True)
class Choice:
    """A choice; an ``exclusive`` one of a multi (``ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน``)
    is never selected together with another."""

    id: str
    label: str
    exclusive: bool = False
    label_en: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """A rule an answer must keep (``check:`` in the form file): ``rule`` is a ``when``
    expression over the question's own and earlier answers (a bare question id on
    the right stands for that question's answer: ``spent <= allocated``);
    ``message`` says what is wrong, in the form's language."""

    rule: Expr
    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question. ``when_text`` keeps the ``when`` source as written in the file."""

    id: str
    type: QuestionType
    text: str
    required: bool = True
    choices: tuple[Choice, ...] = ()
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    accept: tuple[str, ...] = ()  # file extensions, lowercase, no dot; empty: any
    kinds: frozenset[str] | None = None
    when: Expr | None = None
    help: str | None = None
    when_text: str | None = None
    no: str = ""  # item number; "" until the form numbers it (see number_form)
    checks: tuple[Check, ...] = ()
    calc: CalcExpr | None = None  # computed from earlier answers, never asked
    calc_text: str | None = None  # the ``calc`` source as written in the file
    target: Decimal | None = None  # ค่าเป้าหมาย for the whole province (a number question)
    questions: tuple[Question, ...] = ()  # a repeat group's own questions, asked per item
    item: str = ""  # a repeat group's word for one item ("กิจกรรม"), shown "กิจกรรมที่ 2"
    text_en: str | None = None  # the text, help and item word in English, where given
    help_en: str | None = None
    item_en: str | None = None
    cumulative: bool = False  # a number for the period alone: quarters add up to the year
    budget: Budget | None = None  # what the question is in the budget report, if anything

    @property
    def repeat(self) -> bool:
        """Whether this is a repeat group (answered by a list of items)."""
        return self.type is QuestionType.REPEAT

    @property
    def computed(self) -> bool:
        """Whether the question's value follows from others (``calc``): never asked."""
        return self.calc is not None

    def choice(self, choice_id: str) -> Choice:
        """The choice with this id; ``KeyError`` if there is none."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    def applies_to(self, kind: str) -> bool:
        """Whether the question's own ``kinds`` allow ``kind`` (parents not considered)."""
        return _allows(self.kinds, kind)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    title: str
    kinds: frozenset[str] | None
    questions: tuple[Question, ...]
    no: str = ""
    title_en: str | None = None

    def applies_to(self, kind: str) -> bool:
        return _allows(self.kinds, kind)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    kinds: frozenset[str] | None
    indicators: tuple[Indicator, ...]
    no: str = ""
    title_en: str | None = None

    def applies_to(self, kind: str) -> bool:
        return _allows(self.kinds, kind)


@dataclass(frozen=True, slots=True)
class QuestionPlace:
    """A question with the section and indicator it belongs to, and its position.

    For a question of a repeat group's item, ``question`` carries the item key as
    its id, ``index`` is the top-level group's and ``within`` names each enclosing
    group (its key and the item's id), outermost first."""

    section: Section
    indicator: Indicator
    question: Question
    index: int  # 0-based, in form order (of the top-level question)
    within: tuple[tuple[str, str], ...] = ()

    def applies_to(self, kind: str) -> bool:
        """Whether section, indicator and question all allow ``kind``."""
        return (
            self.section.applies_to(kind)
            and self.indicator.applies_to(kind)
            and self.question.applies_to(kind)
        )

    @property
    def kinds(self) -> frozenset[str] | None:
        """The kinds allowed by all three levels (``None``: every kind)."""
        result: frozenset[str] | None = None
        for kinds in (self.section.kinds, self.indicator.kinds, self.question.kinds):
            if kinds is not None:
                result = kinds if result is None else result & kinds
        return result


@dataclass(frozen=True, slots=True)
class Form:
    code: str
    version: int | None
    title: str
    sections: tuple[Section, ...]
    title_en: str | None = None
    #: A number that moves by more than this percent from the unit's answer of the
    #: earlier round it was prefilled from is asked to be confirmed (None: never).
    change_threshold: Decimal | None = None
    _places: dict[str, QuestionPlace] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _order: tuple[QuestionPlace, ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
    _by_kind: dict[str, tuple[QuestionPlace, ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _keyed: dict[str, QuestionPlace | None] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _item_lists: dict[str, tuple[QuestionPlace, ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _when_reads: frozenset[str] = field(
        init=False, repr=False, compare=False, hash=False, default=frozenset()
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", number_form(self.sections))
        places = {
            question.id: QuestionPlace(section, indicator, question, index)
            for index, (section, indicator, question) in enumerate(
                (s, i, q) for s in self.sections for i in s.indicators for q in i.questions
            )
        }
        object.__setattr__(self, "_places", places)
        object.__setattr__(self, "_order", tuple(places.values()))
        reads: set[str] = set()
        for question in _all_questions(tuple(p.question for p in self._order)):
            if question.when is not None:
                reads |= references(question.when)
        object.__setattr__(self, "_when_reads", frozenset(reads))

    def questions(self) -> Iterator[QuestionPlace]:
        """Every question in form order, with its section and indicator."""
        return iter(self._order)

    def questions_for(self, kind: str) -> tuple[QuestionPlace, ...]:
        """The questions whose section, indicator and question allow ``kind``, in form order.

        Computed once per kind (the walk asks for them on every step).
        """
        places = self._by_kind.get(kind)
        if places is None:
            places = self._by_kind[kind] = tuple(p for p in self._order if p.applies_to(kind))
        return places

    def place_at(self, index: int) -> QuestionPlace:
        """The question at 0-based ``index`` in form order; ``IndexError`` if none."""
        if index < 0:
            raise IndexError(index)
        return self._order[index]

    def place(self, question_id: str) -> QuestionPlace:
        """Where a question (or an item's question, by key) is; ``KeyError`` if nowhere."""
        found = self._places.get(question_id)
        if found is None:
            found = self._item_place(question_id)
            if found is None:
                raise KeyError(question_id)
        return found

    def question(self, question_id: str) -> Question:
        """The question with this id (or key); ``KeyError`` if the form has no such question."""
        return self.place(question_id).question

    def __contains__(self, question_id: object) -> bool:
        if not isinstance(question_id, str):
            return False
        return question_id in self._places or self._item_place(question_id) is not None

    def item_places(self, group: QuestionPlace, item_id: str) -> tuple[QuestionPlace, ...]:
        """The places of the questions of one item of the repeat group at ``group``."""
        prefix = f"{group.question.id}/{item_id}/"
        cached = self._item_lists.get(prefix)
        if cached is None:
            found = (self._item_place(prefix + q.id) for q in self._template(group).questions)
            cached = tuple(p for p in found if p is not None)
            if len(self._item_lists) < 4096:  # as _keyed: item ids repeat across units
                self._item_lists[prefix] = cached
        return cached

    @property
    def when_reads(self) -> frozenset[str]:
        """The ids of the questions some ``when`` reads (which questions are asked depends
        on their answers, and only on theirs and on groups' lists)."""
        return self._when_reads

    def _template(self, place: QuestionPlace) -> Question:
        """The group as written in the form (an item's group carries its key as id)."""
        if not place.within:
            return place.question
        template = self._places[place.question.id.split("/", 1)[0]].question
        for segment in place.question.id.split("/")[2::2]:
            template = next(q for q in template.questions if q.id == segment)
        return template

    def _item_place(self, key: str) -> QuestionPlace | None:
        """The place of an item's question by key, built once (``None``: no such key)."""
        if key in self._keyed:
            return self._keyed[key]
        found = None if "/" not in key else self._resolve(key)
        if len(self._keyed) < 4096:  # keys repeat across units: i1..i9 of each group
            self._keyed[key] = found
        return found

    def _resolve(self, key: str) -> QuestionPlace | None:
        parts = key.split("/")
        if len(parts) % 2 == 0:
            return None
        top = self._places.get(parts[0])
        if top is None or not top.question.repeat:
            return None
        group, prefix = top.question, parts[0]
        names: dict[str, str] = {}
        within: list[tuple[str, str]] = []
        question = group
        for item_id, question_id in zip(parts[1::2], parts[2::2], strict=True):
            if not group.repeat or not ITEM_ID.fullmatch(item_id):
                return None
            inner = next((q for q in group.questions if q.id == question_id), None)
            if inner is None:
                return None
            question = inner
            within.append((prefix, item_id))
            item_prefix = f"{prefix}/{item_id}/"
            names = {**names, **{q.id: item_prefix + q.id for q in group.questions}}
            prefix, group = item_prefix + question_id, question
        keyed = replace(
            question,
            id=key,
            when=None if question.when is None else rename(question.when, names),
            checks=tuple(replace(c, rule=rename(c.rule, names)) for c in question.checks),
            calc=None if question.calc is None else rename_calc(question.calc, names),
        )
        return replace(top, question=keyed, within=tuple(within))

    def ref(self, key: str) -> str:
        """The short ASCII reference of a question's key for buttons: ``12``, ``12-2-0``.

        A top-level question is its index in form order; an item's question adds,
        per enclosing group, the item's number and the question's position in it."""
        place = self.place(key)
        parts = [str(place.index)]
        template = self._places[key.split("/", 1)[0]].question
        segments = key.split("/")[1:]
        for item_id, question_id in zip(segments[0::2], segments[1::2], strict=True):
            position = next(i for i, q in enumerate(template.questions) if q.id == question_id)
            parts += [str(item_number(item_id)), str(position)]
            template = template.questions[position]
        return "-".join(parts)

    def key_of(self, ref: str) -> str:
        """The key a :meth:`ref` stands for; ``KeyError`` if it stands for nothing."""
        try:
            numbers = [int(part) for part in ref.split("-")]
            template = self.place_at(numbers[0]).question
        except (ValueError, IndexError):
            raise KeyError(ref) from None
        key = template.id
        if len(numbers) % 2 == 0:
            raise KeyError(ref)
        for number, position in zip(numbers[1::2], numbers[2::2], strict=True):
            if not template.repeat or not 0 <= position < len(template.questions) or number < 1:
                raise KeyError(ref)
            template = template.questions[position]
            key = item_key(key, f"i{number}", template.id)
        if key not in self:
            raise KeyError(ref)
        return key

    def __len__(self) -> int:
        return len(self._places)


def number_form(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """``sections`` with every missing ``no`` filled in by the rule in the module docstring."""
    numbered: list[Section] = []
    for s_index, section in enumerate(sections, start=1):
        s_no = section.no or str(s_index)
        indicators: list[Indicator] = []
        for i_index, indicator in enumerate(section.indicators, start=1):
            i_no = indicator.no or f"{s_no}.{i_index}"
            questions = _number_questions(indicator.questions, i_no)
            indicators.append(replace(indicator, no=i_no, questions=questions))
        numbered.append(replace(section, no=s_no, indicators=tuple(indicators)))
    return tuple(numbered)


def _number_questions(questions: tuple[Question, ...], prefix: str) -> tuple[Question, ...]:
    """Questions numbered under ``prefix`` by position, a group's own under the group."""
    numbered: list[Question] = []
    for index, q in enumerate(questions, start=1):
        no = q.no or f"{prefix}.{index}"
        inner = _number_questions(q.questions, no) if q.questions else ()
        numbered.append(replace(q, no=no, questions=inner))
    return tuple(numbered)


def _unnumbered(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    return tuple(replace(q, no="", questions=_unnumbered(q.questions)) for q in questions)


def _all_questions(questions: tuple[Question, ...]) -> Iterator[Question]:
    for q in questions:
        yield q
        yield from _all_questions(q.questions)


def default_numbers(form: Form) -> dict[str, str]:
    """The numbers the structure alone would give, by id (to store only given ones)."""
    bare = number_form(
        tuple(
            replace(
                s,
                no="",
                indicators=tuple(
                    replace(i, no="", questions=_unnumbered(i.questions)) for i in s.indicators
                ),
            )
            for s in form.sections
        )
    )
    numbers: dict[str, str] = {}
    for s in bare:
        numbers[s.id] = s.no
        for i in s.indicators:
            numbers[i.id] = i.no
            for q in _all_questions(i.questions):
                numbers[q.id] = q.no
    return numbers


def applies_to_kind(form: Form, question_id: str, kind: str) -> bool:
    """Whether a unit of ``kind`` is asked the question (section, indicator, question all allow)."""
    return form.place(question_id).applies_to(kind)


def in_language(thai: str, english: str | None, language: str) -> str:
    """The words for a reader of ``language``: the English where it is given and the
    reader reads English, else the Thai (the form's own language)."""
    return english if english is not None and language == "en" else thai


# ------------------------------------------------------------------ dict form


def _kinds_out(kinds: frozenset[str] | None) -> dict[str, Any]:
    return {} if kinds is None else {"kinds": sorted(kinds)}


def _number_out(value: int | Decimal) -> int | str:
    return value if isinstance(value, int) else str(value)


def _no_out(no: str, default: str) -> dict[str, Any]:
    return {} if no == default else {"no": no}


def _en_out(key: str, value: str | None) -> dict[str, Any]:
    """An English field, only where given (a form without English stores as before)."""
    return {} if value is None else {key: value}


def _question_to_dict(q: Question, defaults: Mapping[str, str]) -> dict[str, Any]:
    default_no = defaults[q.id]
    out: dict[str, Any] = {"id": q.id, **_no_out(q.no, default_no)}
    out |= {"type": q.type.value, "text": q.text, **_en_out("text_en", q.text_en)}
    if not q.required:
        out["required"] = False
    if q.choices:
        out["choices"] = [
            {
                "id": c.id,
                "label": c.label,
                **_en_out("label_en", c.label_en),
                **({"exclusive": True} if c.exclusive else {}),
            }
            for c in q.choices
        ]
    if q.min is not None:
        out["min"] = _number_out(q.min)
    if q.max is not None:
        out["max"] = _number_out(q.max)
    if q.accept:
        out["accept"] = list(q.accept)
    out |= _kinds_out(q.kinds)
    if q.when is not None:
        out["when"] = q.when_text if q.when_text is not None else to_source(q.when)
    if q.help is not None:
        out["help"] = q.help
    out |= _en_out("help_en", q.help_en)
    if q.checks:
        out["check"] = [{"rule": c.source, "message": c.message} for c in q.checks]
    if q.calc_text is not None:
        out["calc"] = q.calc_text
    if q.target is not None:
        out["target"] = str(q.target)
    if q.cumulative:
        out["cumulative"] = True
    if q.budget is not None:
        out["budget"] = q.budget.value
    if q.item:
        out["item"] = q.item
    out |= _en_out("item_en", q.item_en)
    if q.questions:
        out["questions"] = [_question_to_dict(inner, defaults) for inner in q.questions]
    return out


def form_to_dict(form: Form) -> dict[str, Any]:
    """JSON-ready data for ``form`` (numbers that are Decimals become strings).

    Item numbers are written only where the form file gave them (the others follow
    from the structure, and old stored forms have none).
    """
    defaults = default_numbers(form)
    return {
        "format": DICT_FORMAT,
        "form": form.code,
        "version": form.version,
        "title": form.title,
        **_en_out("title_en", form.title_en),
        **(
            {}
            if form.change_threshold is None
            else {"change_threshold": str(form.change_threshold)}
        ),
        "sections": [
            {
                "id": s.id,
                **_no_out(s.no, defaults[s.id]),
                "title": s.title,
                **_en_out("title_en", s.title_en),
                **_kinds_out(s.kinds),
                "indicators": [
                    {
                        "id": i.id,
                        **_no_out(i.no, defaults[i.id]),
                        "title": i.title,
                        **_en_out("title_en", i.title_en),
                        **_kinds_out(i.kinds),
                        "questions": [_question_to_dict(q, defaults) for q in i.questions],
                    }
                    for i in s.indicators
                ],
            }
            for s in form.sections
        ],
    }


def _kinds_in(d: Mapping[str, Any]) -> frozenset[str] | None:
    kinds = d.get("kinds")
    return None if kinds is None else frozenset(kinds)


def _number_in(value: int | str | None) -> int | Decimal | None:
    if value is None or isinstance(value, int):
        return value
    return Decimal(value)


def _question_from_dict(d: Mapping[str, Any]) -> Question:
    when_text: str | None = d.get("when")
    return Question(
        id=d["id"],
        type=QuestionType(d["type"]),
        text=d["text"],
        required=d.get("required", True),
        choices=tuple(
            Choice(c["id"], c["label"], c.get("exclusive", False), c.get("label_en"))
            for c in d.get("choices", ())
        ),
        min=_number_in(d.get("min")),
        max=_number_in(d.get("max")),
        accept=tuple(d.get("accept", ())),
        kinds=_kinds_in(d),
        when=None if when_text is None else parse_when(when_text),
        help=d.get("help"),
        when_text=when_text,
        no=d.get("no", ""),
        checks=tuple(
            Check(parse_when(c["rule"]), c["rule"], c["message"]) for c in d.get("check", ())
        ),
        calc=None if d.get("calc") is None else parse_calc(d["calc"]),
        calc_text=d.get("calc"),
        target=None if d.get("target") is None else Decimal(d["target"]),
        questions=tuple(_question_from_dict(inner) for inner in d.get("questions", ())),
        item=d.get("item", ""),
        text_en=d.get("text_en"),
        help_en=d.get("help_en"),
        item_en=d.get("item_en"),
        cumulative=d.get("cumulative", False),
        budget=None if d.get("budget") is None else Budget(d["budget"]),
    )


def form_from_dict(d: Mapping[str, Any]) -> Form:
    """The inverse of :func:`form_to_dict`: ``form_from_dict(form_to_dict(f)) == f``."""
    if d.get("format", DICT_FORMAT) != DICT_FORMAT:
        raise ValueError(f"unknown form dict format {d.get('format')!r}")
    return Form(
        code=d["form"],
        version=d.get("version"),
        title=d["title"],
        change_threshold=None
        if d.get("change_threshold") is None
        else Decimal(d["change_threshold"]),
        sections=tuple(
            Section(
                id=s["id"],
                title=s["title"],
                kinds=_kinds_in(s),
                indicators=tuple(
                    Indicator(
                        id=i["id"],
                        title=i["title"],
                        kinds=_kinds_in(i),
                        questions=tuple(_question_from_dict(q) for q in i["questions"]),
                        no=i.get("no", ""),
                        title_en=i.get("title_en"),
                    )
                    for i in s["indicators"]
                ),
                no=s.get("no", ""),
                title_en=s.get("title_en"),
            )
            for s in d["sections"]
        ),
        title_en=d.get("title_en"),
    )

"""The walk through a form: which questions a unit is asked, and the conversation.

Pure functions over ``(form, kind, answers)`` where ``answers`` maps question ids
to :class:`~flows.answers.AnswerValue` (every stored answer, relevant or not):

* :func:`applicable`: the questions a unit of ``kind`` is asked, in form order.
  A question is applicable when section, indicator and question all allow the
  kind and its ``when`` holds, evaluated **only** over the answers to earlier
  applicable questions: the old answer of a question that is no longer asked is
  ignored (DESIGN §4).
* :func:`relevant_answers`, :func:`first_unanswered`, :func:`missing_required`,
  :func:`progress`, :func:`place`.
* :func:`interpret_text` reads what was typed for a question;
  :func:`check_file` checks an uploaded file against a question.

The conversation, in the style of RapidPro's goflow, is one pure step::

    resume(form, kind, answers, state, input) -> (state, events)

The adapter loads the :class:`WalkState` (stored as :meth:`WalkState.to_dict`)
and the answers, calls :func:`resume` with one input, stores every
:class:`Save` it gets (in order), stores the new state and renders the other
events. :func:`resume` never raises for any input in any state.

Rules of the conversation:

* After a :class:`Save` the next question is computed with the answer applied, so
  a changed answer brings newly relevant questions up. Walking forward, the next
  question is the first unanswered applicable one after the answered question
  (then from the start); when none is left, :class:`AllAnswered` and
  :class:`ShowReview` (mode ``review``). An optional question counts as answered
  once skipped.
* Editing from the review (:class:`Edit`): after the answer, the unanswered
  applicable questions that depend (through ``when``, transitively) on the edited
  one are asked, then the review is shown again.
* An input that names a question (:class:`Pick`, :class:`Toggle`, :class:`Done`,
  :class:`Skip`, :class:`Back`, :class:`Files`) that is not the question being
  asked gets :class:`Stale` and the current view again (the question, the review,
  the submit confirmation, or :class:`Paused`), and changes nothing.
  :class:`Edit` works at any time for an applicable question.
* If the question being asked is no longer applicable (another member changed an
  earlier answer), the walk moves to the first unanswered question and the input,
  meant for the old question, is answered with :class:`Stale`.
* Albums: a :class:`Files` input whose ``album`` equals the state's ``album``
  adds its files to the answer of the question that accepted the album's first
  part, with a :class:`Save` of all the files and no new question.
* Typed text: ``ไม่มี`` / ``-`` (see :func:`flows.values.is_none_text`) answers a
  text question with "none"; to an optional question of any other type it means
  skip (the same as the skip button); to a choice question it picks the one
  choice whose label means "none" (``ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน``), if there is
  exactly one.

Problem codes (:class:`Invalid` ``code``; :class:`Rejected` ``code``): those of
:class:`flows.values.ValueProblem` (``empty``, ``not_a_number``,
``not_an_integer``, ``below_min``, ``above_max``, ``not_a_date``,
``impossible_date``) and ``too_long`` (``max``), ``choose_button`` (``count``),
``use_buttons``, ``send_file``, ``send_text``, ``required`` (skip of a required
question), ``choose_at_least_one``, ``wrong_type`` (``ext``, ``accept``),
``too_large`` (``size``, ``limit`` in MB), ``empty_file``. :func:`problem_message`
renders them in Thai or English.

Errors (subclasses of :class:`flows.errors.FlowsError`)::

    FlowsError
    └── WalkError              base of the walk's errors
        ├── Rejected           typed text or a file is not a valid answer
        │                      (``code``, ``params``; raised by interpret_text,
        │                      returned by check_file)
        ├── UnknownQuestion    place(): the form has no such question
        └── NotApplicable      place(): the question is not asked of this unit
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any, Final, Literal, get_args

from flows.answers import NONE, SKIPPED, AnswerValue, FileRef, when_value
from flows.errors import FlowsError
from flows.form import Form, Question, QuestionPlace, QuestionType
from flows.values import MESSAGES as VALUE_MESSAGES
from flows.values import (
    ValueProblem,
    is_none_text,
    parse_date,
    parse_decimal,
    parse_integer,
    thai_to_arabic_digits,
)
from flows.when import And, Compare, Expr, Member, Not, Or, evaluate, references

__all__ = [
    "MAX_TEXT_LENGTH",
    "MESSAGES",
    "AllAnswered",
    "Ask",
    "AskConfirmSubmit",
    "Back",
    "Cancel",
    "ConfirmSubmit",
    "Done",
    "Edit",
    "Event",
    "Files",
    "Input",
    "Invalid",
    "Missing",
    "Mode",
    "NotApplicable",
    "Paused",
    "Pick",
    "Place",
    "Progress",
    "Rejected",
    "Review",
    "ReviewItem",
    "ReviewSection",
    "Save",
    "ShowReview",
    "Skip",
    "Stale",
    "Start",
    "Submit",
    "Submitted",
    "Text",
    "Toggle",
    "UnknownQuestion",
    "WalkError",
    "WalkState",
    "applicable",
    "check_file",
    "dependents",
    "first_unanswered",
    "interpret_text",
    "missing_required",
    "place",
    "problem_message",
    "progress",
    "relevant_answers",
    "resume",
]

Answers = Mapping[str, AnswerValue]
MAX_TEXT_LENGTH: Final = 4000

# ======================================================================= errors


class WalkError(FlowsError):
    """Base class of the walk's errors."""


class Rejected(WalkError):
    """What was sent is not a valid answer: ``code`` (see the module docstring), ``params``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params: dict[str, object] = params

    def message(self, lang: str = "th") -> str:
        return problem_message(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.message("th")


class UnknownQuestion(WalkError):
    """The form has no question with this id."""


class NotApplicable(WalkError):
    """The question exists but is not asked of this unit with these answers."""


# ===================================================================== messages

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "th": {
        "too_long": "คำตอบยาวเกินไป (ไม่เกิน {max} ตัวอักษร)",
        "choose_button": "กรุณากดปุ่มเพื่อเลือกคำตอบ หรือพิมพ์หมายเลข 1-{count}",
        "use_buttons": "กรุณากดปุ่มเพื่อเลือก แล้วกด ยืนยัน",
        "send_file": "กรุณาส่งไฟล์เอกสารหรือรูปภาพ",
        "send_text": "กรุณาพิมพ์คำตอบเป็นข้อความ",
        "required": "ข้อนี้ต้องตอบ ข้ามไม่ได้",
        "choose_at_least_one": "กรุณาเลือกอย่างน้อย 1 ข้อ แล้วกด ยืนยัน",
        "wrong_type": "ไม่รับไฟล์ชนิดนี้ กรุณาส่งไฟล์ {accept}",
        "too_large": "ไฟล์มีขนาด {size} MB เกินกำหนด {limit} MB",
        "empty_file": "ไฟล์ว่างเปล่า กรุณาส่งใหม่",
    },
    "en": {
        "too_long": "The answer is too long (at most {max} characters).",
        "choose_button": "Please press a button, or type a number 1-{count}.",
        "use_buttons": "Please press the buttons to choose, then Done.",
        "send_file": "Please send a document or a photo.",
        "send_text": "Please type the answer as text.",
        "required": "This question must be answered; it cannot be skipped.",
        "choose_at_least_one": "Please choose at least one, then press Done.",
        "wrong_type": "This type of file is not accepted; please send {accept}.",
        "too_large": "The file is {size} MB, more than the limit of {limit} MB.",
        "empty_file": "The file is empty; please send it again.",
    },
}


class _Shown(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def problem_message(code: str, params: Mapping[str, object], lang: str = "th") -> str:
    """The message for a problem code, Thai or English, with its params filled in."""
    if lang not in MESSAGES:
        lang = "th"
    if code in get_args(_VALUE_CODES):
        return ValueProblem(code, **params).message(lang)  # type: ignore[arg-type]
    template = MESSAGES[lang].get(code, VALUE_MESSAGES[lang][""])
    shown = _Shown(
        {k: f"{v:,}" if isinstance(v, int | Decimal) else str(v) for k, v in params.items()}
    )
    return template.format_map(shown)


_VALUE_CODES = Literal[
    "empty",
    "not_a_number",
    "not_an_integer",
    "below_min",
    "above_max",
    "not_a_date",
    "impossible_date",
]

# ================================================================ pure queries


def _applicable(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    result: list[QuestionPlace] = []
    seen: dict[str, object] = {}
    for where in form.questions_for(kind):
        question = where.question
        if question.when is not None and not evaluate(question.when, seen):
            continue
        result.append(where)
        answer = answers.get(question.id)
        if answer is not None:
            seen[question.id] = when_value(answer)
    return result


def applicable(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    """The questions a unit of ``kind`` is asked given ``answers``, in form order."""
    return _applicable(form, kind, answers)


def relevant_answers(form: Form, kind: str, answers: Answers) -> dict[str, AnswerValue]:
    """The answers that count (review, submit, export): those of applicable questions."""
    return {
        p.question.id: answers[p.question.id]
        for p in _applicable(form, kind, answers)
        if p.question.id in answers
    }


def first_unanswered(form: Form, kind: str, answers: Answers) -> QuestionPlace | None:
    """The first applicable question without an answer (skipped counts as answered)."""
    return next((p for p in _applicable(form, kind, answers) if p.question.id not in answers), None)


def missing_required(form: Form, kind: str, answers: Answers) -> list[QuestionPlace]:
    """The required applicable questions without an answer; optional ones are never missing."""
    return [
        p
        for p in _applicable(form, kind, answers)
        if p.question.required and p.question.id not in answers
    ]


@dataclass(frozen=True, slots=True)
class Progress:
    """``answered`` of ``total`` applicable questions; required ones missing, by section id
    (sections with nothing missing are left out)."""

    answered: int
    total: int
    missing_by_section: dict[str, int]


def progress(form: Form, kind: str, answers: Answers) -> Progress:
    """How far the unit is: answered / total applicable, missing required by section."""
    places = _applicable(form, kind, answers)
    missing: dict[str, int] = {}
    for p in places:
        if p.question.required and p.question.id not in answers:
            missing[p.section.id] = missing.get(p.section.id, 0) + 1
    answered = sum(1 for p in places if p.question.id in answers)
    return Progress(answered, len(places), missing)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a question is, for "ยุทธศาสตร์ 2 · ข้อ 5/23".

    ``section_number`` is the section's 1-based position in the form (the
    strategy's number in the plan); ``number`` the question's 1-based position
    among the applicable questions. ``total`` is the number of questions that
    are applicable or may still become so (their ``when`` depends on questions
    not answered yet): it only shrinks as answers rule questions out, and equals
    the applicable count once everything is answered. (:class:`Progress` counts
    the applicable questions only.)
    """

    section_number: int
    section_title: str
    number: int
    total: int


def _kleene(expr: Expr, seen: Mapping[str, object], unknown: set[str]) -> bool | None:
    """``evaluate`` in three-valued logic: ``None`` when unknown answers decide."""
    match expr:
        case Compare(question=question) | Member(question=question):
            return None if question in unknown else evaluate(expr, seen)
        case Not(operand):
            inner = _kleene(operand, seen, unknown)
            return None if inner is None else not inner
        case And(left, right):
            both = (_kleene(left, seen, unknown), _kleene(right, seen, unknown))
            return False if False in both else None if None in both else True
        case Or(left, right):
            both = (_kleene(left, seen, unknown), _kleene(right, seen, unknown))
            return True if True in both else None if None in both else False
    return None  # pragma: no cover - unreachable for well-typed input


def _possible_count(form: Form, kind: str, answers: Answers) -> int:
    """How many questions are applicable or may become so as the rest is answered."""
    count = 0
    seen: dict[str, object] = {}
    unknown: set[str] = set()
    for where in form.questions_for(kind):
        question = where.question
        verdict = True if question.when is None else _kleene(question.when, seen, unknown)
        if verdict is False:
            continue
        count += 1
        answer = answers.get(question.id)
        if verdict is None or answer is None:
            unknown.add(question.id)
        else:
            seen[question.id] = when_value(answer)
    return count


def _place_in(form: Form, places: list[QuestionPlace], question_id: str, total: int) -> Place:
    if question_id not in form:
        raise UnknownQuestion(question_id)
    for number, where in enumerate(places, start=1):
        if where.question.id == question_id:
            section_number = next(
                i for i, s in enumerate(form.sections, start=1) if s.id == where.section.id
            )
            return Place(section_number, where.section.title, number, max(total, len(places)))
    raise NotApplicable(question_id)


def place(form: Form, kind: str, answers: Answers, question_id: str) -> Place:
    """The place of an applicable question; :class:`UnknownQuestion` or :class:`NotApplicable`."""
    places = _applicable(form, kind, answers)
    return _place_in(form, places, question_id, _possible_count(form, kind, answers))


def dependents(form: Form, question_id: str) -> frozenset[str]:
    """The questions whose ``when`` reads ``question_id``, directly or through another."""
    found = {question_id}
    for where in form.questions():
        when = where.question.when
        if when is not None and references(when) & found:
            found.add(where.question.id)
    found.discard(question_id)
    return frozenset(found)


# ============================================================= reading answers


def _key(text: str) -> str:
    return " ".join(thai_to_arabic_digits(text).casefold().split())


def _choice_from_text(question: Question, text: str) -> AnswerValue:
    choices = question.choices
    key = _key(text).rstrip(".")
    if key.isascii() and key.isdigit() and 1 <= int(key) <= len(choices):
        return AnswerValue(choices[int(key) - 1].id)
    for choice in choices:
        if _key(choice.label) == _key(text):
            return AnswerValue(choice.id)
    if is_none_text(text):
        nones = [c for c in choices if is_none_text(c.label)]
        if len(nones) == 1:
            return AnswerValue(nones[0].id)
        if not question.required:
            return SKIPPED
    raise Rejected("choose_button", count=len(choices))


def _bounded(question: Question, value: int | Decimal) -> None:
    if question.min is not None and value < question.min:
        raise Rejected("below_min", min=question.min, max=question.max)
    if question.max is not None and value > question.max:
        raise Rejected("above_max", min=question.min, max=question.max)


def interpret_text(question: Question, text: str, *, today: dt.date | None = None) -> AnswerValue:
    """Read typed ``text`` as an answer to ``question``; raise :class:`Rejected` if it is not.

    ``today`` (default: the system date) completes dates typed without a year.
    See the module docstring for "none" words and the problem codes.
    """
    stripped = text.strip()
    skip = not question.required and is_none_text(stripped)
    kind = question.type
    try:
        if kind is QuestionType.TEXT:
            if not stripped:
                raise Rejected("empty")
            if is_none_text(stripped):
                return NONE
            if len(stripped) > MAX_TEXT_LENGTH:
                raise Rejected("too_long", max=MAX_TEXT_LENGTH, length=len(stripped))
            return AnswerValue(stripped)
        if kind is QuestionType.CHOICE:
            return _choice_from_text(question, stripped)
        if skip:
            return SKIPPED
        if kind is QuestionType.INTEGER:
            number: int | Decimal = parse_integer(stripped)
        elif kind is QuestionType.DECIMAL:
            number = parse_decimal(stripped)
        elif kind is QuestionType.DATE:
            return AnswerValue(parse_date(stripped, today=today))
        elif kind is QuestionType.MULTI:
            raise Rejected("use_buttons")
        else:
            raise Rejected("send_file")
    except ValueProblem as problem:
        raise Rejected(problem.code, **problem.params) from problem
    _bounded(question, number)
    return AnswerValue(number)


# ================================================================= file checks

_EXT_ALIASES: Final = {"jpeg": "jpg", "jpe": "jpg", "tiff": "tif", "htm": "html"}
_ZIP_BASED: Final = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"})
_OLE: Final = frozenset({"doc", "xls", "ppt"})
_DETECTABLE: Final = frozenset(
    {"pdf", "jpg", "png", "gif", "webp", "heic", "bmp", "tif", "zip", "rar", "7z"}
    | {"mp4", "mov", "mp3", "m4a"}
    | _ZIP_BASED
    | _OLE
)
"""Formats whose content a type sniffer recognises: a file named so must look so."""
_MB: Final = Decimal(1024 * 1024)


def _norm_ext(ext: str) -> str:
    ext = ext.strip().lstrip(".").casefold()
    return _EXT_ALIASES.get(ext, ext)


def _name_ext(name: str | None) -> str | None:
    if not name or "." not in name.strip().rstrip("."):
        return None
    return _norm_ext(name.strip().rsplit(".", 1)[1])


def _megabytes(size: int, rounding: str) -> int | Decimal:
    value = (Decimal(size) / _MB).quantize(Decimal("0.1"), rounding=rounding)
    return int(value) if value == value.to_integral_value() else value


def check_file(
    question: Question,
    name: str | None,
    size: int,
    detected_ext: str | None,
    limit_bytes: int,
) -> Rejected | None:
    """Whether an uploaded file may answer ``question``: ``None`` if so, else the problem.

    ``name`` is the file's name (``None`` for a photo sent as a photo),
    ``detected_ext`` the type recognised from its content (e.g. by ``filetype``;
    ``None`` if unknown). When the question has ``accept``, both the name's
    extension and the detected type must be in it (``jpg`` and ``jpeg`` alike; a
    docx/xlsx detected as ``zip`` passes); a name whose format is recognisable
    but whose content is not recognised is refused. Problems: ``empty_file``,
    ``too_large`` (``size``, ``limit`` in MB), ``wrong_type`` (``ext``, ``accept``).
    """
    if size <= 0:
        return Rejected("empty_file")
    if size > limit_bytes:
        return Rejected(
            "too_large",
            size=_megabytes(size, ROUND_UP),
            limit=_megabytes(limit_bytes, ROUND_DOWN),
        )
    accept = {_norm_ext(a) for a in question.accept}
    if not accept:
        return None
    shown = ", ".join(question.accept)
    named = _name_ext(name)
    detected = _norm_ext(detected_ext) if detected_ext else None
    if named is not None and named not in accept:
        return Rejected("wrong_type", ext=named, accept=shown)
    if detected is None:
        if named is None or named in _DETECTABLE:
            return Rejected("wrong_type", ext=named or "?", accept=shown)
        return None
    ok = detected in accept or (
        named is not None
        and ((detected == "zip" and named in _ZIP_BASED) or (detected in _OLE and named in _OLE))
    )
    return None if ok else Rejected("wrong_type", ext=detected, accept=shown)


# ===================================================================== state

Mode = Literal["asking", "review", "confirm_submit", "idle"]
_MODE_NAMES: Final[tuple[Mode, ...]] = ("asking", "review", "confirm_submit", "idle")


@dataclass(frozen=True, slots=True)
class WalkState:
    """Where a unit's conversation is; stored by the adapter as :meth:`to_dict`.

    ``question_id``: the question being asked (mode ``asking``). ``pending``: the
    multi choices toggled but not yet confirmed. ``editing``: the question came
    from the review (``origin`` is the question edited there); after the answer
    the walk returns to the review. ``album`` / ``album_question``: the Telegram
    media group whose first part answered that file question, so that its later
    parts are added to the same answer.
    """

    mode: Mode = "idle"
    question_id: str | None = None
    pending: tuple[str, ...] = ()
    editing: bool = False
    album: str | None = None
    album_question: str | None = None
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` reads it back exactly."""
        return {
            "mode": self.mode,
            "question_id": self.question_id,
            "pending": list(self.pending),
            "editing": self.editing,
            "album": self.album,
            "album_question": self.album_question,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> WalkState:
        """Read :meth:`to_dict` data; anything missing or malformed falls back to idle."""
        if not isinstance(data, Mapping):
            return cls()
        mode: Mode = next((m for m in _MODE_NAMES if m == data.get("mode")), "idle")

        def opt_str(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        pending = data.get("pending")
        return cls(
            mode=mode,
            question_id=opt_str("question_id"),
            pending=tuple(p for p in pending if isinstance(p, str))
            if isinstance(pending, list | tuple)
            else (),
            editing=data.get("editing") is True,
            album=opt_str("album"),
            album_question=opt_str("album_question"),
            origin=opt_str("origin"),
        )


# ===================================================================== inputs


@dataclass(frozen=True, slots=True)
class Start:
    """/report: the first unanswered question, or the review if all are answered."""


@dataclass(frozen=True, slots=True)
class Text:
    """Typed text, for the question being asked."""

    text: str


@dataclass(frozen=True, slots=True)
class Pick:
    """A choice button."""

    question_id: str
    choice_id: str


@dataclass(frozen=True, slots=True)
class Toggle:
    """A multi choice button: select or unselect (pending until :class:`Done`)."""

    question_id: str
    choice_id: str


@dataclass(frozen=True, slots=True)
class Done:
    """Confirm a multi question's selection (empty only where optional: skip)."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Skip:
    """Skip an optional question."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Back:
    """Go to the previous applicable question (answered or not)."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Files:
    """Files the adapter stored (and checked with :func:`check_file`).

    ``question_id`` ``None``: for the question being asked. ``problem`` (a code,
    with ``params``) set: the upload was refused. ``album``: Telegram's
    media_group_id.
    """

    question_id: str | None
    files: tuple[FileRef, ...]
    album: str | None = None
    problem: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edit:
    """An edit button of the review: ask that question again."""

    question_id: str


@dataclass(frozen=True, slots=True)
class Review:
    """/review."""


@dataclass(frozen=True, slots=True)
class Submit:
    """/submit or the review's submit button."""


@dataclass(frozen=True, slots=True)
class ConfirmSubmit:
    """The confirmation button after :class:`AskConfirmSubmit`."""


@dataclass(frozen=True, slots=True)
class Cancel:
    """/cancel: pause."""


Input = (
    Start
    | Text
    | Pick
    | Toggle
    | Done
    | Skip
    | Back
    | Files
    | Edit
    | Review
    | Submit
    | ConfirmSubmit
    | Cancel
)

# ===================================================================== events


@dataclass(frozen=True, slots=True)
class Save:
    """Store this answer (replacing any earlier one)."""

    question_id: str
    answer: AnswerValue


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask this question; ``current`` is its stored answer, ``pending`` the multi selection."""

    question_id: str
    place: Place
    current: AnswerValue | None
    pending: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Invalid:
    """What was sent for ``question_id`` is not accepted (code: see the module docstring)."""

    question_id: str
    code: str
    params: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Stale:
    """A press on an old message (``question_id`` ``None``: not about a question)."""

    question_id: str | None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One applicable question in the review; ``answer`` ``None``: not answered."""

    question_id: str
    number: int
    answer: AnswerValue | None
    required: bool


@dataclass(frozen=True, slots=True)
class ReviewSection:
    """A section's applicable questions; ``number`` is its 1-based position in the form."""

    section_id: str
    number: int
    title: str
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True, slots=True)
class ShowReview:
    """Show the review: relevant answers by section, what is missing, the progress."""

    sections: tuple[ReviewSection, ...]
    missing: tuple[str, ...]
    progress: Progress


@dataclass(frozen=True, slots=True)
class Missing:
    """Submit refused: these required questions are not answered."""

    question_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AskConfirmSubmit:
    """Ask to confirm the submission."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """The submission is confirmed: the adapter submits it."""


@dataclass(frozen=True, slots=True)
class Paused:
    """The conversation is paused; /report continues."""


@dataclass(frozen=True, slots=True)
class AllAnswered:
    """Every applicable question is answered; the review follows."""


Event = (
    Save
    | Ask
    | Invalid
    | Stale
    | ShowReview
    | Missing
    | AskConfirmSubmit
    | Submitted
    | Paused
    | AllAnswered
)

Result = tuple[WalkState, list[Event]]

# ====================================================================== walk


class _Walk:
    """One :func:`resume` step over fixed form, kind and answers."""

    def __init__(self, form: Form, kind: str, answers: Answers, today: dt.date | None) -> None:
        self.form = form
        self.kind = kind
        self.answers: dict[str, AnswerValue] = dict(answers)
        self.today = today
        self._places: list[QuestionPlace] | None = None

    # -- queries over the current answers

    @property
    def places(self) -> list[QuestionPlace]:
        if self._places is None:
            self._places = _applicable(self.form, self.kind, self.answers)
        return self._places

    def is_applicable(self, question_id: str | None) -> bool:
        return question_id is not None and any(p.question.id == question_id for p in self.places)

    def question(self, question_id: str) -> Question:
        return self.form.question(question_id)

    def set_answer(self, question_id: str, answer: AnswerValue) -> None:
        self.answers[question_id] = answer
        self._places = None

    def initial_pending(self, question_id: str) -> tuple[str, ...]:
        answer = self.answers.get(question_id)
        if self.question(question_id).type is QuestionType.MULTI and answer is not None:
            value = answer.value
            if isinstance(value, tuple):
                return tuple(v for v in value if isinstance(v, str))
        return ()

    # -- views

    def ask(self, state: WalkState) -> Ask:
        assert state.question_id is not None
        qid = state.question_id
        total = _possible_count(self.form, self.kind, self.answers)
        where = _place_in(self.form, self.places, qid, total)
        return Ask(qid, where, self.answers.get(qid), state.pending)

    def review(self) -> ShowReview:
        sections: list[ReviewSection] = []
        for number, section in enumerate(self.form.sections, start=1):
            items = tuple(
                ReviewItem(p.question.id, n, self.answers.get(p.question.id), p.question.required)
                for n, p in enumerate(self.places, start=1)
                if p.section.id == section.id
            )
            if items:
                sections.append(ReviewSection(section.id, number, section.title, items))
        missing = tuple(
            p.question.id
            for p in self.places
            if p.question.required and p.question.id not in self.answers
        )
        return ShowReview(tuple(sections), missing, progress(self.form, self.kind, self.answers))

    def present(self, state: WalkState) -> list[Event]:
        if state.mode == "asking":
            return [self.ask(state)]
        if state.mode == "review":
            return [self.review()]
        if state.mode == "confirm_submit":
            return [AskConfirmSubmit()]
        return [Paused()]

    # -- moves

    def asking(
        self, question_id: str, *, editing: bool = False, origin: str | None = None
    ) -> Result:
        state = WalkState(
            "asking",
            question_id,
            self.initial_pending(question_id),
            editing,
            origin=origin if editing else None,
        )
        return state, [self.ask(state)]

    def to_review(self) -> Result:
        return WalkState("review"), [self.review()]

    def start(self) -> Result:
        nxt = next((p for p in self.places if p.question.id not in self.answers), None)
        if nxt is None:
            return self.to_review()
        return self.asking(nxt.question.id)

    def normalize(self, state: WalkState) -> WalkState:
        """The state itself, or where to go if its question is no longer asked."""
        if state.mode != "asking":
            return state
        if self.is_applicable(state.question_id):
            return state
        new_state, _ = self.start()
        return new_state

    def stale(self, state: WalkState, question_id: str | None) -> Result:
        return state, [Stale(question_id), *self.present(state)]

    def accept(self, state: WalkState, question_id: str, answer: AnswerValue) -> Result:
        """Save ``answer`` and move on."""
        self.set_answer(question_id, answer)
        events: list[Event] = [Save(question_id, answer)]
        unanswered = [p for p in self.places if p.question.id not in self.answers]
        if state.editing:
            wanted = dependents(self.form, question_id)
            if state.origin is not None and state.origin in self.form:
                wanted |= dependents(self.form, state.origin)
            nxt = next((p for p in unanswered if p.question.id in wanted), None)
            if nxt is None:
                new_state, shown = self.to_review()
                return new_state, events + shown
            new_state, shown = self.asking(nxt.question.id, editing=True, origin=state.origin)
            return new_state, events + shown
        index = self.form.place(question_id).index
        nxt = next((p for p in unanswered if p.index > index), None) or next(iter(unanswered), None)
        if nxt is None:
            new_state, shown = self.to_review()
            return new_state, [*events, AllAnswered(), *shown]
        new_state, shown = self.asking(nxt.question.id)
        return new_state, events + shown

    def invalid(self, state: WalkState, question_id: str, problem: Rejected) -> Result:
        return state, [Invalid(question_id, problem.code, dict(problem.params)), self.ask(state)]

    # -- the step

    def clean(self, state: WalkState) -> WalkState:
        """Drop pending choices that do not belong to a multi question being asked."""
        if not state.pending:
            return state
        qid = state.question_id
        if state.mode != "asking" or qid is None or qid not in self.form:
            return replace(state, pending=())
        question = self.question(qid)
        keep = (
            tuple(c.id for c in question.choices if c.id in state.pending)
            if question.type is QuestionType.MULTI
            else ()
        )
        return state if keep == state.pending else replace(state, pending=keep)

    def step(self, state: WalkState, event: Input) -> Result:
        state = self.clean(state)
        match event:
            case Start():
                return self.start()
            case Review():
                return self.to_review()
            case Cancel():
                return WalkState("idle"), [Paused()]
            case Submit():
                return self.submit()
            case ConfirmSubmit():
                state = self.normalize(state)
                if state.mode != "confirm_submit":
                    return self.stale(state, None)
                submitted = self.submit()
                if submitted[0].mode == "confirm_submit":
                    return WalkState("idle"), [Submitted()]
                return submitted
            case Edit(question_id):
                if self.is_applicable(question_id):
                    return self.asking(question_id, editing=True, origin=question_id)
                return self.stale(self.normalize(state), question_id)
            case Files() if event.album is not None and event.album == state.album:
                return self.album(state, event)
            case Text(text):
                return self.text(state, text)
        return self.button(state, event)

    def submit(self) -> Result:
        missing = [
            p for p in self.places if p.question.required and p.question.id not in self.answers
        ]
        if missing:
            new_state, shown = self.asking(missing[0].question.id)
            return new_state, [Missing(tuple(p.question.id for p in missing)), *shown]
        return WalkState("confirm_submit"), [AskConfirmSubmit()]

    def text(self, state: WalkState, text: str) -> Result:
        normal = self.normalize(state)
        if normal != state:
            return self.stale(normal, state.question_id)
        if state.mode != "asking" or state.question_id is None:
            return state, self.present(state)
        qid = state.question_id
        try:
            answer = interpret_text(self.question(qid), text, today=self.today)
        except Rejected as problem:
            return self.invalid(state, qid, problem)
        return self.accept(state, qid, answer)

    def album(self, state: WalkState, event: Files) -> Result:
        qid = state.album_question
        if (
            qid is None
            or (event.question_id is not None and event.question_id != qid)
            or not self.is_applicable(qid)
            or self.question(qid).type is not QuestionType.FILE
        ):
            return self.stale(self.normalize(state), event.question_id)
        if event.problem is not None:
            return state, [Invalid(qid, event.problem, dict(event.params))]
        old = self.answers.get(qid)
        files = old.value if old is not None and isinstance(old.value, tuple) else ()
        have = {f.attachment_id for f in files if isinstance(f, FileRef)}
        added = tuple(f for f in event.files if f.attachment_id not in have)
        if not added:
            return state, []
        answer = AnswerValue(tuple(f for f in files if isinstance(f, FileRef)) + added)
        self.set_answer(qid, answer)
        return state, [Save(qid, answer)]

    def button(self, state: WalkState, event: Input) -> Result:
        """Inputs that name the question they answer."""
        if isinstance(event, Files) and event.question_id is None:
            question_id = state.question_id
        else:
            question_id = getattr(event, "question_id", None)
        normal = self.normalize(state)
        if normal != state or state.mode != "asking" or question_id != state.question_id:
            return self.stale(normal, question_id)
        assert question_id is not None
        question = self.question(question_id)
        state = replace(state, album=None, album_question=None)
        match event:
            case Pick(_, choice_id) if question.type is QuestionType.CHOICE and _has(
                question, choice_id
            ):
                return self.accept(state, question_id, AnswerValue(choice_id))
            case Toggle(_, choice_id) if question.type is QuestionType.MULTI and _has(
                question, choice_id
            ):
                selected = set(state.pending) ^ {choice_id}
                pending = tuple(c.id for c in question.choices if c.id in selected)
                state = replace(state, pending=pending)
                return state, [self.ask(state)]
            case Done() if question.type is QuestionType.MULTI:
                chosen = tuple(c.id for c in question.choices if c.id in state.pending)
                if chosen:
                    return self.accept(state, question_id, AnswerValue(chosen))
                if not question.required:
                    return self.accept(state, question_id, SKIPPED)
                return self.invalid(state, question_id, Rejected("choose_at_least_one"))
            case Skip():
                if question.required:
                    return self.invalid(state, question_id, Rejected("required"))
                return self.accept(state, question_id, SKIPPED)
            case Back():
                return self.back(state, question_id)
            case Files():
                return self.files(state, question, event)
        return self.stale(state, question_id)

    def back(self, state: WalkState, question_id: str) -> Result:
        ids = [p.question.id for p in self.places]
        at = ids.index(question_id)
        target = ids[at - 1] if at > 0 else question_id
        new_state = WalkState(
            "asking",
            target,
            self.initial_pending(target),
            state.editing,
            origin=state.origin if state.editing else None,
        )
        return new_state, [self.ask(new_state)]

    def files(self, state: WalkState, question: Question, event: Files) -> Result:
        if question.type is not QuestionType.FILE:
            return self.invalid(state, question.id, _expected(question))
        if event.problem is not None:
            return self.invalid(state, question.id, Rejected(event.problem, **event.params))
        if not event.files:
            return self.invalid(state, question.id, Rejected("send_file"))
        files = tuple(dict.fromkeys(event.files))
        new_state, events = self.accept(state, question.id, AnswerValue(files))
        if event.album is not None:
            new_state = replace(new_state, album=event.album, album_question=question.id)
        return new_state, events


def _has(question: Question, choice_id: str) -> bool:
    return any(c.id == choice_id for c in question.choices)


def _expected(question: Question) -> Rejected:
    """The problem for a file sent to a question that is not a file question."""
    if question.type is QuestionType.CHOICE:
        return Rejected("choose_button", count=len(question.choices))
    if question.type is QuestionType.MULTI:
        return Rejected("use_buttons")
    return Rejected("send_text")


def resume(
    form: Form,
    kind: str,
    answers: Answers,
    state: WalkState,
    event: Input,
    *,
    today: dt.date | None = None,
) -> Result:
    """One step of the conversation: the new state and the events, in order.

    ``answers`` are all stored answers of the unit (relevant or not); ``today``
    completes dates typed without a year. Never raises.
    """
    return _Walk(form, kind, answers, today).step(state, event)

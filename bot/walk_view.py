"""Render the walk's events as replies: plain data, no Telegram calls.

One function per event; :func:`render` puts them together. Every text comes from
the catalogs (:mod:`bot.i18n`): the engine gives codes and parameters, this module
words them, with what the question expects (:func:`expected`: the type, the range,
an example that fits, what to type for none). Questions are named by their item
number from the form (``ข้อ 2.1.3``), which never moves while a person answers.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from bot import callbacks
from bot.i18n import Html, catalog, join, language_of, t
from bot.replies import Button, Reply
from flows import walk
from flows.answers import AnswerValue, DisplayWords, Items, display, is_answered
from flows.form import Form, Question, QuestionType, in_language, item_number
from tidtam.core.thai import format_date_th, format_datetime_th


@dataclass(frozen=True, slots=True)
class View:
    """What rendering needs besides the events."""

    form: Form
    submission_id: int
    unit_name: str
    period_th: str
    language: str
    download_limit_mb: int
    pressed_message_id: int | None = None  # the message whose button was pressed
    now: dt.datetime | None = None  # local time of the update (the submitted receipt)


def localized(view: View, q: Question) -> Question:
    """``q`` in the reader's words: its text, help, item word and choice labels in
    English for a reader of English where the form gives them (:func:`in_language`)."""
    if view.language != "en":
        return q
    lang = view.language
    return replace(
        q,
        text=in_language(q.text, q.text_en, lang),
        help=in_language(q.help or "", q.help_en, lang) or None,
        item=in_language(q.item, q.item_en, lang),
        choices=tuple(replace(c, label=in_language(c.label, c.label_en, lang)) for c in q.choices),
    )


def _q(view: View, question_id: str, action: str, choice: int | None = None) -> str:
    ref = view.form.ref(question_id)
    return callbacks.encode(callbacks.QuestionPress(view.submission_id, ref, action, choice))


def _s(view: View, action: str) -> str:
    return callbacks.encode(callbacks.SubmissionPress(view.submission_id, action))


def _indicator(lang: str, number: str, title: str) -> str:
    """ "ตัวชี้วัดที่ 1.2 <title>", unless the title names itself so already."""
    if title.startswith(("ตัวชี้วัด", "Indicator")):
        return html.escape(title)
    return t(lang, "report.indicator", number=number, title=title)


def _n(value: int | Decimal) -> str:
    return f"{value:,}"


def _range(lang: str, q: Question, *, must: bool = False) -> str:
    """ "ต้องอยู่ระหว่าง 0 ถึง 100" (``must``) or "ระหว่าง 0 ถึง 100"; "" without bounds."""
    prefix = "must_" if must else ""
    if q.min is not None and q.max is not None:
        return t(lang, f"report.{prefix}range", min=_n(q.min), max=_n(q.max))
    if q.min is not None:
        return t(lang, f"report.{prefix}min", min=_n(q.min))
    if q.max is not None:
        return t(lang, f"report.{prefix}max", max=_n(q.max))
    return ""


def _example(q: Question) -> str:
    """A number that fits the question's bounds: 120 (12.5 for decimals) if it can."""
    low = q.min if q.min is not None else None
    high = q.max if q.max is not None else None
    wanted: int | Decimal = 120 if q.type is QuestionType.INTEGER else Decimal("12.5")
    if (low is None or wanted >= low) and (high is None or wanted <= high):
        return _n(wanted)
    if low is not None and high is not None:
        middle = (Decimal(low) + Decimal(high)) / 2
        if q.type is QuestionType.INTEGER:
            return _n(int(middle))
        return _n(middle.quantize(Decimal("0.1")))
    return _n(low if low is not None else high)  # type: ignore[arg-type]


def _zero_allowed(q: Question) -> bool:
    return (q.min is None or q.min <= 0) and (q.max is None or q.max >= 0)


def _none_hint(lang: str, q: Question) -> str:
    """What to type for "none", where it makes sense; "" where it does not.

    A follow-up (a question with ``when``) is asked because an earlier answer said
    there is something, so "none" is not offered there.
    """
    if not q.required and q.type is not QuestionType.TEXT:
        return t(lang, "report.none.skip")
    if q.when is not None:
        return ""
    if q.type is QuestionType.TEXT:
        return t(lang, "report.none.text")
    if q.type in (QuestionType.INTEGER, QuestionType.DECIMAL) and _zero_allowed(q):
        return t(lang, "report.none.zero")
    return ""


def expected(view: View, q: Question) -> str:
    """What to type or send for ``q``: the type, the range, an example, what "none" is."""
    lang = view.language
    if q.type is QuestionType.FILE:
        if q.accept:
            text = t(
                lang, "report.hint.file", accept=", ".join(q.accept), limit=view.download_limit_mb
            )
        else:
            text = t(lang, "report.hint.file_any", limit=view.download_limit_mb)
    elif q.type is QuestionType.CHOICE:
        text = t(lang, "report.hint.choice", count=len(q.choices))
    elif q.type is QuestionType.MULTI:
        text = t(lang, "report.hint.multi", done=t(lang, "report.button.done"))
    elif q.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
        # "not below 0" goes without saying for a count; it is said when refused
        bounds = "" if q.max is None and q.min == 0 else _range(lang, q)
        text = t(
            lang,
            f"report.hint.{q.type.value}",
            range=f" {bounds}" if bounds else "",
            example=_example(q),
        )
    else:
        text = t(lang, f"report.hint.{q.type.value}")
    none = _none_hint(lang, q)
    return f"{text} {none}" if none else text


def _hint(view: View, question_id: str) -> str:
    return expected(view, view.form.question(question_id))


def problem_text(view: View, question_id: str, code: str, params: Mapping[str, object]) -> str:
    """The refusal of an answer: what is wrong, then what to type instead."""
    lang = view.language
    q = localized(view, view.form.question(question_id)) if question_id in view.form else None
    shown = {k: _param(lang, v) for k, v in params.items()}
    key = f"problem.{code}"
    if q is None or key not in _problem_keys(lang):
        return t(lang, "problem.unknown")
    if code in ("below_min", "above_max"):
        return t(lang, key, value=shown.get("value", "?"), range=_range(lang, q, must=True))
    if code == "confirm_date":
        why = t(lang, f"problem.confirm_date.{params.get('reason', 'far')}")
        return t(lang, key, date=shown.get("date", "?"), why=why)
    if code == "check":
        return t(lang, key, message=shown.get("message", ""))
    if code == "changed_much":
        previous, percent = shown.get("previous", "?"), params.get("percent")
        key = "problem.changed_much" if percent is not None else "problem.changed_from_zero"
        return t(lang, key, previous=previous, value=shown.get("value", "?"), percent=percent)
    if code in ("items_min", "items_max"):
        bound = shown.get("min" if code == "items_min" else "max", "?")
        return t(lang, key, count=bound, item=q.item)
    if code == "number_for_none" and not (_zero_allowed(q) and q.required):
        return f"{t(lang, 'problem.not_a_number')} {expected(view, q)}"
    text = t(lang, key, **{k: v for k, v in shown.items() if k in _PARAMS.get(code, ())})
    if code in _WITH_EXPECTED:
        text = f"{text} {expected(view, q)}"
    return text


_PARAMS: dict[str, tuple[str, ...]] = {
    "too_long": ("max",),
    "wrong_type": ("accept",),
    "too_large": ("size", "limit"),
    "choose_button": ("count",),
}
# Refusals followed by what the question expects.
_WITH_EXPECTED = frozenset(
    {
        "empty",
        "not_a_number",
        "not_an_integer",
        "not_a_date",
        "send_text",
        "send_file",
        "use_buttons",
        "choose_button",
        "no_words",
    }
)


def _problem_keys(lang: str) -> frozenset[str]:
    from bot.i18n import catalog, language_of

    return frozenset(k for k in catalog(language_of(lang)) if k.startswith("problem."))


def _param(lang: str, value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return _n(value)
    if isinstance(value, dt.date):
        return _date(lang, value)
    return str(value)


def _date(lang: str, value: dt.date) -> str:
    return answer_words(lang).date(value)


@cache
def answer_words(lang: str) -> DisplayWords:
    """The catalogue's words for showing answers in ``lang`` (Thai dates in BE)."""
    messages = catalog(language_of(lang))
    months = messages["date.months"].split()

    def western(value: dt.date) -> str:
        return f"{value.day} {months[value.month - 1]} {value.year}"

    return DisplayWords(
        none=messages["answer.none"],
        skipped=messages["answer.skipped"],
        unanswered=messages["answer.unanswered"],
        files_one=messages["answer.files_one"],
        files_many=messages["answer.files_many"],
        date=format_date_th if language_of(lang) == "th" else western,
        items=messages["answer.items"],
    )


def show_answer(question: Question, answer: AnswerValue | None, lang: str) -> str:
    """Short text of an answer in ``lang``: labels, ``1,250``, ``15 มี.ค. 2567``, ``ไม่มี``."""
    return display(question, answer, answer_words(lang))


_UNIT = re.compile(r"\(([^\s()]{1,12})\)\s*$")
_UNITS_BEFORE = frozenset({"ร้อยละ"})  # "ร้อยละ 55.5", not "55.5 ร้อยละ"


def echo(view: View, question_id: str, answer: AnswerValue) -> str:
    """What a typed answer was read as: "บันทึก: 1,250 คน", "บันทึก: 15 มี.ค. 2567"."""
    lang = view.language
    q = localized(view, view.form.question(question_id))
    shown = show_answer(q, answer, lang)
    if q.type in (QuestionType.INTEGER, QuestionType.DECIMAL) and not (
        answer.none or answer.skipped
    ):
        unit = _UNIT.search(q.text)
        if unit is not None and lang == "th":
            word = unit.group(1)
            shown = f"{word} {shown}" if word in _UNITS_BEFORE else f"{shown} {word}"
    return t(lang, "report.saved", number=q.no, answer=shown)


def calculated(
    view: View, question_id: str, answer: AnswerValue, items: Sequence[tuple[str, int]] = ()
) -> str:
    """A computed value, said as it follows: "คำนวณให้ ข้อ 3.1.4 งบประมาณคงเหลือ: 12,500.00"
    (an item's: "ข้อ 1.1.1.7 (โครงการที่ 2) ...", in the reader's words)."""
    q = localized(view, view.form.question(question_id))
    shown = show_answer(q, answer, view.language)
    number = q.no
    if items:
        words = _item_words(view, question_id)
        number += (
            f" ({item_path(view.language, list(zip(words, (n for _, n in items), strict=True)))})"
        )
    return t(view.language, "report.calculated", number=number, text=q.text, answer=shown)


def _item_words(view: View, question_id: str) -> list[str]:
    """The word for an item of each group around an item's question, in the reader's words."""
    within = view.form.place(question_id).within
    return [localized(view, view.form.question(key)).item for key, _ in within]


def item_path(lang: str, items: Sequence[tuple[str, int]]) -> str:
    """Which item a question belongs to: "โครงการที่ 2 › กิจกรรมที่ 1"."""
    return " › ".join(t(lang, "report.item", item=word, position=n) for word, n in items)


def ask(view: View, event: walk.Ask, *, edit: bool = False) -> Reply:
    lang = view.language
    where = view.form.place(event.question_id)
    q = localized(view, where.question)
    number = event.place.no
    if event.place.items:
        positions = [n for _, n in event.place.items]
        words = _item_words(view, event.question_id)
        items = list(zip(words, positions, strict=True)) if len(words) == len(positions) else []
        number = f"{number} ({item_path(lang, items or event.place.items)})"
    place = t(
        lang,
        "report.place",
        number=number,
        answered=event.place.answered,
        total=event.place.total,
    )
    section, ind = where.section, where.indicator
    indicator = _indicator(lang, ind.no, in_language(ind.title, ind.title_en, lang))
    lines = [
        f"<i>{place}</i>",
        f"{html.escape(in_language(section.title, section.title_en, lang))}",
        f"<u>{indicator}</u>",
        "",
        f"<b>{html.escape(q.text)}</b>",
    ]
    if q.help:
        lines.append(f"<i>{html.escape(q.help)}</i>")
    if q.repeat:
        return _ask_group(view, event, q, lines, edit=edit)
    lines.append(_hint(view, q.id))
    carried = event.current is not None and event.current.prefilled
    if event.current is not None:
        shown = show_answer(q, event.current, lang)
        key = "report.carried" if carried else "report.current"
        lines.append(t(lang, key, answer=shown))
    rows: list[tuple[Button, ...]] = []
    if carried:
        rows.append((Button(t(lang, "report.button.keep"), _q(view, q.id, "k")),))
    if q.type is QuestionType.CHOICE:
        for i, choice in enumerate(q.choices):
            rows.append((Button(f"{i + 1}. {choice.label}", _q(view, q.id, "p", i)),))
    elif q.type is QuestionType.MULTI:
        for i, choice in enumerate(q.choices):
            mark = "☑" if choice.id in event.pending else "☐"
            rows.append((Button(f"{mark} {choice.label}", _q(view, q.id, "t", i)),))
        rows.append((Button(t(lang, "report.button.done"), _q(view, q.id, "d")),))
    nav = [Button(t(lang, "report.button.back"), _q(view, q.id, "b"))]
    if not q.required:
        nav.append(Button(t(lang, "report.button.skip"), _q(view, q.id, "s")))
    rows.append(tuple(nav))
    return Reply(
        "\n".join(lines),
        tuple(rows),
        edit_message_id=view.pressed_message_id if edit else None,
    )


def _ask_group(view: View, event: walk.Ask, q: Question, lines: list[str], *, edit: bool) -> Reply:
    """A repeat group: what is listed so far, a button to add an item and one to finish."""
    lang = view.language
    for n, (_, name) in enumerate(event.listed, start=1):
        label = t(lang, "report.item", item=q.item, position=n)
        lines.append(
            f"{n}. {html.escape(label)}" + (f": {html.escape(_short(name, 60))}" if name else "")
        )
    if not event.listed:
        lines.append(t(lang, "report.items_none", item=q.item))
    elif event.current is not None and event.current.prefilled:
        lines.append(t(lang, "report.items_carried", item=q.item))
    count = len(event.listed)
    can_add = q.max is None or count < q.max
    lines.append(
        t(lang, "report.hint.repeat", item=q.item, done=t(lang, "report.button.done"))
        if can_add
        else t(lang, "report.hint.repeat_full", max=q.max, item=q.item)
    )
    rows: list[tuple[Button, ...]] = []
    if can_add:
        rows.append((Button(t(lang, "report.button.add_item", item=q.item), _q(view, q.id, "a")),))
    rows.append((Button(t(lang, "report.button.done"), _q(view, q.id, "d")),))
    rows.append((Button(t(lang, "report.button.back"), _q(view, q.id, "b")),))
    return Reply(
        "\n".join(lines),
        tuple(rows),
        edit_message_id=view.pressed_message_id if edit else None,
    )


# A review message holds answers while its text stays within this (Telegram: 4,096
# characters) and its keyboard within Telegram's 100 buttons.
REVIEW_TEXT = 3800
REVIEW_BUTTONS = 100
EDITS_PER_ROW = 4


def review(
    view: View,
    event: walk.ShowReview,
    *,
    editable: bool = True,
    header: str | None = None,
    footer: Reply | None = None,
) -> list[Reply]:
    """The answers by section with their edit buttons, in as few messages as fit.

    ``header`` (the review's title unless given) opens the first message; ``footer``
    (what is missing, or the submit button, when ``editable``) closes the last. Few
    messages matter: past about five at once in one chat, Telegram slows a bot down.
    A section that goes on in the next message has its title again there.
    """
    lang = view.language
    if header is None:
        header = t(lang, "report.review_header", unit=view.unit_name, period=view.period_th)
    if footer is None and editable:
        footer = _review_footer(view, event)
    pages = _Pages()
    pages.add(header)
    english = {s.id: s.title_en for s in view.form.sections}
    for section in event.sections:
        words = in_language(section.title, english.get(section.section_id), lang)
        title = t(lang, "report.review_section", number=section.number, title=words)
        opened = False
        indicator_no: str | None = None
        for item in section.items:
            line = _review_line(view, item)
            place = view.form.place(item.question_id)
            if place.indicator.no != indicator_no:  # "ตัวชี้วัดนี้" needs its indicator
                indicator_no = place.indicator.no
                words = in_language(place.indicator.title, place.indicator.title_en, lang)
                heading = _indicator(lang, place.indicator.no, _short(words))
                line = f"<u>{heading}</u>\n{line}"
            # a computed (calc) value is changed through the answers it follows from
            can_edit = editable and place.question.calc is None
            removals = _removals(view, item) if editable else ()
            edits = (1 if can_edit else 0) + len(removals)
            if opened and pages.fits(f"\n{line}", edits):
                pages.add(line, joiner="\n")
            else:
                if not pages.fits(f"\n\n{title}\n{line}", edits):
                    pages.flush()
                pages.add(f"{title}\n{line}")
                opened = True
            if can_edit:
                number = item.number
                if item.items:
                    number += " (" + "-".join(str(n) for n in item.items) + ")"
                edit = t(lang, "report.button.edit", number=number)
                pages.button(Button(edit, _q(view, item.question_id, "e")), row_of=section.number)
            for removal in removals:
                pages.button(removal, row_of=item.question_id)
        if not opened:
            pages.add(title)
    if footer is not None:
        if not pages.fits(f"\n\n{footer.text}", sum(len(row) for row in footer.buttons)):
            pages.flush()
        pages.add(footer.text, footer.buttons)
    return pages.finish()


def _removals(view: View, item: walk.ReviewItem) -> tuple[Button, ...]:
    """A group's buttons to take each of its items out of the list."""
    q = localized(view, view.form.question(item.question_id))
    if not q.repeat or item.answer is None or not isinstance(item.answer.value, Items):
        return ()
    return tuple(
        Button(
            t(view.language, "report.button.remove_item", item=q.item, position=n),
            _q(view, q.id, "r", item_number(item_id)),
        )
        for n, item_id in enumerate(item.answer.value.ids, start=1)
    )


def _review_line(view: View, item: walk.ReviewItem) -> str:
    lang = view.language
    q = localized(view, view.form.question(item.question_id))
    if item.answer is not None:
        answer = show_answer(q, item.answer, lang)
    else:
        answer = t(lang, "report.not_answered")
    done = is_answered(item.answer)
    mark = "✔" if done else ("❗" if item.required else "○")
    number = item.number
    if item.items:
        words = _item_words(view, q.id)
        number += f" ({item_path(lang, list(zip(words, item.items, strict=True)))})"
    return f"{mark} {number} {html.escape(_short(q.text))}\n    → {html.escape(answer)}"


class _Pages:
    """Messages filled up to REVIEW_TEXT characters and REVIEW_BUTTONS buttons each."""

    def __init__(self) -> None:
        self.done: list[Reply] = []
        self.text = ""
        self.rows: list[tuple[Button, ...]] = []
        self.count = 0
        self.row_of: object = None  # whose buttons the last row holds

    def fits(self, text: str, buttons: int) -> bool:
        """Whether this much more still fits in the current message (an empty one: always)."""
        return not self.text or (
            len(self.text) + len(text) <= REVIEW_TEXT and self.count + buttons <= REVIEW_BUTTONS
        )

    def add(self, text: str, rows: Sequence[Sequence[Button]] = (), joiner: str = "\n\n") -> None:
        self.text = f"{self.text}{joiner}{text}" if self.text else text
        self.rows += [tuple(row) for row in rows]
        if rows:
            self.count += sum(len(row) for row in rows)
            self.row_of = None

    def button(self, button: Button, row_of: object) -> None:
        """Add a button to the last row if it is ``row_of``'s and not full, else to a new one."""
        if self.rows and self.row_of == row_of and len(self.rows[-1]) < EDITS_PER_ROW:
            self.rows[-1] += (button,)
        else:
            self.rows.append((button,))
        self.row_of = row_of
        self.count += 1

    def flush(self) -> None:
        if self.text:
            self.done.append(Reply(self.text, tuple(self.rows)))
        self.text, self.rows, self.count, self.row_of = "", [], 0, None

    def finish(self) -> list[Reply]:
        self.flush()
        return self.done


def _review_footer(view: View, event: walk.ShowReview) -> Reply:
    lang = view.language
    legend = t(lang, "report.review_legend")
    if event.missing:
        positions = {i.question_id: i.items for s in event.sections for i in s.items}
        numbers = _numbers(view, event.missing, positions=positions)
        return Reply(
            t(lang, "report.review_missing", count=len(event.missing), numbers=numbers)
            + "\n"
            + legend,
            ((Button(t(lang, "report.button.first_missing"), _s(view, "m")),),),
        )
    return Reply(
        t(lang, "report.review_complete") + "\n" + legend,
        ((Button(t(lang, "report.button.submit"), _s(view, "u")),),),
    )


def _numbers(
    view: View,
    question_ids: Sequence[str],
    limit: int = 12,
    positions: Mapping[str, tuple[int, ...]] | None = None,
) -> str:
    """Item numbers the way the language lists them, at most ``limit`` of them; an item's
    question with its item's position(s) as its edit button says ("1.1.1.2 (2)")."""
    numbers = [view.form.question(q).no if q in view.form else "?" for q in question_ids]
    for i, q in enumerate(question_ids):
        at = (positions or {}).get(q)
        if at:
            numbers[i] += " (" + "-".join(str(n) for n in at) + ")"
    if len(numbers) > limit:
        rest = len(numbers) - limit
        return ", ".join(numbers[:limit]) + t(view.language, "list.more", count=rest)
    return join(view.language, numbers)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(view: View, events: Sequence[walk.Event], *, from_press: bool) -> list[Reply]:
    """Replies for the events of one step, in order.

    A typed answer is echoed ("บันทึก ข้อ 1.1.3: 120 คน") at the top of the next
    message (usually the next question), so that answering costs no extra message.
    """
    replies = _render(view, events, from_press=from_press)
    echoes: list[str] = []
    for e in events:
        if isinstance(e, walk.Calculated):  # a value that followed: always said
            echoes.append(calculated(view, e.question_id, e.answer, e.items))
        elif (
            isinstance(e, walk.Save)
            and not from_press  # a press shows its own answer
            and view.form.question(e.question_id).calc is None
        ):
            echoes.append(echo(view, e.question_id, e.answer))
    if not echoes or not replies:  # a later part of an album is taken silently
        return replies
    said = "\n".join(echoes)
    if replies[0].edit_message_id is None:
        first = replies[0]
        replies[0] = replace(first, text=f"{said}\n\n{first.text}")
        return replies
    return [Reply(said), *replies]


def _render(view: View, events: Sequence[walk.Event], *, from_press: bool) -> list[Reply]:
    lang = view.language
    replies: list[Reply] = []
    only_ask = len(events) == 1 and isinstance(events[0], walk.Ask)
    for event in events:
        match event:
            case walk.Save() | walk.Calculated():
                pass
            case walk.Ask():
                # A toggle of a multi question edits its keyboard in place.
                replies.append(
                    ask(
                        view,
                        event,
                        edit=from_press
                        and only_ask
                        and bool(event.pending or _is_multi(view, event)),
                    )
                )
            case walk.Invalid(question_id, code, params):
                replies.append(Reply("⚠️ " + problem_text(view, question_id, code, params)))
            case walk.Stale(question_id):
                if question_id is not None and question_id in view.form:
                    number = view.form.question(question_id).no
                    replies.append(Reply(t(lang, "report.stale_item", number=number)))
                else:
                    replies.append(Reply(t(lang, "report.stale")))
            case walk.AllAnswered():
                replies.append(Reply(t(lang, "report.all_answered")))
            case walk.ShowReview():
                replies.extend(review(view, event))
            case walk.Contradicted(items):
                lines = [t(lang, "report.contradicted", count=len(items))]
                lines += [
                    t(lang, "report.contradicted_item", number=view.form.question(q).no, message=m)
                    for q, m in items
                    if q in view.form
                ]
                replies.append(Reply("\n".join(lines)))
            case walk.Missing(question_ids):
                numbers = _numbers(view, question_ids)
                replies.append(
                    Reply(
                        t(lang, "report.missing", count=len(question_ids), numbers=numbers),
                        ((Button(t(lang, "report.button.first_missing"), _s(view, "m")),),),
                    )
                )
            case walk.AskConfirmSubmit():
                replies.append(
                    Reply(
                        t(
                            lang,
                            "report.confirm_submit",
                            unit=view.unit_name,
                            period=view.period_th,
                        ),
                        (
                            (
                                Button(t(lang, "report.button.confirm_submit"), _s(view, "c")),
                                Button(t(lang, "report.button.cancel_submit"), _s(view, "x")),
                            ),
                        ),
                    )
                )
            case walk.Submitted():
                at = _when(lang, view.now)
                replies.append(Reply(t(lang, "report.submitted", unit=view.unit_name, at=at)))
            case walk.Paused():
                replies.append(Reply(t(lang, "report.paused")))
    return replies


def _when(lang: str, moment: dt.datetime | None) -> str:
    """ "24 พ.ย. 2569 เวลา 10:15 น." / "24 Nov 2026, 10:15"; "" when unknown."""
    if moment is None:
        return ""
    if lang == "th":
        return t(lang, "report.at", when=format_datetime_th(moment))
    return t(lang, "report.at", when=f"{_date(lang, moment.date())}, {moment:%H:%M}")


def _is_multi(view: View, event: walk.Ask) -> bool:
    return view.form.question(event.question_id).type is QuestionType.MULTI


def answered_note(view: View, question_id: str, answer: AnswerValue, original_html: str) -> Reply:
    """The pressed question's message, its buttons gone, with the answer given."""
    q = localized(view, view.form.question(question_id))
    shown = show_answer(q, answer, view.language)
    return Reply(
        Html(f"{original_html}\n\n✅ <b>{html.escape(shown)}</b>"),
        edit_message_id=view.pressed_message_id,
    )


def deadline_th(moment_local_date: object) -> str:
    from datetime import date

    assert isinstance(moment_local_date, date)
    return format_date_th(moment_local_date)

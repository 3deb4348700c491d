"""Render the walk's events as replies: plain data, no Telegram calls.

One function per event; :func:`render` puts them together. Texts come from the
catalogs (:mod:`bot.i18n`), problem messages from :func:`flows.walk.problem_message`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot import callbacks
from bot.i18n import Html, t
from bot.replies import Button, Reply
from flows import walk
from flows.answers import AnswerValue, display
from flows.form import Form, QuestionType
from tidtam.core.thai import format_date_th


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


def _q(view: View, question_id: str, action: str, choice: int | None = None) -> str:
    index = view.form.place(question_id).index
    return callbacks.encode(callbacks.QuestionPress(view.submission_id, index, action, choice))


def _s(view: View, action: str) -> str:
    return callbacks.encode(callbacks.SubmissionPress(view.submission_id, action))


def _hint(view: View, question_id: str) -> str:
    q = view.form.question(question_id)
    lang = view.language
    if q.type is QuestionType.FILE:
        if q.accept:
            return t(
                lang, "report.hint.file", accept=", ".join(q.accept), limit=view.download_limit_mb
            )
        return t(lang, "report.hint.file_any", limit=view.download_limit_mb)
    hint = t(lang, f"report.hint.{q.type.value}")
    if q.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
        low, high = (f"{v:,}" if v is not None else None for v in (q.min, q.max))
        if low is not None and high is not None:
            hint += " " + t(lang, "report.hint.range", min=low, max=high)
        elif low is not None:
            hint += " " + t(lang, "report.hint.min", min=low)
        elif high is not None:
            hint += " " + t(lang, "report.hint.max", max=high)
    return hint


def ask(view: View, event: walk.Ask, *, edit: bool = False) -> Reply:
    lang = view.language
    where = view.form.place(event.question_id)
    q = where.question
    lines = [
        f"<i>{t(lang, 'report.place', section=event.place.section_number, number=event.place.number, total=event.place.total)}</i>",  # noqa: E501
        f"{html.escape(where.section.title)}",
        f"<u>{html.escape(where.indicator.title)}</u>",
        "",
        f"<b>{html.escape(q.text)}</b>",
    ]
    if q.help:
        lines.append(f"<i>{html.escape(q.help)}</i>")
    lines.append(_hint(view, q.id))
    if event.current is not None:
        lines.append(t(lang, "report.current", answer=display(q, event.current, lang)))
    rows: list[tuple[Button, ...]] = []
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
    for section in event.sections:
        title = t(lang, "report.review_section", number=section.number, title=section.title)
        opened = False
        for item in section.items:
            line = _review_line(view, item)
            edits = 1 if editable else 0
            if opened and pages.fits(f"\n{line}", edits):
                pages.add(line, joiner="\n")
            else:
                if not pages.fits(f"\n\n{title}\n{line}", edits):
                    pages.flush()
                pages.add(f"{title}\n{line}")
                opened = True
            if editable:
                edit = t(lang, "report.button.edit", number=item.number)
                pages.button(Button(edit, _q(view, item.question_id, "e")), row_of=section.number)
        if not opened:
            pages.add(title)
    if footer is not None:
        if not pages.fits(f"\n\n{footer.text}", sum(len(row) for row in footer.buttons)):
            pages.flush()
        pages.add(footer.text, footer.buttons)
    return pages.finish()


def _review_line(view: View, item: walk.ReviewItem) -> str:
    lang = view.language
    q = view.form.question(item.question_id)
    if item.answer is not None:
        answer = display(q, item.answer, lang)
    else:
        answer = t(lang, "report.not_answered")
    mark = "✔" if item.answer is not None else ("❗" if item.required else "○")
    return f"{mark} {item.number}. {html.escape(_short(q.text))}\n    → {html.escape(answer)}"


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
    if event.missing:
        numbers = _numbers(event, event.missing)
        return Reply(
            t(lang, "report.review_missing", count=len(event.missing), numbers=numbers),
            ((Button(t(lang, "report.button.first_missing"), _s(view, "m")),),),
        )
    return Reply(
        t(lang, "report.review_complete"),
        ((Button(t(lang, "report.button.submit"), _s(view, "u")),),),
    )


def _numbers(event: walk.ShowReview, question_ids: Sequence[str]) -> str:
    number_of = {item.question_id: item.number for s in event.sections for item in s.items}
    return ", ".join(str(number_of.get(q, "?")) for q in question_ids)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(view: View, events: Sequence[walk.Event], *, from_press: bool) -> list[Reply]:
    """Replies for the events of one step, in order."""
    lang = view.language
    replies: list[Reply] = []
    review_event = next((e for e in events if isinstance(e, walk.ShowReview)), None)
    only_ask = len(events) == 1 and isinstance(events[0], walk.Ask)
    for event in events:
        match event:
            case walk.Save():
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
            case walk.Invalid(_, code, params):
                replies.append(Reply("⚠️ " + html.escape(walk.problem_message(code, params, lang))))
            case walk.Stale():
                replies.append(Reply(t(lang, "report.stale")))
            case walk.AllAnswered():
                replies.append(Reply(t(lang, "report.all_answered")))
            case walk.ShowReview():
                replies.extend(review(view, event))
            case walk.Missing(question_ids):
                numbers = (
                    _numbers(review_event, question_ids) if review_event else str(len(question_ids))
                )
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
                replies.append(Reply(t(lang, "report.submitted", unit=view.unit_name)))
            case walk.Paused():
                replies.append(Reply(t(lang, "report.paused")))
    return replies


def _is_multi(view: View, event: walk.Ask) -> bool:
    return view.form.question(event.question_id).type is QuestionType.MULTI


def answered_note(view: View, question_id: str, answer: AnswerValue, original_html: str) -> Reply:
    """The pressed question's message, its buttons gone, with the answer given."""
    q = view.form.question(question_id)
    shown = display(q, answer, view.language)
    return Reply(
        Html(f"{original_html}\n\n✅ <b>{html.escape(shown)}</b>"),
        edit_message_id=view.pressed_message_id,
    )


def deadline_th(moment_local_date: object) -> str:
    from datetime import date

    assert isinstance(moment_local_date, date)
    return format_date_th(moment_local_date)

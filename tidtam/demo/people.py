"""The simulated people of the demo: they read the bot's messages and press its buttons.

Each wraps a :class:`~tidtam.fake_telegram.driver.DriverUser` of the fake Telegram and talks to
the real bot over HTTP, as a person on a phone would. Texts and button labels come
from the bot's own message catalogs (:mod:`bot.i18n`), so the people work in Thai and
in English.

- :class:`Reporter` registers with an invite code and, in a sitting, sends
  ``/report`` and answers the questions the bot asks (:mod:`tidtam.demo.answers`
  says what), reviews and submits; it fixes a returned report the same way. Every
  answer goes through the bot: there is no other way into the database.
- :class:`Certifier` (a unit's head) approves (with or without a PDF letter) or
  returns a submission with a reason.
- :func:`register` and :func:`link_group` for anyone else (supervisors, the officer).

A person who does not see what they expect within :data:`TIMEOUT` seconds raises
``AssertionError`` (from the driver) with what the chat showed instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.i18n import catalog, t
from flows.form import Form, Question, QuestionType
from tidtam.demo.answers import SAMPLE_PDF, Intended, typed
from tidtam.demo.scripted import question_asked
from tidtam.fake_telegram.driver import BotMessage, DriverGroup, DriverUser

__all__ = [
    "TIMEOUT",
    "Certifier",
    "Reporter",
    "Texts",
    "link_group",
    "register",
    "wait_until",
]

TIMEOUT = 120.0
_MARKUP = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Texts:
    """The bot's texts in one language: button labels and how messages begin."""

    language: str

    def button(self, key: str) -> str:
        return t(self.language, key)

    def prefix(self, key: str) -> str:
        """The fixed start of message ``key`` (up to its first placeholder), without HTML."""
        template = catalog(self.language).get(key) or catalog("th")[key]
        head = template.split("{", 1)[0]
        return _MARKUP.sub("", head).strip()

    def begins(self, message: BotMessage, key: str) -> bool:
        return message.text.startswith(self.prefix(key))


async def wait_until(
    user: DriverUser | DriverGroup,
    wanted: Callable[[BotMessage], bool],
    timeout: float = TIMEOUT,  # noqa: ASYNC109 - the driver's own timeout
) -> BotMessage:
    """Read the bot's replies until one is ``wanted``; return it."""
    while True:
        message = await user.wait_reply(timeout=timeout)
        if wanted(message):
            return message


async def register(user: DriverUser, code: str, texts: Texts) -> None:
    """``/start CODE`` and wait for the bot to confirm."""
    user.skip_replies()
    await user.send(f"/start {code}")
    await wait_until(user, lambda m: texts.begins(m, "start.registered"))


async def link_group(group: DriverGroup, officer: DriverUser, texts: Texts) -> None:
    """The officer sends ``/linkgroup`` in the province group."""
    await group.send(officer, "/linkgroup")
    await wait_until(group, lambda m: texts.begins(m, "group.linked"))


def question_of(form: Form, message: BotMessage) -> Question | None:
    """The question a bot message asks (None if it asks none)."""
    if message.is_edit:
        return None
    return question_asked(form, message.text)


@dataclass
class Reporter:
    """A unit's reporter answering the form in sittings."""

    user: DriverUser
    form: Form
    intended: list[Intended]
    texts: Texts
    answered: set[str] = field(default_factory=set)
    by_bot: int = 0

    @property
    def remaining(self) -> list[Intended]:
        return [i for i in self.intended if i.question.id not in self.answered]

    async def sit(self, share: float, *, submit: bool) -> str:
        """One sitting: answer up to ``share`` of the form; submit if ``submit``.

        Returns what the sitting ended with: ``"submitted"``, ``"paused"`` or ``"review"``.
        """
        total = len(self.intended)
        target = total if submit else max(len(self.answered) + 1, int(share * total))
        return await self._through_bot(min(target, total), submit)

    async def fix(self) -> str:
        """After a return: ``/report``, answer what the bot asks again, submit."""
        self.answered.clear()  # the bot decides what to ask again
        self.answered.update(i.question.id for i in self.intended)
        return await self._through_bot(len(self.intended), True, again=True)

    async def _through_bot(self, target: int, submit: bool, *, again: bool = False) -> str:
        user, texts = self.user, self.texts
        by_id = {i.question.id: i for i in self.intended}
        user.skip_replies()
        await user.send("/report")
        pressed_submit = pressed_confirm = False
        while True:
            message = await user.wait_reply(timeout=TIMEOUT)
            question = question_of(self.form, message)
            if question is not None:
                fresh = question.id not in self.answered
                if fresh and len(self.answered) >= target and not submit:
                    return "paused"  # the person puts the phone down
                if question.id not in by_id:
                    raise AssertionError(
                        f"{user.name}: the bot asks {question.id}, which this unit's answers "
                        f"do not lead to: {message.text[:200]!r}"
                    )
                await self._answer(message, by_id[question.id], again=not fresh)
                self.answered.add(question.id)
                continue
            if message.is_edit:
                continue
            buttons = message.button_texts
            if texts.button("report.button.submit") in buttons:
                if not submit:
                    return "review"
                if not pressed_submit:
                    pressed_submit = True
                    await user.click(texts.button("report.button.submit"), message)
            elif texts.button("report.button.confirm_submit") in buttons and not pressed_confirm:
                pressed_confirm = True
                await user.click(texts.button("report.button.confirm_submit"), message)
            elif texts.begins(message, "report.submitted"):
                await wait_until(
                    user,
                    lambda m: any(
                        texts.begins(m, k)
                        for k in ("certify.sent_to", "certify.nobody", "certify.not_needed")
                    ),
                )
                return "submitted"

    async def _answer(self, message: BotMessage, intended: Intended, *, again: bool) -> None:
        user = self.user
        self.by_bot += 1
        how = typed(intended)
        if how.upload:
            await user.send_document(SAMPLE_PDF, "ผลการดำเนินงาน.pdf", "application/pdf")
            return
        if how.text is not None:
            text = how.text
            if again and intended.question.type is QuestionType.INTEGER:
                text = str(int(str(intended.answer.value)) + 1)  # the corrected figure
            await user.send(text)
            return
        shown = message
        for button in how.buttons:
            await user.click(button, shown)
            if button.startswith("☐"):
                shown = await user.wait_reply(timeout=TIMEOUT)  # the keyboard, toggled
        if intended.question.type is QuestionType.MULTI:
            await user.click(self.texts.button("report.button.done"), shown)


@dataclass
class Certifier:
    """A unit's head: certifies or returns what the unit submits."""

    user: DriverUser
    texts: Texts

    async def _request(self) -> BotMessage:
        approve = self.texts.button("certify.button.approve")
        return await wait_until(self.user, lambda m: not m.is_edit and approve in m.button_texts)

    async def approve(self, *, letter: bool) -> None:
        """Certify the latest request; attach a PDF letter or decline to."""
        texts, user = self.texts, self.user
        request = await self._request()
        await user.click(texts.button("certify.button.approve"), request)
        no_letter = texts.button("certify.button.no_letter")
        await wait_until(user, lambda m: no_letter in m.button_texts)
        if letter:
            await user.send_document(SAMPLE_PDF, "หนังสือรับรอง.pdf", "application/pdf")
            await wait_until(user, lambda m: texts.begins(m, "certify.letter_saved"))
        else:
            await user.click(no_letter)
            await wait_until(user, lambda m: texts.begins(m, "certify.no_letter"))

    async def give_back(self, reason: str) -> None:
        """Return the latest request with ``reason``."""
        texts, user = self.texts, self.user
        request = await self._request()
        await user.click(texts.button("certify.button.return"), request)
        await wait_until(user, lambda m: texts.begins(m, "certify.ask_reason"))
        await user.send(reason)
        await wait_until(user, lambda m: texts.begins(m, "certify.returned"))

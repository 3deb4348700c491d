"""A scripted reporter: reads each question the bot asks and answers it by type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flows.form import Form, Question
from tidtam.demo.scripted import question_asked, typical_answer
from tidtam.fake_telegram.driver import BotMessage, DriverUser


def question_of(form: Form, message: BotMessage) -> Question | None:
    """The question a bot message asks (it must be one of ``form``'s if it shows a place)."""
    return question_asked(form, message.text, strict=True)


@dataclass
class Reporter:
    """Answers every question the bot asks until the review comes."""

    user: DriverUser
    form: Form
    answer: Callable[[Question], str | tuple[str, ...]] = typical_answer
    asked: list[str] = field(default_factory=list)

    async def answer_all(
        self, first: BotMessage, limit: int = 200, *, stop_at: str | None = None
    ) -> BotMessage:
        """Answer until the walk ends (or ``stop_at`` is asked); the message reached."""
        message = first
        for _ in range(limit):
            question = question_of(self.form, message)
            if question is None or question.id == stop_at:
                return message
            message = await self.answer_one(message)
        raise AssertionError("the form did not end")

    async def answer_one(self, message: BotMessage) -> BotMessage:
        """Answer the question ``message`` asks; the next message that asks or ends."""
        question = question_of(self.form, message)
        assert question is not None, message.text
        self.asked.append(question.id)
        given = self.answer(question)
        if isinstance(given, str):
            await self.user.send(given)
        else:
            for button in given:
                await self.user.click(button, message)
                if button.startswith("☐"):
                    message = await self.next_question()
        return await self.next_question()

    async def next_question(self) -> BotMessage:
        """The next message that asks a question or ends the walk (skipping notes)."""
        while True:
            message = await self.user.wait_reply(timeout=10)
            if message.is_edit and not message.buttons:
                continue  # the answered question, its buttons gone
            return message


async def wait_for(user: DriverUser, text: str, timeout: float = 10.0) -> BotMessage:
    """Skip replies until one containing ``text`` arrives."""
    seen = []
    while True:
        try:
            message = await user.wait_reply(timeout=timeout)
        except AssertionError as error:
            raise AssertionError(f"no reply with {text!r}; seen: {seen}") from error
        if text in message.text:
            return message
        seen.append(message.text[:80])

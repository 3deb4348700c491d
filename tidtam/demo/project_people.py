"""A unit's reporter of the quarterly project form, talking to the real bot.

Like :class:`tidtam.demo.people.Reporter`, but for a form of repeat groups and for a
round that continues from the last one. The reporter reads each message the bot
sends and answers what it asks (:func:`tidtam.demo.scripted.asked_in`):

- a repeat group ("➕ เพิ่มโครงการ" / "เสร็จ ✔"): adds an item while the list is
  shorter than the unit's, else closes it;
- an item's question ("ข้อ 1.1.1.1 (โครงการที่ 2) · ..."), or a top-level one:
  gives the unit's answer to that key; if the bot shows last quarter's answer
  ("✔ ยังเป็นเหมือนเดิม") and it still holds, presses the keep button;
- the bot's question whether a number that moved far is right: "ใช่";
- the review: submits, and confirms.

It counts what it did (:class:`~tidtam.demo.project_answers.Tally`), from what the
bot showed it, and remembers its answers for the next quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import t
from flows.form import Form, in_language
from tidtam.demo.answers import SAMPLE_PDF, Intended, typed
from tidtam.demo.people import TIMEOUT, Texts, wait_until
from tidtam.demo.project_answers import Quarter, Tally
from tidtam.demo.scripted import CHANGE_ASKED, Asked, asked_in
from tidtam.fake_telegram.driver import BotMessage, DriverUser

__all__ = ["ProjectReporter"]

_CERTIFY = ("certify.sent_to", "certify.nobody", "certify.not_needed")


@dataclass
class ProjectReporter:
    """A unit's reporter: one quarter at a time (:meth:`report`)."""

    user: DriverUser
    form: Form
    texts: Texts
    last: Quarter | None = None  # what the unit reported the quarter before
    tallies: list[Tally] = field(default_factory=list)

    async def report(self, quarter: Quarter) -> Tally:
        """``/report``, answer everything the bot asks as ``quarter`` says, submit."""
        tally = Tally()
        user, texts = self.user, self.texts
        carried_lists: set[str] = set()
        user.skip_replies()
        await user.send("/report")
        pressed_submit = pressed_confirm = False
        while True:
            message = await user.wait_reply(timeout=TIMEOUT)
            if message.is_edit:
                continue
            if CHANGE_ASKED.search(message.text):
                await user.send("ใช่" if texts.language == "th" else "yes")
                tally.confirmed += 1
                continue
            asked = asked_in(self.form, message.text)
            if asked is not None:
                if asked.question.repeat:
                    await self._group(message, asked, quarter, carried_lists, tally)
                else:
                    await self._answer(message, asked, quarter, tally)
                continue
            buttons = message.button_texts
            if texts.button("report.button.submit") in buttons and not pressed_submit:
                pressed_submit = True
                await user.click(texts.button("report.button.submit"), message)
            elif texts.button("report.button.confirm_submit") in buttons and not pressed_confirm:
                pressed_confirm = True
                await user.click(texts.button("report.button.confirm_submit"), message)
            elif texts.begins(message, "report.submitted"):
                await wait_until(user, lambda m: any(texts.begins(m, k) for k in _CERTIFY))
                break
        self.last = quarter
        self.tallies.append(tally)
        return tally

    async def _group(
        self,
        message: BotMessage,
        asked: Asked,
        quarter: Quarter,
        carried_lists: set[str],
        tally: Tally,
    ) -> None:
        """Add an item while the list is short of the unit's; then close it."""
        texts, q = self.texts, asked.question
        if asked.key not in quarter.items:
            raise AssertionError(
                f"{self.user.name}: the bot asks for the list {asked.key}, which this unit's "
                f"answers do not lead to: {message.text[:200]!r}"
            )
        item = in_language(q.item, q.item_en, texts.language)
        if t(texts.language, "report.items_carried", item=item) in message.text:
            carried_lists.add(asked.key)
        if asked.listed < quarter.items[asked.key]:
            await self.user.click(t(texts.language, "report.button.add_item", item=item), message)
            tally.added += 1
            return
        await self.user.click(texts.button("report.button.done"), message)
        tally.closed += asked.key in carried_lists

    async def _answer(
        self, message: BotMessage, asked: Asked, quarter: Quarter, tally: Tally
    ) -> None:
        """Give the unit's answer to the question asked, or keep last quarter's."""
        intended = quarter.answers.get(asked.key)
        if intended is None:
            raise AssertionError(
                f"{self.user.name}: the bot asks {asked.key}, which this unit's answers "
                f"do not lead to: {message.text[:200]!r}"
            )
        tally.given += 1
        keep = self.texts.button("report.button.keep")
        before = self.last.answers.get(asked.key) if self.last is not None else None
        if keep in message.button_texts:
            if before is not None and before.answer == intended.answer:
                await self.user.click(keep, message)
                tally.kept += 1
                return
            tally.changed += 1
        else:
            tally.fresh += 1
        await self._give(message, intended)

    async def _give(self, message: BotMessage, intended: Intended) -> None:
        if intended.upload:
            await self.user.send_document(SAMPLE_PDF, "ภาพกิจกรรม.pdf", "application/pdf")
            return
        if intended.answer.skipped:
            await self.user.click(self.texts.button("report.button.skip"), message)
            return
        how = typed(intended)
        if how.text is not None:
            await self.user.send(how.text)
            return
        for button in how.buttons:
            await self.user.click(button, message)

"""Registering with an invite code, without Telegram: every outcome and refusal."""

from __future__ import annotations

from datetime import timedelta

from storage.chat_states import load_chat_state
from storage.db import transaction
from tidtam.core.invite_codes import format_code
from tidtam.core.vocabulary import Role
from tidtam.services.registration import (
    AWAITING_CODE,
    MAX_WRONG_TRIES,
    WRONG_TRIES_WINDOW,
    Newcomer,
    Outcome,
    register,
    start,
)

from .conftest import NOW, Province

SCHOOL = "1067010001"
ALICE = Newcomer(501, "ครูอลิซ", "th")
BOB = Newcomer(502, "ครูบ็อบ")


async def mode_of(province: Province, user_id: int) -> str:
    async with transaction(province.sessions) as session:
        return (await load_chat_state(session, user_id)).mode


async def test_a_good_code_registers_once(province: Province) -> None:
    code = await province.invite(SCHOOL)
    result = await register(province.sessions, ALICE, format_code(code).lower(), NOW)
    assert result.outcome is Outcome.REGISTERED
    assert result.membership is not None
    assert result.membership.role is Role.REPORTER
    assert result.membership.unit_name == "โรงเรียนอนุบาลเพชรบูรณ์"
    assert result.membership.language == "th"
    again = await register(province.sessions, ALICE, code, NOW)
    assert again.outcome is Outcome.ALREADY and again.membership == result.membership
    assert await mode_of(province, ALICE.telegram_user_id) == "idle"


async def test_someone_elses_used_code_is_refused(province: Province) -> None:
    code = await province.invite(SCHOOL)
    await register(province.sessions, ALICE, code, NOW)
    result = await register(province.sessions, BOB, code, NOW)
    assert result.outcome is Outcome.USED and result.membership is None


async def test_an_expired_code_is_refused(province: Province) -> None:
    code = await province.invite(SCHOOL, valid_for=timedelta(days=1))
    result = await register(province.sessions, ALICE, code, NOW + timedelta(days=1))
    assert result.outcome is Outcome.EXPIRED
    assert (await start(province.sessions, ALICE, None, NOW)).outcome is Outcome.ASK_CODE


async def test_wrong_codes_count_down_then_lock_even_a_good_code(province: Province) -> None:
    for left in range(MAX_WRONG_TRIES - 1, 0, -1):
        result = await register(province.sessions, ALICE, " abcde-fghjk ", NOW)
        assert result.outcome is Outcome.WRONG
        assert result.tries_left == left and result.code == "abcde-fghjk"
    assert await mode_of(province, ALICE.telegram_user_id) == AWAITING_CODE
    fifth = await register(province.sessions, ALICE, "not a code at all", NOW)
    assert fifth.outcome is Outcome.LOCKED and fifth.retry_after == WRONG_TRIES_WINDOW
    good = await province.invite(SCHOOL)
    later = NOW + timedelta(minutes=5)
    locked = await register(province.sessions, ALICE, good, later)
    assert locked.outcome is Outcome.LOCKED
    assert locked.retry_after == WRONG_TRIES_WINDOW - timedelta(minutes=5)
    other = await register(province.sessions, BOB, "abcde-fghjk", later)  # per person
    assert other.outcome is Outcome.WRONG and other.tries_left == MAX_WRONG_TRIES - 1
    after = await register(province.sessions, ALICE, good, NOW + WRONG_TRIES_WINDOW)
    assert after.outcome is Outcome.REGISTERED


async def test_one_person_may_hold_several_memberships(province: Province) -> None:
    first = await register(province.sessions, ALICE, await province.invite(SCHOOL), NOW)
    head = await province.invite(SCHOOL, Role.HEAD)
    second = await register(province.sessions, ALICE, head, NOW)
    assert first.outcome is second.outcome is Outcome.REGISTERED
    assert second.membership is not None and second.membership.role is Role.HEAD
    assert [m.role for m in second.memberships] == [Role.REPORTER, Role.HEAD]
    back = await start(province.sessions, ALICE, None, NOW)
    assert back.outcome is Outcome.WELCOME_BACK and back.memberships == second.memberships


async def test_start_without_a_code_asks_for_one(province: Province) -> None:
    result = await start(province.sessions, BOB, None, NOW)
    assert result.outcome is Outcome.ASK_CODE
    assert await mode_of(province, BOB.telegram_user_id) == AWAITING_CODE
    code = await province.invite("PBN-ESA1", Role.SUPERVISOR)
    registered = await start(province.sessions, BOB, code, NOW)
    assert registered.outcome is Outcome.REGISTERED
    assert await mode_of(province, BOB.telegram_user_id) == "idle"

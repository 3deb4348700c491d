"""Creating invite codes for units, without the command line."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Invite
from tidtam.core.vocabulary import Role
from tidtam.services.invites import Refusal, invite_link, invite_units
from tidtam.services.registration import Newcomer, Outcome, register

from .conftest import NOW, Province


async def test_one_code_per_unit_with_its_link(province: Province) -> None:
    result = await invite_units(
        province.sessions,
        Role.SUPERVISOR,
        kinds=["esa"],
        now=NOW,
        valid_for=timedelta(days=30),
        bot_username="@tidtam_bot",
    )
    assert result.refusal is None
    codes = [i.invite.unit_code for i in result.issued]
    assert codes == ["PBN-ESA1", "PBN-ESA2", "PBN-ESA3", "PBN-SEC"]
    first = result.issued[0]
    assert first.link == f"https://t.me/tidtam_bot?start={first.invite.code}"
    assert first.invite.expires_at == NOW + timedelta(days=30)
    async with transaction(province.sessions) as session:
        stored = await session.scalar(
            select(func.count(Invite.id)).where(Invite.role == "supervisor")
        )
        plain = await session.scalar(
            select(func.count(Invite.id)).where(Invite.code_hash == first.invite.code)
        )
    assert stored == 4 and plain == 0  # only hashes are stored
    registered = await register(province.sessions, Newcomer(9, "ผู้กำกับ"), first.invite.code, NOW)
    assert registered.outcome is Outcome.REGISTERED
    assert registered.membership is not None and registered.membership.role is Role.SUPERVISOR


async def test_one_unit_by_code_without_a_username(province: Province) -> None:
    result = await invite_units(
        province.sessions, Role.HEAD, unit_code="1067010001", now=NOW, valid_for=timedelta(days=1)
    )
    [only] = result.issued
    assert only.invite.unit_name == "โรงเรียนอนุบาลเพชรบูรณ์" and only.link == ""
    assert invite_link(None, only.invite.code) == ""


async def test_unknown_unit_and_empty_kinds_are_refused(province: Province) -> None:
    unknown = await invite_units(
        province.sessions, Role.REPORTER, unit_code="NOPE", now=NOW, valid_for=timedelta(days=1)
    )
    assert unknown.refusal is Refusal.UNKNOWN_UNIT and unknown.params == {"unit": "NOPE"}
    assert unknown.issued == []
    empty = await invite_units(
        province.sessions, Role.REPORTER, kinds=["castle"], now=NOW, valid_for=timedelta(days=1)
    )
    assert empty.refusal is Refusal.NO_UNITS and empty.params == {"kinds": "castle"}
    async with transaction(province.sessions) as session:
        assert await session.scalar(select(func.count(Invite.id))) == 0

"""Many reporters at once, for the fan-out tests: one INSERT, spread over the schools."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Unit
from tidtam.core.vocabulary import Role


async def add_school_reporters(
    session: AsyncSession, count: int, *, first_user_id: int
) -> list[int]:
    """``count`` reporters over the province's schools, in turn; their Telegram user ids."""
    schools = (await session.scalars(select(Unit.id).where(Unit.kind == "school"))).all()
    user_ids = [first_user_id + n for n in range(count)]
    await session.execute(
        insert(Member),
        [
            {
                "telegram_user_id": user_id,
                "unit_id": schools[n % len(schools)],
                "role": Role.REPORTER.value,
                "display_name": f"ครู {n}",
            }
            for n, user_id in enumerate(user_ids)
        ],
    )
    return user_ids

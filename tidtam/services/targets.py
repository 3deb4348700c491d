"""Import a targets file (ค่าเป้าหมาย): check every row, then store all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.form import NUMBER_TYPES
from storage.db import transaction
from storage.forms import form_of, newest_version
from storage.models import Unit
from storage.targets import replace_targets
from tidtam.core.targetsfile import check_targets, read_targets_file
from tidtam.core.unitsfile import UnitsFileError, UnitsFileProblem

__all__ = ["TargetsImport", "import_targets_file"]


@dataclass(frozen=True, slots=True)
class TargetsImport:
    """What an import stored: how many targets, for which form and periods."""

    form_code: str
    stored: int
    periods: tuple[str, ...]


async def import_targets_file(
    sessions: async_sessionmaker[AsyncSession], path: Path, form_code: str
) -> TargetsImport:
    """Store the targets of ``path`` for the form ``form_code``, in one transaction.

    Raises :class:`~tidtam.core.unitsfile.UnitsFileError` with every problem, placed by
    row and column, before anything is written (an unknown form is one problem).
    """
    file, rows = read_targets_file(path)
    async with transaction(sessions) as session:
        version = await newest_version(session, form_code)
        if version is None:
            raise UnitsFileError(
                [UnitsFileProblem(file, None, None, f'no stored form "{form_code}"')]
            )
        form = form_of(version)
        questions: dict[str, str] = {}
        for section in form.sections:
            for indicator in section.indicators:
                numbers = [q for q in indicator.questions if q.type in NUMBER_TYPES]
                for q in numbers:
                    questions[q.id] = questions[q.no] = q.id
                if len(numbers) == 1:  # an indicator's target is its one number's
                    questions[indicator.id] = questions[indicator.no] = numbers[0].id
        found = await session.execute(select(Unit.code, Unit.id))
        units = {code: unit_id for code, unit_id in found.all()}
        good, problems = check_targets(file, rows, unit_codes=units.keys(), questions=questions)
        if problems:
            raise UnitsFileError(problems)
        stored = await replace_targets(
            session,
            form_code,
            [(units[r.unit_code], r.question_id, r.period, r.value) for r in good],
            now=datetime.now(UTC),
        )
    return TargetsImport(form_code, stored, tuple(sorted({r.period for r in good})))

"""Form versions: immutable copies of loaded questionnaire files."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.form import Form, form_from_dict, form_to_dict
from storage import audit
from storage.errors import Conflict, NotFound
from storage.models import FormVersion


async def store_form(
    session: AsyncSession, form: Form, source: str, *, actor: int | None = None
) -> FormVersion:
    """Store ``form`` as a new version: the one it names, or the next free one."""
    newest = await session.scalar(
        select(func.max(FormVersion.version)).where(FormVersion.code == form.code)
    )
    if form.version is None:
        version = (newest or 0) + 1
    else:
        version = form.version
        taken = await session.scalar(
            select(FormVersion.id).where(
                FormVersion.code == form.code, FormVersion.version == version
            )
        )
        if taken is not None:
            raise Conflict(
                f'form "{form.code}" version {version} is already loaded; versions never '
                f"change once loaded: remove the version line or give version {(newest or 0) + 1}"
            )
    row = FormVersion(
        code=form.code,
        version=version,
        title=form.title,
        definition=form_to_dict(replace(form, version=version)),
        source=source,
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )
    session.add(row)
    await session.flush()
    audit.record(session, "forms.load", actor=actor, form=form.code, version=version)
    return row


async def newest_version(session: AsyncSession, code: str) -> FormVersion | None:
    return await session.scalar(
        select(FormVersion)
        .where(FormVersion.code == code)
        .order_by(FormVersion.version.desc())
        .limit(1)
    )


async def form_by_version_id(session: AsyncSession, form_version_id: int) -> Form:
    """The form model of a stored version, reading only its definition."""
    definition = await session.scalar(
        select(FormVersion.definition).where(FormVersion.id == form_version_id)
    )
    if definition is None:
        raise NotFound(f"no form version {form_version_id}")
    return form_from_dict(definition)


def form_of(row: FormVersion) -> Form:
    """The form model of a stored version."""
    return form_from_dict(row.definition)

"""Form versions: immutable copies of loaded questionnaire files."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
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


class FormCache:
    """Parsed form versions, the most recently used ``size`` of them.

    A version never changes once stored, but its id is only unique within one
    database, and one process (the demo, the tests, the CLI) may open several: the
    key is the database's identity (its URL and its engine object) with the id.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._forms: OrderedDict[tuple[str, int, int], Form] = OrderedDict()

    async def get(self, session: AsyncSession, form_version_id: int) -> Form:
        """The form of this version in the session's database, parsed once."""
        bind = session.get_bind()
        key = (bind.engine.url.render_as_string(), id(bind.engine), form_version_id)
        form = self._forms.get(key)
        if form is None:
            form = await form_by_version_id(session, form_version_id)
            self._forms[key] = form
            if len(self._forms) > self.size:
                self._forms.popitem(last=False)
        else:
            self._forms.move_to_end(key)
        return form

    def __len__(self) -> int:
        return len(self._forms)


#: The process's cache of parsed forms (bounded; keyed by database and version id).
forms = FormCache()


async def cached_form(session: AsyncSession, form_version_id: int) -> Form:
    """:func:`form_by_version_id`, parsed once per database and version (see :class:`FormCache`)."""
    return await forms.get(session, form_version_id)


def form_of(row: FormVersion) -> Form:
    """The form model of a stored version."""
    return form_from_dict(row.definition)


async def form_version(session: AsyncSession, code: str, version: int | None) -> FormVersion:
    """The stored version ``version`` of form ``code`` (the newest if None); NotFound if none."""
    if version is None:
        row = await newest_version(session, code)
    else:
        row = await session.scalar(
            select(FormVersion).where(FormVersion.code == code, FormVersion.version == version)
        )
    if row is None:
        which = "any version" if version is None else f"version {version}"
        raise NotFound(f'no form "{code}" ({which}) is loaded: see tidtam forms load')
    return row

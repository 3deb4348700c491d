"""The sample province and form shipped for demos, tests and the README walkthrough."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from flows.form_loader import load_form_file
from storage.forms import store_form
from storage.models import Round
from storage.rounds import open_round
from tidtam.core.unitsfile import scan_units_file
from tidtam.core.vocabulary import Certify
from tidtam.services.units import import_scan

HERE = Path(__file__).resolve().parent
UNITS_FILE = HERE / "units.csv"
FORM_FILE = HERE / "form.yaml"
#: The quarterly project-progress form (repeat groups of projects and activities).
PROJECTS_FILE = HERE / "projects.yaml"
#: The officers' starting template (``tidtam forms template``): the YAML and its workbook.
TEMPLATE_FILE = HERE / "template.yaml"
TEMPLATE_WORKBOOK = HERE / "template.xlsx"


async def seed_sample_province(
    session: AsyncSession,
    *,
    opens_at: datetime,
    deadline: datetime,
    kinds: Sequence[str] | None = ("esa", "school"),
    certify: Certify = Certify.HEAD,
    period: str = "2567",
    units_file: Path = UNITS_FILE,
    form_file: Path = FORM_FILE,
) -> Round:
    """Import the sample units and form and open a round, in the session's transaction."""
    await import_scan(session, scan_units_file(units_file))
    source = await asyncio.to_thread(form_file.read_text, encoding="utf-8")
    version = await store_form(session, load_form_file(form_file), source)
    return await open_round(
        session,
        form=version,
        period=period,
        opens_at=opens_at,
        deadline=deadline,
        kinds=kinds,
        certify=certify,
    )

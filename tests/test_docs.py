"""The documents in the repository stay true: they point only inside it, and the
commands, settings and example form they name exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer.main

from flows.form_loader import load_form
from tidtam.cli import app
from tidtam.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design.md"
FORMS = ROOT / "docs" / "forms.md"


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.decode().split("\0") if name]


def section(text: str, number: int) -> str:
    """The body of ``## <number>. ...`` up to the next ``## `` heading."""
    match = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"docs/design.md has no section {number}"
    return match.group(0)


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


# ------------------------------------------------------------ nothing outside


def test_no_tracked_file_points_outside_the_repository() -> None:
    outside = ("../" + "shared", "DESIGN" + " §", "DESIGN" + ".md")
    found = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the work tree
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}: {needle}" for needle in outside if needle in text]
    assert found == []


def test_relative_links_of_the_documents_resolve_inside_the_repository() -> None:
    broken = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text("utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            resolved = (doc.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []


# ------------------------------------------------------------ design.md §3


def cli_commands() -> dict[tuple[str, ...], Any]:
    """Every command of ``tidtam`` by its path, e.g. ``("rounds", "open")``.

    Typer builds click-style commands (groups have ``commands``, commands ``params``).
    """
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
        else:
            found[path] = command

    walk(typer.main.get_command(app), ())
    return found


def built_commands() -> list[tuple[tuple[str, ...], set[str]]]:
    """The commands of design.md §3's first block (built today), with their options."""
    block = code_blocks(section(DESIGN.read_text("utf-8"), 3))[0]
    commands: list[tuple[tuple[str, ...], set[str]]] = []
    for line in block.splitlines():
        line = line.split("#", 1)[0]
        if line.startswith("tidtam "):
            commands.append((tuple(_leading(line.split()[1:])), set()))
        assert commands, f"design.md §3: a line before the first command: {line!r}"
        commands[-1][1].update(re.findall(r"--[a-z][a-z-]*", line))
    return commands


def _leading(words: list[str]) -> list[str]:
    """The subcommand words: those before the first argument or option."""
    path = []
    for word in words:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        path.append(word)
    return path


def test_every_command_built_in_design_section_3_exists_with_its_options() -> None:
    existing = cli_commands()
    commands = built_commands()
    assert len(commands) >= 10
    for path, options in commands:
        assert path in existing, f"design.md §3 names `tidtam {' '.join(path)}`; it does not exist"
        known = {opt for p in existing[path].params for opt in (*p.opts, *p.secondary_opts)}
        assert options <= known, f"tidtam {' '.join(path)}: no option {sorted(options - known)}"


def test_every_command_of_the_cli_is_named_in_design_section_3() -> None:
    text = section(DESIGN.read_text("utf-8"), 3)
    for path in cli_commands():
        name = " ".join(path)
        pattern = rf"(?:tidtam |\| ){re.escape(name)}(?![\w-])"
        assert re.search(pattern, text), f"add `tidtam {name}` to docs/design.md §3"


def test_the_settings_of_design_section_3_are_the_settings() -> None:
    text = section(DESIGN.read_text("utf-8"), 3)
    named = set(re.findall(r"^\| `TIDTAM_([A-Z_]+)`", text, re.MULTILINE))
    assert {name.lower() for name in named} == set(Settings.model_fields)


# ------------------------------------------------------------------ forms.md


def test_the_example_form_of_forms_md_is_valid() -> None:
    text = FORMS.read_text("utf-8")
    marker = text.index("<!-- example-form:")
    block = code_blocks(text[marker:])[0]
    form = load_form(block, "docs/forms.md")
    assert form.code == "pb-plan-2567"
    assert {p.question.type.value for p in form.questions()} == {
        "choice",
        "multi",
        "text",
        "integer",
        "decimal",
        "date",
        "file",
    }

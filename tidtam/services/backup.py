"""Backup and restore: one archive with the database and the uploaded files.

The archive (a gzip'd tar) holds ``manifest.json``, the database (``database.sqlite``
made with SQLite's online backup, or ``database.pgdump`` from ``pg_dump
--format=custom``) and ``files/<key>`` for every attached file. The manifest records
the schema revision, the counts and sha256 of the answers and attachments *as in the
dumped database* (on PostgreSQL the digest and pg_dump read one exported snapshot), and
each file's sha256. The bot keeps running meanwhile: files are content-addressed and
written before their row commits, so every file the dump names is on disk.

A restore goes into an empty database and data folder (``force`` replaces what is
there), then checks the answers and files against the manifest.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import create_engine
from storage.digest import Digest, attachment_files, digest
from storage.schema import current_revision

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite"
PGDUMP_NAME = "database.pgdump"


class BackupError(Exception):
    """Why a backup or a restore cannot be done (a message for the administrator)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    dialect: str
    revision: str | None
    digest: Digest
    files: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    dialect: str
    expected: Digest
    found: Digest
    files: int
    bad_files: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.expected == self.found and not self.bad_files


def _dialect(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database {name!r}: only SQLite and PostgreSQL")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: nothing to back up or restore")
    return Path(database)


def pg_tool(name: str, configured: str | None) -> str:
    """The path of ``pg_dump``/``pg_restore``: the setting, else found on the PATH."""
    found = configured or shutil.which(name)
    if not found or not Path(found).exists():
        setting = f"TIDTAM_{name.upper()}"
        raise BackupError(
            f"{name} was not found"
            + (f" at {configured}" if configured else " on the PATH")
            + f": install PostgreSQL's client programs (Debian: apt install postgresql-client,"
            f" the server's major version or newer) or set {setting} to its path"
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the pg tools and an environment with the password."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


async def _run(*command: str, env: dict[str, str] | None = None) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed ({process.returncode}): "
            f"{err.decode(errors='replace').strip()}"
        )


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


async def _inventory(connection: AsyncConnection) -> tuple[Digest, list[tuple[str, str]]]:
    return await digest(connection), await attachment_files(connection)


async def backup(
    url: str, files_dir: Path, target: Path, *, pg_dump: str | None = None
) -> BackupResult:
    """Write one consistent archive of the database at ``url`` and the files to ``target``."""
    dialect = _dialect(url)
    with tempfile.TemporaryDirectory(prefix="tidtam-backup-") as scratch:
        work = Path(scratch)
        if dialect == "sqlite":
            source = _sqlite_path(url)
            copy = work / SQLITE_NAME
            await asyncio.to_thread(_sqlite_copy, source, copy, must_exist=True)
            engine = create_engine(f"sqlite+aiosqlite:///{copy}")
            try:
                revision = await current_revision(engine)
                async with engine.connect() as connection:
                    found, files = await _inventory(connection)
            finally:
                await engine.dispose()
            await asyncio.to_thread(_checkpointed, copy)
            dump = copy
        else:
            program = pg_tool("pg_dump", pg_dump)
            dump = work / PGDUMP_NAME
            engine = create_engine(url)
            try:
                revision = await current_revision(engine)
                async with engine.connect() as plain:
                    connection = await plain.execution_options(isolation_level="REPEATABLE READ")
                    async with connection.begin():
                        snapshot = await connection.scalar(text("SELECT pg_export_snapshot()"))
                        found, files = await _inventory(connection)
                        dsn, env = _libpq(url)
                        await _run(
                            program,
                            "--format=custom",
                            f"--snapshot={snapshot}",
                            f"--file={dump}",
                            f"--dbname={dsn}",
                            env=env,
                        )
            finally:
                await engine.dispose()
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "dialect": dialect,
            "revision": revision,
            "digest": found.to_dict(),
            "files": [[key, sha] for key, sha in files],
        }
        await asyncio.to_thread(_write_archive, target, manifest, dump, files_dir, files)
    return BackupResult(target, dialect, revision, found, len(files))


def _sqlite_copy(source: Path, target: Path, *, must_exist: bool = False) -> None:
    """SQLite's online backup: a consistent copy while others read and write."""
    if must_exist and not source.exists():
        raise BackupError(f"there is no database at {source}")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _checkpointed(copy: Path) -> None:
    """Fold the copy's write-ahead log into it: the archive holds one file."""
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    for leftover in (copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _write_archive(
    target: Path,
    manifest: dict[str, object],
    dump: Path,
    files_dir: Path,
    files: list[tuple[str, str]],
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(datetime.now(UTC).timestamp())
        archive.addfile(info, io.BytesIO(data))
        archive.add(dump, arcname=dump.name)
        for key, sha in files:
            path = files_dir / key
            if not path.exists():
                raise BackupError(f"the file {key} of an attachment is missing from {files_dir}")
            if _sha256_file(path) != sha:
                raise BackupError(f"the file {key} does not match its sha256 {sha}")
            archive.add(path, arcname=f"files/{key}")
    os.replace(partial, target)


# ------------------------------------------------------------------ restore


def _read_manifest(archive: tarfile.TarFile) -> dict[str, object]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("not a tidtam backup: it has no manifest.json") from None
    if member is None:
        raise BackupError("not a tidtam backup: manifest.json is not a file")
    manifest = json.loads(member.read())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("this backup was made by another version of tidtam (unknown format)")
    return manifest


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with sqlite3.connect(path) as connection:
        count = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(count) == 0


async def _database_is_empty(url: str, dialect: str) -> bool:
    if dialect == "sqlite":
        return await asyncio.to_thread(_sqlite_is_empty, _sqlite_path(url))
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(
                text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            )
    finally:
        await engine.dispose()
    return int(count or 0) == 0


def _folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def _unpack(source: Path, work: Path) -> dict[str, object]:
    """Read the manifest and extract the dump and the files into ``work``."""
    if not source.is_file():
        raise BackupError(f"there is no file {source}")
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _read_manifest(archive)
            wanted = [
                m
                for m in archive.getmembers()
                if m.name.startswith("files/") or m.name in (SQLITE_NAME, PGDUMP_NAME)
            ]
            archive.extractall(work, members=wanted, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{source} is not a readable tidtam backup: {error}") from None
    return manifest


def _place_files(work: Path, files_dir: Path, listed: list[list[str]]) -> tuple[str, ...]:
    """Copy the archive's files into the store; the keys missing or not matching their hash."""
    bad = []
    for key, sha in listed:
        incoming = work / "files" / key
        destination = files_dir / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        if incoming.is_file():
            shutil.copyfile(incoming, destination)
        if not destination.is_file() or _sha256_file(destination) != sha:
            bad.append(key)
    return tuple(bad)


async def restore(
    url: str,
    files_dir: Path,
    source: Path,
    *,
    force: bool = False,
    pg_restore: str | None = None,
) -> RestoreResult:
    """Restore ``source`` into the database at ``url`` and ``files_dir``, then check it."""
    dialect = _dialect(url)
    with tempfile.TemporaryDirectory(prefix="tidtam-restore-") as scratch:
        work = Path(scratch)
        manifest = await asyncio.to_thread(_unpack, source, work)
        if manifest.get("dialect") != dialect:
            raise BackupError(
                f"this backup is of a {manifest.get('dialect')} database and cannot be "
                f"restored into {dialect}"
            )
        if not force:
            problems = []
            if not await _database_is_empty(url, dialect):
                problems.append("the database is not empty")
            if not await asyncio.to_thread(_folder_is_empty, files_dir):
                problems.append(f"the files folder {files_dir} is not empty")
            if problems:
                raise BackupError(
                    "; ".join(problems)
                    + ": restore into a new one, or give --force to replace what is there"
                )
        if dialect == "sqlite":
            target = _sqlite_path(url)
            await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(_sqlite_copy, work / SQLITE_NAME, target)
        else:
            program = pg_tool("pg_restore", pg_restore)
            dsn, env = _libpq(url)
            options = ["--clean", "--if-exists"] if force else []
            await _run(
                program,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *options,
                f"--dbname={dsn}",
                str(work / PGDUMP_NAME),
                env=env,
            )
        listed = manifest.get("files") or []
        assert isinstance(listed, list)
        bad = await asyncio.to_thread(_place_files, work, files_dir, listed)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await digest(connection)
    finally:
        await engine.dispose()
    expected_data = manifest.get("digest")
    assert isinstance(expected_data, dict)
    return RestoreResult(dialect, Digest.from_dict(expected_data), found, len(listed), bad)

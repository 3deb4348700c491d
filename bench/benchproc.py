"""The benchmarks' view of a process: its CPU time and memory from /proc, and stopping it.

Also :func:`collector_paused`, which keeps the benchmark's own garbage collector out of
a measured phase.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_memory(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0])
    return found


async def stop(process: subprocess.Popen[bytes], within: float = 60.0) -> None:
    """SIGTERM, waiting without blocking the loop: the stand-in must answer the last polls."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    waited = 0.0
    while process.poll() is None and waited < within:
        await asyncio.sleep(0.1)
        waited += 0.1
    if process.poll() is None:
        process.kill()
        process.wait()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with this process's cyclic garbage collector off.

    The stand-in and the simulated people share the benchmark's process, and the stand-in
    takes the times. With a thousand people their objects are many, and a full collection
    stopped that process for about 300 ms every 7 s or so: every update in flight then
    looked 300 ms slower, though the bot had done nothing. (Reference counting still
    frees almost everything; the phase is bounded, and the process's peak memory is
    reported.)
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def measured(script: str, what: str, *arguments: str) -> dict[str, object]:
    """Run ``script --measure what ARGUMENTS`` in a fresh Python process (its peak memory is
    its own) and read the JSON line it prints last; exit with its error if it fails."""
    import json
    import sys

    completed = subprocess.run(
        [sys.executable, script, "--measure", what, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise SystemExit(f"{what} failed:\n{completed.stderr}")
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result

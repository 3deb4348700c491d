"""The benchmarks' view of a process: its CPU time and memory from /proc, and stopping it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
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

"""Benchmark: CPU per Bot API call of python-telegram-bot's HTTP clients (issue 3).

    python bench/bench_http.py [--calls 5000] [--in-flight 50] [--rounds 3]

The bot spent about 30 % of its CPU in httpx/httpcore for its Bot API calls; this
measures what one ``sendMessage`` costs the *client* with each request class:

- ``canned``: a ``BaseRequest`` that answers every call with a prepared body, no
  network: what PTB itself costs (building the call, encoding the parameters, decoding
  the answer into a ``Message``), the floor under the two real clients;
- ``httpx``: PTB's ``HTTPXRequest(connection_pool_size=256)``, as the Application
  builds it;
- ``aiohttp``: :class:`bot.http.AiohttpRequest` with the same pool size.

The Bot API stand-in (:mod:`tidtam.fake_telegram`) runs in a subprocess (this script with
``--serve``), so that the CPU time measured here (``time.process_time()`` over the
calls) is the client's alone. Each round makes ``--calls`` ``sendMessage`` calls of a
Thai question with an inline keyboard, like the bot's, with ``--in-flight`` of them
at once, through a ``telegram.Bot`` on each client in turn (after 200 calls to warm
up); the rounds alternate the clients so that a change in the machine's load hits
all of them. Printed per client: the median over the rounds of the CPU µs per call,
calls/s (wall), and the stand-in's CPU per call (from ``/proc``) for reference.
Run it alone (``flock /tmp/bench.lock ...``): it measures CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchproc import proc_cpu  # bench/ is on sys.path when run as a script
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import BaseRequest, HTTPXRequest

from bot.http import AiohttpRequest

TOKEN = "123456:BENCH-TOKEN"  # a fake token for the stand-in
CHAT_ID = 1001
TEXT = (
    "ยุทธศาสตร์ 2 · ข้อ 7/12\n"
    "<b>จำนวนนักเรียนที่ได้รับการคัดกรองภาวะโภชนาการในภาคเรียนที่ 1</b>\n"
    "ตอบเป็นตัวเลข (คน)"
)
MARKUP = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("ดำเนินการแล้ว", callback_data="a:17:0")],
        [InlineKeyboardButton("อยู่ระหว่างดำเนินการ", callback_data="a:17:1")],
        [InlineKeyboardButton("ยังไม่ได้ดำเนินการ", callback_data="a:17:2")],
        [InlineKeyboardButton("⏭ ข้าม", callback_data="skip:17")],
    ]
)
WARM_UP = 200
SCRIPT = Path(__file__).resolve()


# ------------------------------------------------------------------ the stand-in subprocess


async def serve() -> None:
    """The stand-in with one started private chat, until stdin closes."""
    from tidtam.fake_telegram import FakeTelegram

    async with FakeTelegram.start(token=TOKEN) as standin:
        person = standin.user(id=CHAT_ID, first_name="สมศรี")
        await person.send("/start")
        standin.calls = _Forgetful()  # 5,000s of recorded calls are not needed
        print(f"PORT {standin.port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


class _Forgetful(list[Any]):
    """A call log that keeps nothing."""

    def append(self, item: Any) -> None:
        pass


# ------------------------------------------------------------------ clients


class CannedRequest(BaseRequest):
    """Every call answered with a prepared body for its method, without any network."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if kwargs.get("request_data") is not None:
            kwargs["request_data"].json_parameters  # noqa: B018 - what every client encodes
        return 200, self.bodies[url.rsplit("/", 1)[1]]


CLIENTS: dict[str, Callable[[dict[str, bytes]], BaseRequest]] = {
    "canned": CannedRequest,
    "httpx": lambda _: HTTPXRequest(connection_pool_size=256),
    "aiohttp": lambda _: AiohttpRequest(connection_pool_size=256),
}


async def calls(bot: Bot, count: int, in_flight: int) -> None:
    """``count`` sendMessage calls, ``in_flight`` at a time."""
    left = iter(range(count))

    async def worker() -> None:
        for _ in left:
            await bot.send_message(CHAT_ID, TEXT, parse_mode="HTML", reply_markup=MARKUP)

    await asyncio.gather(*(worker() for _ in range(in_flight)))


async def one_round(
    name: str, base_url: str, bodies: dict[str, bytes], count: int, in_flight: int, server: int
) -> dict[str, float]:
    """One client's ``count`` calls: CPU and wall time per call, here and in the stand-in."""
    bot = Bot(TOKEN, base_url=base_url, request=CLIENTS[name](bodies))
    async with bot:
        await calls(bot, WARM_UP, in_flight)
        server_cpu, cpu, wall = proc_cpu(server), time.process_time(), time.perf_counter()
        await calls(bot, count, in_flight)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        server_cpu = proc_cpu(server) - server_cpu
    return {
        "cpu_us_per_call": cpu / count * 1e6,
        "calls_per_s": count / wall,
        "standin_cpu_us_per_call": server_cpu / count * 1e6 if name != "canned" else 0.0,
    }


async def sample_bodies(base_url: str) -> dict[str, bytes]:
    """Real getMe and sendMessage answers from the stand-in, for the canned client."""
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest(1))
    async with bot:
        me = await bot.get_me()
        message = await bot.send_message(CHAT_ID, TEXT, parse_mode="HTML", reply_markup=MARKUP)
    return {
        method: json.dumps({"ok": True, "result": result.to_dict()}).encode()
        for method, result in (("getMe", me), ("sendMessage", message))
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--serve", stdin=PIPE, stdout=PIPE
    )
    try:
        assert server.stdout is not None
        line = (await server.stdout.readline()).decode().split()
        if line[:1] != ["PORT"]:
            raise RuntimeError("the stand-in did not start")
        base_url = f"http://127.0.0.1:{line[1]}/bot"
        bodies = await sample_bodies(base_url)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in args.clients}
        for number in range(1, args.rounds + 1):
            for name in args.clients:
                result = await one_round(
                    name, base_url, bodies, args.calls, args.in_flight, server.pid
                )
                results[name].append(result)
                print(f"round {number} {name:8} {json.dumps(result)}", flush=True)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        await asyncio.wait_for(server.wait(), 30)
    summary: dict[str, Any] = {
        "calls": args.calls,
        "in_flight": args.in_flight,
        "rounds": args.rounds,
    }
    for name, rounds in results.items():
        summary[name] = {
            key: round(statistics.median(r[key] for r in rounds), 1) for key in rounds[0]
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=5000, help="calls per client and round")
    parser.add_argument("--in-flight", type=int, default=50, help="calls at once")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (clients alternate)")
    parser.add_argument(
        "--clients", nargs="+", default=list(CLIENTS), choices=list(CLIENTS), help="which"
    )
    parser.add_argument("--json", help="append the summary as one JSON line to this file")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve())
        return
    summary = asyncio.run(run(args))
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            out.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()

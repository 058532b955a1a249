"""Socket Mode beside HTTP mode, and reply latency with Slack failing 30%.

1. **Acks.** The same burst of signed ``/incident note`` commands (each a durable commit before
   its ack) goes to the real bot in Socket Mode (the fake Socket Mode server of the tests,
   envelopes over a websocket, acked by :class:`incidentbot.slack.socket.CommitAckHandler`) and
   in HTTP mode (``POST /slack/events``); each beside its bare baseline measured in the same
   run: a websocket client that acks every envelope at once, and an aiohttp handler that
   answers 200 at once. Prints p50/p99 ack latency and throughput, and the ratios.
2. **Replies with Slack failing.** The bot runs with its outbox loop while the fake Web API
   fails 30% of calls (500s, 429 with Retry-After, timeouts held 5 s, late answers); commands
   that change incident cards are mixed with notes. Prints the time from each command to its
   visible answer (the response URL receiving it): p50, p99, max.

    python bench/socketmode.py [--requests 300] [--replies 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeslack import FakeSlack  # noqa: E402
from fakesocket import FakeSocketMode, slash_payload  # noqa: E402
from slackutil import DANA, SECRET, TOKEN, signature, slash_body  # noqa: E402

from incidentbot import config  # noqa: E402
from incidentbot.app import App, build_app  # noqa: E402
from incidentbot.slack.app import SlackBot  # noqa: E402
from incidentbot.slack.server import http_app  # noqa: E402
from incidentbot.slack.socket import CommitAckHandler  # noqa: E402

APP_TOKEN = "xapp-1-bench"


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def line(name: str, lat: list[float], rate: float) -> str:
    return f"  {name:34} p50 {pct(lat, 50):7.1f} ms  p99 {pct(lat, 99):7.1f} ms  {rate:7.0f} /s"


async def make_bot(fake: FakeSlack, tmp: str) -> tuple[SlackBot, App]:
    settings = replace(
        config.load({"INCIDENTBOT_DB": f"{tmp}/bench.db", "INCIDENTBOT_TZ": "UTC"}),
        slack_signing_secret=SECRET,
        slack_bot_token=TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=f"{fake.url}/api/",
    )
    app = build_app(settings)
    bot = app.slack()
    await bot.start()
    return bot, app


async def socket_burst(
    sock: FakeSocketMode, payloads: list[dict[str, Any]], window: int
) -> tuple[list[float], float]:
    """Send with at most ``window`` envelopes unacknowledged (HTTP's "in flight")."""

    def send_all() -> list[str]:
        eids: list[str] = []
        for payload in payloads:
            if len(eids) >= window:
                sock.wait_ack(eids[len(eids) - window], 120)
            eids.append(sock.send("slash_commands", payload))
        for eid in eids:
            sock.wait_ack(eid, 120)
        return eids

    began = time.perf_counter()
    eids = await asyncio.to_thread(send_all)
    elapsed = max(sock.acked_at[e] for e in eids) - began
    return [sock.acked_at[e] - sock.sent_at[e] for e in eids], len(eids) / elapsed


async def bare_socket_client(url: str, stop: asyncio.Event) -> None:
    """The baseline: a websocket client that acks every envelope the moment it arrives."""
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        async for message in ws:
            envelope = message.json()
            if "envelope_id" in envelope:
                await ws.send_json({"envelope_id": envelope["envelope_id"]})
            if stop.is_set():
                break


async def http_burst(url: str, bodies: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = list(bodies)
    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            while queue:
                body = queue.pop()
                headers = {"Content-Type": "application/x-www-form-urlencoded", **signature(body)}
                start = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    assert response.status == 200, response.status
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, len(bodies) / (time.perf_counter() - began)


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events"


async def acks(requests: int) -> None:
    with FakeSocketMode.run_in_thread() as sock:
        async with FakeSlack() as fake:
            fake.socket = sock
            fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
            bot, app = await make_bot(fake, tempfile.mkdtemp())
            await app.runner.call(bot.service.declare, actor=DANA, title="Bench",
                              playbook_id="generic-breach", jurisdictions=["fr"])  # fmt: skip

            def notes(tag: str) -> list[dict[str, Any]]:
                return [slash_payload(f"INC-1 note {tag} {i}", user=DANA, channel="C0GENERAL",
                                      response_url=fake.response_url(f"{tag}{i}"),
                                      trigger=f"{tag}.{i}") for i in range(requests)]  # fmt: skip

            # bare websocket client
            stop = asyncio.Event()
            client = asyncio.ensure_future(bare_socket_client(sock.url, stop))
            await asyncio.to_thread(sock.wait_connected, 1)
            base_lat, base_rate = await socket_burst(sock, notes("b"), 50)
            stop.set()
            await asyncio.to_thread(sock.drop)
            await asyncio.gather(client, return_exceptions=True)
            # the bot over the websocket
            handler = CommitAckHandler(bot, app_token=APP_TOKEN)
            handler.client.wss_uri = sock.url
            await handler.connect_async()
            await asyncio.to_thread(sock.wait_connected, 2)
            real_lat, real_rate = await socket_burst(sock, notes("s"), 50)
            await handler.close_async()
            # HTTP mode, same commands, same database
            real_http, real_url = await serve(http_app(app, bot))
            bare_app = web.Application()

            async def bare(_request: web.Request) -> web.Response:
                return web.Response(status=200)

            bare_app.router.add_post("/slack/events", bare)
            bare_http, bare_url = await serve(bare_app)
            bodies = [slash_body(f"INC-1 note h {i}", user=DANA, channel="C0GENERAL",
                                 response_url=fake.response_url(f"h{i}"), trigger=f"h.{i}")
                      for i in range(requests)]  # fmt: skip
            hb_lat, hb_rate = await http_burst(bare_url, bodies, 50)
            hr_lat, hr_rate = await http_burst(real_url, bodies, 50)
            await bot.settle()
            stored = await app.runner.call(
                lambda: bot.store.conn.execute(
                    "SELECT COUNT(*) FROM timeline WHERE kind = 'note'"
                ).fetchone()[0]
            )
            print(f"{requests} '/incident note' commands (a durable commit each before the ack):")
            print("Socket Mode (50 in flight):")
            print(line("bare websocket client (baseline)", base_lat, base_rate))
            print(line("incidentbot run", real_lat, real_rate))
            print(f"  throughput ratio {real_rate / base_rate:.3f}, p50 ratio "
                  f"{pct(real_lat, 50) / pct(base_lat, 50):.1f}")  # fmt: skip
            print("HTTP mode (50 in flight):")
            print(line("bare aiohttp handler (baseline)", hb_lat, hb_rate))
            print(line("incidentbot serve", hr_lat, hr_rate))
            print(f"  throughput ratio {hr_rate / hb_rate:.3f}, p50 ratio "
                  f"{pct(hr_lat, 50) / pct(hb_lat, 50):.1f}")  # fmt: skip
            print(f"notes stored: {stored} of {2 * requests}")
            await real_http.cleanup()
            await bare_http.cleanup()
            await bot.stop()
            app.close()


async def replies(count: int) -> None:
    async with FakeSlack(timeout_delay=5.0) as fake:
        fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        bot, app = await make_bot(fake, tempfile.mkdtemp())
        real, url = await serve(http_app(app, bot))
        for n in range(3):
            await app.runner.call(bot.service.declare, actor=DANA, title=f"Bench {n}",
                              playbook_id="generic-breach", jurisdictions=["fr"])  # fmt: skip
        await bot.settle()
        sent: dict[str, float] = {}
        async with aiohttp.ClientSession() as session:
            warm = slash_body("INC-1 status", user=DANA, channel="C0GENERAL",
                              response_url=fake.response_url("warm"), trigger="warm")  # fmt: skip
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signature(warm)}
            async with session.post(url, data=warm.encode(), headers=headers) as response:
                assert response.status == 200  # bolt's own auth.test, once, before the outage
            fake.set_failure_rate(0.3, seed=3, kinds=("500", "429", "timeout", "late"))

            async def one(i: int) -> None:
                ref = f"INC-{i % 3 + 1}"
                text = f"{ref} note n{i}" if i % 2 else f"{ref} fact description change {i}"
                rid = f"r{i}"
                body = slash_body(text, user=DANA, channel="C0GENERAL",
                                  response_url=fake.response_url(rid), trigger=f"r.{i}")  # fmt: skip
                headers = {"Content-Type": "application/x-www-form-urlencoded", **signature(body)}
                sent[rid] = time.time()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    assert response.status == 200

            for i in range(count):  # a steady stream: 20 commands a second
                asyncio.ensure_future(one(i))
                await asyncio.sleep(0.05)
            while len([r for r in sent if fake.response_times.get(r)]) < count:
                await fake.wait_for_call()
        waits = [fake.response_times[r][0] - sent[r] for r in sent]
        failed = sum(1 for c in fake.calls if c.method != "apps.connections.open")
        print(f"\n{count} commands at 20/s (notes and card-changing facts on 3 incidents), "
              f"Web API failing 30% ({failed} calls, timeouts held 5 s):")  # fmt: skip
        print(f"  command -> visible answer: p50 {pct(waits, 50):.0f} ms, p99 {pct(waits, 99):.0f} ms,"
              f" max {max(waits) * 1000:.0f} ms")  # fmt: skip
        fake.set_failure_rate(0)
        await real.cleanup()
        await bot.stop()
        app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--replies", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(acks(args.requests))
    asyncio.run(replies(args.replies))

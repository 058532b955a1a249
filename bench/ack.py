"""Ack latency of the Slack endpoint under load, against a bare aiohttp handler in the same run.

Fires signed ``/incident status`` requests (Slack's exact form body, v0 signature) at the real
application (bolt, signature check, the listener's ack, the work after it, the outbox loop
delivering the replies to a fake Slack) and at a handler that answers 200 at once, with 50 and
200 requests in flight. Prints p50/p99 ack latency and throughput, and the throughput ratio.
Also counts the Web API calls one ``declare`` makes (modal, channel, invite, topic, card, pin).

    python bench/ack.py [--requests 600]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeslack import FakeSlack  # noqa: E402
from slackutil import DANA, LEO, SECRET, TOKEN, signature, slash_body, view_submission  # noqa: E402

from incidentbot import config  # noqa: E402
from incidentbot.app import build_app  # noqa: E402
from incidentbot.slack.server import http_app  # noqa: E402


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events"


async def fire(url: str, bodies: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = list(bodies)
    async with ClientSession() as session:

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
        elapsed = time.perf_counter() - began
    return latencies, len(bodies) / elapsed


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


async def main(requests: int) -> None:
    async with FakeSlack() as fake:
        fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        tmp = tempfile.mkdtemp()
        settings = replace(
            config.load({"INCIDENTBOT_DB": f"{tmp}/bench.db", "INCIDENTBOT_TZ": "UTC"}),
            slack_signing_secret=SECRET,
            slack_bot_token=TOKEN,
            slack_api_url=f"{fake.url}/api/",
        )
        app = build_app(settings)
        bot = app.slack()
        await bot.start()
        real, real_url = await serve(http_app(app, bot))

        async def bare_handler(_request: web.Request) -> web.Response:
            return web.Response(status=200)

        bare_app = web.Application()
        bare_app.router.add_post("/slack/events", bare_handler)
        bare, bare_url = await serve(bare_app)

        # one declare through the modal, counting its Web API calls
        fake.clear()
        body = slash_body("declare", user=DANA, channel="C0GENERAL",
                          response_url=fake.response_url("R0"), trigger="1.1.declare")  # fmt: skip
        await fire(real_url, [body], 1)
        await bot.settle()
        opened = fake.calls_to("views.open")[-1].args["view"]
        view = next(
            v for v in fake.views.values() if v["private_metadata"] == opened["private_metadata"]
        )
        values = {"title": "Donor file exposed", "playbook": "vendor-breach", "lead": LEO,
                  "aware_date": "2026-01-05", "aware_time": "09:00", "jurisdictions": ["qc"]}  # fmt: skip
        import json
        from urllib.parse import urlencode

        submit = urlencode({"payload": json.dumps(view_submission(view, values, user=DANA))})
        await fire(real_url, [submit], 1)
        await bot.settle()
        calls = Counter(c.method for c in fake.calls)
        print(f"one declare (slash command + modal): {sum(calls.values())} Web API calls")
        for method, n in sorted(calls.items()):
            print(f"  {method:28} {n}")
        channel = app.store.incident("INC-1").channel

        for concurrency in (50, 200):
            bodies = [
                slash_body(
                    "status",
                    user=DANA,
                    channel=channel,
                    response_url=fake.response_url(f"R{concurrency}.{i}"),
                    trigger=f"2.{concurrency}.{i}",
                )  # fmt: skip
                for i in range(requests)
            ]
            base_lat, base_rps = await fire(bare_url, bodies, concurrency)
            real_lat, real_rps = await fire(real_url, bodies, concurrency)
            await bot.settle()
            print(f"\n{requests} signed '/incident status' requests, {concurrency} in flight:")
            print(f"  bare aiohttp handler: p50 {pct(base_lat, 50):7.1f} ms  p99 {pct(base_lat, 99):7.1f} ms"
                  f"  {base_rps:7.0f} req/s")  # fmt: skip
            print(f"  incidentbot (bolt):   p50 {pct(real_lat, 50):7.1f} ms  p99 {pct(real_lat, 99):7.1f} ms"
                  f"  {real_rps:7.0f} req/s")  # fmt: skip
            print(f"  throughput ratio incidentbot / bare: {real_rps / base_rps:.2f}"
                  f"  (every ack well under Slack's 3 s: max {max(real_lat) * 1000:.0f} ms)")  # fmt: skip
        replies = sum(len(v) for k, v in fake.responses.items() if k.startswith("R") and k != "R0")
        print(f"\nreplies delivered through the outbox: {replies} of {2 * requests}")
        await real.cleanup()
        await bare.cleanup()
        await bot.stop()
        app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    asyncio.run(main(parser.parse_args().requests))

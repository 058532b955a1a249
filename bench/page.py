"""The timeline page and the exports on a big incident, against a same-run baseline.

    python bench/page.py [EVENTS] [EXPORT_EVENTS]     (defaults: 10000 and 100000)

Page: an incident of EVENTS events is served through the real app (aiohttp test client: link
check, ``timeline_opened``, data on the DB worker, rendering), and its template is also rendered
alone; both are compared with a bare Jinja2 loop (autoescaped) over the same rows, in bytes and
time. Exports: CSV, JSON and Markdown of an incident of EXPORT_EVENTS events, compared with a
bare ``csv.writer`` over the raw timeline rows. Figures are medians of several runs; read the
ratios, not the absolute times, which depend on the machine.
"""

from __future__ import annotations

import asyncio
import csv
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient, TestServer
from jinja2 import Environment

from incidentbot.config import Settings
from incidentbot.web import create_web_app, exports, links, pages, sample
from incidentbot.web.filters import Filters
from incidentbot.web.render import Pages, print_rule

SECRET = b"bench" * 8
BARE = Environment(autoescape=True).from_string(
    "<table>{% for e in rows %}<tr><td>{{ e.seq }}</td><td>{{ e.time }}</td><td>{{ e.actor }}"
    "</td><td>{{ e.phase }}</td><td>{{ e.kind_label }}</td><td>{{ e.text }}</td><td>"
    "{{ e.link or '' }}</td></tr>{% endfor %}</table>"
)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def build(db: Path, events: int) -> tuple[Any, str]:
    app = sample.sample_app(db)
    ref = sample.declare_sample(app.service)
    sample.add_events(app.service, ref, events)
    return app, ref


async def page_bench(events: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built, ref = build(Path(tmp) / "bench.db", events)
        service = built.service
        tz = pages.reader_zone("Europe/Paris")
        filters = Filters()
        views = Pages()

        def gather() -> Any:
            return pages.timeline_page(
                service, ref, filters, tz=tz, zone="Europe/Paris", reader="a"
            )

        t_gather, page = median_time(gather, runs)

        def render() -> str:
            return views.render(
                "timeline.html.j2", lang="en", print_style=print_rule(ref, "en"), page=page,
                filters=filters, token="t" * 120, zone="Europe/Paris", self_path="/",
                draft_base="/", reset_url="/", export_links=[],
            )  # fmt: skip

        t_render, html = median_time(render, runs)
        t_bare, bare = median_time(lambda: BARE.render(rows=page.rows), runs)

        settings = Settings(public_url="http://bench", timezone="Europe/Paris")
        app = create_web_app(replace(built, settings=settings), secret=SECRET)
        url, _ = links.make_signer(settings, SECRET, service.clock)(ref, "bench")
        parts = urlsplit(url)
        async with TestClient(TestServer(app)) as client:
            times, body = [], b""
            for _ in range(runs):
                start = time.perf_counter()
                resp = await client.get(f"{parts.path}?{parts.query}")
                body = await resp.read()
                times.append(time.perf_counter() - start)
                assert resp.status == 200, resp.status
        built.close()
        t_http = statistics.median(times)
        bare_bytes = len(bare.encode())
        print(f"page, {len(page.rows):,} events (median of {runs})")
        print(f"  bare Jinja2 loop     {t_bare * 1000:8.1f} ms  {bare_bytes:>11,} bytes  1.00x")
        print(
            f"  page template        {t_render * 1000:8.1f} ms  {len(html.encode()):>11,} bytes"
            f"  {t_render / t_bare:.2f}x time  {len(html.encode()) / bare_bytes:.2f}x bytes"
        )
        print(f"  page data (worker)   {t_gather * 1000:8.1f} ms  {t_gather / t_bare:.2f}x")
        print(
            f"  whole HTTP request   {t_http * 1000:8.1f} ms  {len(body):>11,} bytes"
            f"  {t_http / t_bare:.2f}x time  {len(body) / bare_bytes:.2f}x bytes"
        )


def export_bench(events: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built, ref = build(Path(tmp) / "bench.db", events)
        service = built.service
        tz = pages.reader_zone("Europe/Paris")

        def bare_csv() -> str:
            buf = io.StringIO()
            writer = csv.writer(buf)
            for row in service.store.conn.execute(
                "SELECT seq, at, actor, kind, phase, text, link, hash FROM timeline "
                "WHERE incident = ? ORDER BY seq",
                [ref],
            ):
                writer.writerow(row)
            return buf.getvalue()

        t_bare, bare = median_time(bare_csv, runs)
        print(f"exports, {events:,} events (median of {runs})")
        print(
            f"  bare csv.writer      {t_bare * 1000:8.1f} ms  {len(bare.encode()):>12,} bytes  1.00x"
        )
        for fmt in ("csv", "json", "md"):
            t, text = median_time(
                lambda fmt=fmt: exports.export_text(service, ref, fmt, Filters(), lang="en", tz=tz),
                runs,
            )
            print(
                f"  {fmt:<5}                {t * 1000:8.1f} ms  {len(text.encode()):>12,} bytes"
                f"  {t / t_bare:.2f}x"
            )
        t, text = median_time(
            lambda: exports.export_text(
                service, ref, "csv", Filters(actor="bob", q="batch 1"), lang="en", tz=tz
            ),
            runs,
        )
        print(
            f"  csv, filtered        {t * 1000:8.1f} ms  {len(text.encode()):>12,} bytes  {t / t_bare:.2f}x"
        )
        built.close()


def main(argv: list[str]) -> None:
    events = int(argv[1]) if len(argv) > 1 else 10_000
    export_events = int(argv[2]) if len(argv) > 2 else 100_000
    asyncio.run(page_bench(events, runs=5))
    export_bench(export_events, runs=3)


if __name__ == "__main__":
    main(sys.argv)

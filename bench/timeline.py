"""Timeline write speed and export time, as ratios against baselines measured in the same run.

    python bench/timeline.py [--events 2000] [--export-events 100000]

1. Appends N notes through the service (one transaction each, with the chain hash and the
   incident lookup, exactly as ``/incident note`` does) and N rows with raw ``sqlite3`` (one
   INSERT + COMMIT each, same WAL + synchronous=FULL pragmas), and prints both rates and their
   ratio. A second raw baseline with SQLite's defaults shows what durability itself costs.
2. Fills one incident with the export count of events (bulk, one transaction) and times the
   JSON, CSV and Markdown exports, against a bare ``json.dumps`` of the same rows.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from incidentbot import config  # noqa: E402
from incidentbot.app import build_app  # noqa: E402
from incidentbot.service import reports  # noqa: E402


def raw_inserts(path: Path, n: int, *, durable: bool) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    if durable:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, incident TEXT, at TEXT, text TEXT)")
    start = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO t (incident, at, text) VALUES (?, ?, ?)",
            ("INC-1", datetime.now(UTC).isoformat(), f"note {i}"),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


def service_appends(folder: Path, n: int, tag: str = "") -> float:
    settings = config.load({"INCIDENTBOT_DB": str(folder / f"svc{tag}.db")})
    service = build_app(settings).service
    service.declare(
        actor="bench", title="Bench", playbook_id="generic-breach", jurisdictions=["fr"]
    )
    start = time.perf_counter()
    for i in range(n):
        service.add_note("INC-1", f"note {i}", actor="bench")
    elapsed = time.perf_counter() - start
    assert service.store.verify() == []
    return n / elapsed


def export_times(folder: Path, n: int) -> dict[str, float]:
    settings = config.load({"INCIDENTBOT_DB": str(folder / "export.db")})
    service = build_app(settings).service
    service.declare(
        actor="bench", title="Export", playbook_id="generic-breach", jurisdictions=["fr"]
    )
    at = datetime.now(UTC)
    with service.store.transaction():
        for i in range(n):
            service.store.append_event(
                "INC-1",
                at=at,
                actor="bench",
                kind="note",
                text=f"event {i} with some ordinary text in it",
            )
    out: dict[str, float] = {}
    events = service.store.events("INC-1")
    start = time.perf_counter()
    json.dumps([reports.event_json(e) for e in events])
    out["baseline_json_dumps"] = time.perf_counter() - start
    for fmt in ("json", "csv", "md"):
        start = time.perf_counter()
        text = reports.export(service, "INC-1", fmt, lang="en", tz=UTC)
        out[fmt] = time.perf_counter() - start
        out[f"{fmt}_bytes"] = len(text.encode("utf-8"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--export-events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # fsync times drift on a shared disk: interleave the three and keep each one's median
        runs: dict[str, list[float]] = {"raw": [], "default": [], "svc": []}
        for r in range(args.rounds):
            runs["raw"].append(raw_inserts(folder / f"raw{r}.db", args.events, durable=True))
            runs["default"].append(
                raw_inserts(folder / f"raw-default{r}.db", args.events, durable=False)
            )
            runs["svc"].append(service_appends(folder, args.events, str(r)))
        raw, raw_default, svc = (statistics.median(runs[k]) for k in ("raw", "default", "svc"))
        print(
            f"machine: {platform.machine()} {platform.python_implementation()} "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        )
        print(
            f"timeline appends, one transaction each ({args.events} events, "
            f"median of {args.rounds} interleaved rounds):"
        )
        print(f"  raw sqlite3 (WAL, synchronous=FULL): {raw:10.0f} /s   (baseline 1.00)")
        print(
            f"  raw sqlite3 (defaults):              {raw_default:10.0f} /s   ({raw_default / raw:.2f}x)"
        )
        print(
            f"  service.add_note (chained):          {svc:10.0f} /s   ({svc / raw:.2f}x of baseline)"
        )
        times = export_times(folder, args.export_events)
        base = times["baseline_json_dumps"]
        print(
            f"export of {args.export_events} events (baseline: json.dumps of the rows, {base:.2f} s):"
        )
        for fmt in ("json", "csv", "md"):
            print(
                f"  {fmt:4s} {times[fmt]:6.2f} s  {times[fmt + '_bytes'] / 1e6:6.1f} MB  "
                f"({times[fmt] / base:.1f}x baseline)"
            )


if __name__ == "__main__":
    main()

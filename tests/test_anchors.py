"""Chain heads published outside the database: RFC 3161 tokens from a local timestamp
authority (OpenSSL's `openssl ts -reply` behind a tiny aiohttp app on 127.0.0.1) and head
messages in the incident's Slack channel (the fake Slack). No network.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from incidentbot.service import reports

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

TSA_CONF = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_authority(folder: Path) -> None:
    """A root CA and a timestamping certificate it signed."""
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "30", "-subj", "/CN=Test TSA Root",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", "/CN=Test TSA", cwd=folder,
    )  # fmt: skip
    (folder / "ext.cnf").write_text(
        "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
    )
    openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.crt", "-days", "30", "-extfile", "ext.cnf",
        cwd=folder,
    )  # fmt: skip
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONF.format(dir=folder))


class Authority:
    """``openssl ts -reply`` served over HTTP on 127.0.0.1, in its own thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests = 0
        self.refuse = False
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def reply(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.refuse:
            return web.Response(status=503, text="down for maintenance")
        query = self.folder / f"q{self.requests}.tsq"
        answer = self.folder / f"r{self.requests}.tsr"
        query.write_bytes(await request.read())
        proc = await asyncio.create_subprocess_exec(
            "openssl", "ts", "-reply", "-config", str(self.folder / "tsa.cnf"),
            "-queryfile", str(query), "-out", str(answer),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await proc.wait()
        return web.Response(body=answer.read_bytes(), content_type="application/timestamp-reply")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/", self.reply)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> Authority:
        self._thread.start()
        self._ready.wait(30)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._loop.close()


@pytest.fixture(scope="module")
def authority_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tsa")
    make_authority(folder)
    return folder


@pytest.fixture
def authority(authority_files: Path) -> Iterator[Authority]:
    tsa = Authority(authority_files).start()
    yield tsa
    tsa.stop()


@pytest.fixture
def stamped(tmp_path: Path, authority: Authority, authority_files: Path, clock):  # type: ignore[no-untyped-def]
    from incidentbot import config
    from incidentbot.app import build_app

    conf = tmp_path / "incidentbot.toml"
    conf.write_text(
        f'timestamp_url = "{authority.url}"\ntimestamp_ca = "{authority_files / "ca.crt"}"\n'
    )
    env = {
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_TZ": "UTC",
        "INCIDENTBOT_CONFIG": str(conf),
    }
    app = build_app(config.load(env), clock=clock)
    yield app.service, env
    app.close()


def run_script(service: Any, lines: list[str], tmp_path: Path) -> None:
    from incidentbot.shell import Shell

    out = io.StringIO()
    shell = Shell(service, actor="alice", lang="en", tz=UTC, out=out, drafts_dir=tmp_path / "d")
    assert shell.run_script(lines) == 0, out.getvalue()


def whole_incident(service: Any) -> list[str]:
    """Declare, finish the `contain` phase, approve a draft, finish every step, close."""
    steps = service.playbook("generic-breach").steps
    lines = [
        "declare Donor list exposed playbook=generic-breach jurisdiction=fr",
        "note First call with the vendor at 14:05",
        "note The vendor says only 12 rows were exposed",
    ]
    lines += [f"done {s.id} done by the book" for s in steps if s.phase.value == "contain"]
    lines += ["draft regulator fr", "approve regulator-fr"]
    lines += [f"skip {s.id} not needed in this drill" for s in steps if s.phase.value != "contain"]
    return [*lines, "close"]


def cli(*args: str, env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(home),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,
    )


def test_each_phase_end_approval_and_close_is_stamped_and_verified(
    stamped, authority: Authority, authority_files: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    service, env = stamped
    run_script(service, whole_incident(service), tmp_path)
    anchors = service.store.rows("anchors", "incident = 'INC-1'", order_by="id")
    reasons = [a["reason"] for a in anchors]
    assert reasons[0] == "phase:assess"  # contain finished
    assert "approval" in reasons and reasons[-1] == "close"
    assert "phase:complete" in reasons
    assert all(a["token"] for a in anchors), [a["token_error"] for a in anchors]
    assert authority.requests == len(anchors)
    seq, head = service.store.head("INC-1")
    assert (anchors[-1]["seq"], anchors[-1]["hash"]) == (seq, head)

    exported = json.loads(reports.export(service, "INC-1", "json", lang="en", tz=UTC))
    assert [a["rfc3161"] for a in exported["anchors"]] == [a["token"] for a in anchors]

    # the token checks with OpenSSL alone, as docs/evidence.md shows an auditor
    (tmp_path / "head.tsr").write_bytes(base64.b64decode(exported["anchors"][-1]["rfc3161"]))
    (tmp_path / "head.txt").write_text(exported["anchors"][-1]["hash"])
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-in", "head.tsr", "-data", "head.txt",
         "-CAfile", str(authority_files / "ca.crt")],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert "Verification: OK" in checked.stdout, checked.stderr

    result = cli("verify", env=env, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{len(anchors)} timestamp tokens checked (with signatures)." in result.stdout


def test_a_chain_rewritten_before_a_stamped_head_is_caught(stamped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_evidence import rewrite_chain

    service, env = stamped
    run_script(service, whole_incident(service), tmp_path)
    export = tmp_path / "INC-1.json"
    export.write_text(reports.export(service, "INC-1", "json", lang="en", tz=UTC))
    service.store.close()
    rewrite_chain(env["INCIDENTBOT_DB"], edit_seq=2, delete_seq=3)
    result = cli("verify", env=env, home=tmp_path)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("INC-1: event #")
    assert "differs from the head a timestamp token of 20" in first
    assert "the timeline was rewritten after it" in first

    # the insider also empties the anchors table: the tokens in a kept export still tell
    conn = sqlite3.connect(env["INCIDENTBOT_DB"])
    conn.execute("DELETE FROM anchors")
    conn.commit()
    conn.close()
    assert cli("verify", env=env, home=tmp_path).returncode == 0  # the database alone: nothing
    result = cli("verify", "--against", str(export), env=env, home=tmp_path)
    assert result.returncode == 1
    assert "differs from INC-1.json" in result.stderr


def test_a_forged_token_is_refused(stamped, tmp_path: Path, authority_files: Path) -> None:  # type: ignore[no-untyped-def]
    service, env = stamped
    run_script(service, whole_incident(service), tmp_path)
    tokens = service.store.rows("anchors", "token IS NOT NULL", order_by="id")
    service.store.close()
    conn = sqlite3.connect(env["INCIDENTBOT_DB"])
    # a token for one head copied onto another: it stamps another hash
    conn.execute(
        "UPDATE anchors SET token = ? WHERE id = ?", [tokens[0]["token"], tokens[-1]["id"]]
    )
    conn.commit()
    conn.close()
    result = cli("verify", env=env, home=tmp_path)
    assert result.returncode == 1
    expected = f"the timestamp token of event #{tokens[-1]['seq']} (database): the token stamps"
    assert expected + " another hash" in result.stderr


def test_an_unreachable_authority_never_holds_up_the_incident(
    stamped, authority: Authority, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    service, _ = stamped
    authority.refuse = True
    run_script(service, whole_incident(service)[:-1], tmp_path)  # everything but close
    pending = service.store.rows("anchors", "token IS NULL", order_by="id")
    assert pending and "timestamp_url" in pending[0]["token_error"]
    authority.refuse = False
    run_script(service, ["close"], tmp_path)
    assert service.store.rows("anchors", "token IS NULL") == []  # the backlog was stamped


def test_tokens_kept_in_an_export_are_checked_against_the_database(
    stamped, tmp_path: Path, authority_files: Path
) -> None:  # type: ignore[no-untyped-def]
    """In process: the export's tokens, the authority's signature, the database's events."""
    from test_evidence import rewrite_chain

    from incidentbot.evidence import exports

    service, env = stamped
    run_script(service, whole_incident(service), tmp_path)
    kept = tmp_path / "kept.json"
    kept.write_text(reports.export(service, "INC-1", "json", lang="en", tz=UTC))
    data = json.loads(kept.read_text())
    ca = authority_files / "ca.crt"
    assert exports.against(service.store, kept, timestamp_ca=ca) == []

    # a root that did not sign the tokens: every token is refused, naming the export
    other = tmp_path / "other-root.pem"
    other.write_bytes((authority_files / "tsa.crt").read_bytes())
    problems = [str(p) for p in exports.against(service.store, kept, timestamp_ca=other)]
    assert len(problems) == len(data["anchors"])
    seq = data["anchors"][0]["seq"]
    assert problems[0].startswith(
        f"INC-1: the timestamp token of event #{seq} (kept.json): the authority's signature "
        f"does not verify against {other}"
    )

    # the chain rewritten, then exported again as if nothing happened: the tokens tell
    rewrite_chain(env["INCIDENTBOT_DB"], edit_seq=2, delete_seq=3)
    forged = tmp_path / "forged.json"
    forged_data = json.loads(reports.export(service, "INC-1", "json", lang="en", tz=UTC))
    forged_data["anchors"] = data["anchors"]
    forged.write_text(json.dumps(forged_data))
    problems = [str(p) for p in exports.against(service.store, forged, timestamp_ca=ca)]
    assert problems and all(p.startswith("INC-1: event #") for p in problems)
    assert f"INC-1: event #{seq} differs from the head a timestamp token of 20" in problems[0]

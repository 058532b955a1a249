"""An auditor with only an export: the stand-alone verifiers agree with `incidentbot verify`.

tools/verify_export.py (Python, standard library only) and tools/verify_export.mjs (Node.js)
re-implement the canonical form from docs/evidence.md; they are run as an auditor would run
them, on exports of every shipped playbook with French text and whole-number scores.
"""

from __future__ import annotations

import importlib.util
import io
import json
import math
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from incidentbot.service import reports

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "verify_export.py"
NODE_TOOL = ROOT / "tools" / "verify_export.mjs"
PLAYBOOKS = sorted(
    p.stem for p in (ROOT / "incidentbot" / "playbooks").glob("*.yaml") if p.stem != "jurisdictions"
)

spec = importlib.util.spec_from_file_location("verify_export", TOOL)
assert spec is not None and spec.loader is not None
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


# -- the standard-library JCS is RFC 8785 ------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_the_standard_library_jcs_writes_what_rfc8785_writes(value: Any) -> None:
    assert tool.jcs(value).encode("utf-8") == rfc8785.dumps(value)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (5.0, "5"),
        (-0.0, "0"),
        (4.5, "4.5"),
        (1e21, "1e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (0.1 + 0.2, "0.30000000000000004"),
        (2**53 - 1, "9007199254740991"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
    ],
)
def test_numbers_are_written_as_ecmascript_writes_them(number: float, text: str) -> None:
    assert tool.es_number(number) == text
    assert not math.isnan(number)


def test_keys_are_sorted_by_utf16_code_units_and_text_is_kept_as_typed() -> None:
    value = {"é": 1, "z": 2, "\U0001f600": 3, "\uff61": 4, "a\u2028": "«\u00a0été\u00a0»\n"}
    assert tool.jcs(value) == (
        '{"a\u2028":"«\u00a0été\u00a0»\\n","z":2,"é":1,"\U0001f600":3,"\uff61":4}'
    )
    assert tool.jcs(value).encode() == rfc8785.dumps(value)


# -- exports of every playbook ------------------------------------------------------------------


def script_for(playbook: str, first_step: str) -> list[str]:
    return [
        f"declare Fuite « {playbook} » : données des bénévoles playbook={playbook} "
        'aware="2026-11-20 14:00" jurisdiction=fr,qc lang=fr',
        f"done {first_step} Accès révoqué à 15 h 10 ; journaux conservés",
        "fact description Exportation de 869 fiches de donateurs, « été 2026 »",
        "fact persons_in_quebec 869",
        # a whole-number score (5.0): the case a JavaScript verifier used to fail on
        "assess data=contact,financial,political persons=869 records=869 identifiable=full "
        "confidentiality=unknown_recipient integrity=none availability=none malicious=yes "
        "encrypted=no backup=yes vulnerable=no",
        "draft regulator fr",
        "approve regulator-fr",
        "note Le prestataire confirme deux téléchargements — à vérifier !",
    ]


@pytest.fixture
def exported(service, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run a playbook's script through the shell and write its JSON export."""
    from incidentbot.shell import Shell

    def run(playbook: str) -> tuple[Path, Any]:
        first = service.playbook(playbook).steps[0].id
        out = io.StringIO()
        shell = Shell(
            service, actor="alice", lang="fr", tz=UTC, out=out, drafts_dir=tmp_path / "drafts"
        )
        assert shell.run_script(script_for(playbook, first)) == 0, out.getvalue()
        ref = service.store.latest_ref()
        path = tmp_path / f"{ref}.json"
        path.write_text(reports.export(service, ref, "json", lang="fr", tz=UTC), encoding="utf-8")
        return path, ref

    return run


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60
    )


def run_node(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(NODE_TOOL), str(path)], capture_output=True, text=True, timeout=60
    )


def test_every_playbook_is_shipped_here() -> None:
    assert len(PLAYBOOKS) >= 5


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_the_stand_alone_verifier_agrees_with_verify(service, exported, playbook: str) -> None:  # type: ignore[no-untyped-def]
    path, ref = exported(playbook)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["assessment"]["score"] == 5.0 and '"score": 5.0' in path.read_text()
    assert all(e["form"] == 2 for e in data["timeline"])
    assert service.store.verify() == []
    result = run_tool(str(path))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"OK: {ref}, {len(data['timeline'])} events, head {data['chain']['head']}.\n"
    )

    # the same edit made in the database and in an export is named alike by both
    conn = sqlite3.connect(service.store.path)
    conn.execute("DROP TRIGGER timeline_no_update")
    conn.execute("UPDATE timeline SET text = 'rien' WHERE incident = ? AND seq = 3", [ref])
    conn.commit()
    conn.close()
    problem = f"{ref}: event #3 was altered (its hash does not match its content)"
    assert [str(p) for p in service.store.verify()] == [problem]
    data["timeline"][2]["text"] = "rien"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_tool(str(path))
    assert result.returncode == 1 and result.stderr.strip() == problem


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("playbook", PLAYBOOKS[:2])
def test_a_node_verifier_checks_whole_number_scores_and_french_text(
    exported, playbook: str
) -> None:  # type: ignore[no-untyped-def]
    path, ref = exported(playbook)
    result = run_node(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"OK: {ref}, ")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["timeline"][-1]["text"] = data["timeline"][-1]["text"].replace("deux", "trois")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_node(path)
    assert result.returncode == 1
    assert f"event #{len(data['timeline'])} was altered" in result.stderr


def test_the_verifier_checks_an_export_extends_an_earlier_one(exported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _ = exported("generic-breach")
    earlier = tmp_path / "earlier.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    shorter = {**data, "timeline": data["timeline"][:4]}
    shorter["chain"] = {**data["chain"], "head": data["timeline"][3]["hash"], "events": 4}
    earlier.write_text(json.dumps(shorter), encoding="utf-8")
    assert run_tool(str(path), "--against", str(earlier)).returncode == 0
    data["drafts"][0]["hash"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_tool(str(path))
    assert result.returncode == 1
    assert "its SHA-256 differs from event #" in result.stderr


def test_the_verifier_reads_a_chain_recorded_before_rfc8785(tmp_path: Path) -> None:
    """Form 1 events (recorded before the migration) still verify, by their own form."""
    from incidentbot.store import chain

    events = []
    prev = chain.GENESIS
    for seq, score in enumerate((5.0, 4.5), start=1):
        e = {
            "incident": "INC-1",
            "seq": seq,
            "at": "2026-11-20T14:00:00+00:00",
            "actor": "alice",
            "kind": "assessed",
            "phase": "assess",
            "text": "évalué",
            "data": {"score": score},
            "link": None,
            "form": 1,
        }
        e["prev_hash"], e["hash"] = prev, chain.link(prev, e)
        prev = e["hash"]
        events.append(e)
    export = {"incident": {"ref": "INC-1"}, "timeline": events, "chain": {"head": prev}}
    (tmp_path / "old.json").write_text(json.dumps(export), encoding="utf-8")
    result = run_tool(str(tmp_path / "old.json"))
    assert result.returncode == 0, result.stderr


def test_the_worked_example_in_docs_is_what_the_bot_hashes() -> None:
    from incidentbot.store import chain

    doc = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    line = next(x for x in doc.splitlines() if x.startswith('{"actor":"alice"'))
    event = {**json.loads(line), "form": 2}
    assert chain.canonical(event, chain.GENESIS).decode("utf-8") == line
    assert tool.canonical(event, tool.GENESIS).decode("utf-8") == line
    assert chain.link(chain.GENESIS, event) in doc

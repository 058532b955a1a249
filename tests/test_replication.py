"""Off-machine copies: Litestream replicates to a file:// replica, the bot is killed, the
database deleted and restored; every acknowledged event is back and the chain verifies."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from restore import drill, litestream_binary  # noqa: E402

BINARY = litestream_binary()


@pytest.mark.skipif(BINARY is None, reason="the litestream binary cannot run here")
def test_a_restored_replica_holds_every_acknowledged_event(tmp_path: Path) -> None:
    assert BINARY is not None
    result = drill(tmp_path, events=400, kill_after=150, binary=BINARY)
    assert result.acknowledged >= 150
    assert result.missing == []
    assert result.restored >= result.acknowledged
    assert result.verify_problems == []


def test_the_example_configuration_is_the_documented_one() -> None:
    example = (ROOT / "litestream.example.yml").read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert "path: /data/incidentbot.db" in example and "path: /data/incidentbot.db" in doc
    assert "litestream restore -config litestream.yml" in doc

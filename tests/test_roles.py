"""Who may approve, close, change severity or awareness, skip a mandatory step (issue 8)."""

from __future__ import annotations

import pytest

from incidentbot import config
from incidentbot.app import build_app
from incidentbot.core import commands
from incidentbot.errors import Refused


@pytest.fixture
def guarded(tmp_path, clock):  # type: ignore[no-untyped-def]
    toml = tmp_path / "bot.toml"
    toml.write_text(
        '[people]\nlena = ["lead"]\ndora = ["dpo"]\ncarl = ["comms"]\nmax = ["member"]\n'
        '[roles]\napprove_press = ["comms"]\n',
        encoding="utf-8",
    )
    settings = config.load(
        {"INCIDENTBOT_DB": str(tmp_path / "bot.db"), "INCIDENTBOT_CONFIG": str(toml)}
    )
    app = build_app(settings, clock=clock)
    service = app.service
    service.handle(
        commands.parse("declare Leak playbook=vendor-breach aware=now jurisdiction=qc"),
        actor="lena",
    )
    yield service
    app.close()


def run(service, text: str, actor: str):  # type: ignore[no-untyped-def]
    return service.handle(commands.parse(text), actor=actor, context="INC-1")


@pytest.mark.parametrize(
    ("text", "who", "allowed"),
    [
        ("close", "max", "lead"),
        ("severity high the vendor admitted more", "carl", "lead or dpo"),
        ("aware 2 hours ago", "max", "lead or dpo"),
        ("skip preserve-logs no logs exist", "max", "lead or dpo"),
    ],
)
def test_refusals_name_the_roles_and_are_recorded(guarded, text, who, allowed) -> None:  # type: ignore[no-untyped-def]
    before = guarded.store.count_events("INC-1")
    with pytest.raises(Refused) as info:
        run(guarded, text, who)
    assert f"Only {allowed} may" in info.value.message
    events = guarded.store.events("INC-1")
    assert len(events) == before + 1
    assert events[-1].kind == "refused" and events[-1].actor == who


def test_the_lead_and_the_dpo_may_act(guarded) -> None:  # type: ignore[no-untyped-def]
    run(guarded, "severity high the vendor admitted more", "dora")
    run(guarded, "skip preserve-logs the vendor kept no logs", "lena")
    assert guarded.incident("INC-1").severity.value == "high"


def test_approval_by_role(guarded) -> None:  # type: ignore[no-untyped-def]
    run(guarded, "draft press", "max")
    with pytest.raises(Refused, match="Only comms may approve the press statement"):
        run(guarded, "approve press", "dora")
    ack = run(guarded, "approve press", "carl")
    assert ack.params["user"] == "carl"
    approved = [e for e in guarded.store.events("INC-1") if e.kind == "draft_approved"]
    assert approved[0].actor == "carl" and len(approved[0].data["sha256"]) == 64
    with pytest.raises(Refused, match="already approved"):
        run(guarded, "approve press", "carl")


def test_a_role_given_in_the_incident_counts(guarded) -> None:  # type: ignore[no-untyped-def]
    run(guarded, "assign dpo @max", "lena")
    run(guarded, "severity medium reassessed", "max")
    assert guarded.incident("INC-1").severity.value == "medium"


def test_private_incidents_stay_out_of_other_peoples_list(guarded) -> None:  # type: ignore[no-untyped-def]
    guarded.handle(
        commands.parse("declare Insider reads mail playbook=insider-access private=yes"),
        actor="lena",
    )
    assert [i.incident.ref for i in guarded.list_open(actor="max").items] == ["INC-1"]
    assert [i.incident.ref for i in guarded.list_open(actor="lena").items] == ["INC-1", "INC-2"]

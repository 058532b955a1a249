"""The use cases through the service, as the shell and Slack call them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from incidentbot.core import commands
from incidentbot.core.model import StepStatus
from incidentbot.errors import IncidentbotError, NotFound, Refused, UsageError
from incidentbot.views import Ack, DeclaredView, NeedsModal


def run(service, text: str, actor: str = "alice", context: str | None = "INC-1"):  # type: ignore[no-untyped-def]
    return service.handle(commands.parse(text), actor=actor, context=context)


DECLARE = (
    'declare Donor file leaked by our web vendor playbook=vendor-breach aware="2026-11-20 14:00" '
    "jurisdiction=qc"
)


@pytest.fixture
def declared(service):  # type: ignore[no-untyped-def]
    view = run(service, DECLARE, context=None)
    assert isinstance(view, DeclaredView)
    return view.card.incident


def test_declare_in_one_line_records_the_facts(service, declared) -> None:  # type: ignore[no-untyped-def]
    assert declared.ref == "INC-1"
    assert declared.playbook == "vendor-breach"
    assert declared.jurisdictions == ("qc",)
    assert declared.aware_at.isoformat() == "2026-11-20T14:00:00+00:00"
    steps = service.store.steps("INC-1")
    revoke = next(s for s in steps if s.id == "revoke-vendor-access")
    assert revoke.due_at == declared.aware_at + timedelta(hours=2)
    assert [e.kind for e in service.store.events("INC-1")] == ["declared", "aware_set"]


def test_ids_and_subcommands_are_case_insensitive(service) -> None:  # type: ignore[no-untyped-def]
    view = run(service, "DECLARE Leak playbook=Vendor-Breach jurisdiction=QC,FR", context=None)
    assert view.card.incident.jurisdictions == ("qc", "fr")


def test_declare_without_anything_asks_for_the_modal(service) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(run(service, "declare", context=None), NeedsModal)


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("declare Leak playbook=nope", NotFound, ["nope", "vendor-breach"]),
        ("declare Leak jurisdiction=mars", UsageError, ["mars", "qc"]),
        ("declare Leak aware=tomorrow", UsageError, ["tomorrow"]),
        ('declare Leak aware="2099-01-01 10:00"', UsageError, ["future"]),
        ("declare Leak severity=apocalyptic", UsageError, ["apocalyptic", "very_high"]),
    ],
)
def test_bad_declarations_say_why_and_record_nothing(service, text, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        run(service, text, context=None)
    for word in words:
        assert word in info.value.message
    assert service.store.incidents() == []


def test_done_records_once_and_a_second_done_is_refused(service, declared) -> None:  # type: ignore[no-untyped-def]
    run(service, "done revoke-vendor-access Vendor VPN account disabled at 15:10")
    with pytest.raises(Refused, match="already done by alice"):
        run(service, "done revoke-vendor-access again", actor="bob")
    events = [e for e in service.store.events("INC-1") if e.kind == "step_done"]
    assert len(events) == 1
    assert events[0].text == "Vendor VPN account disabled at 15:10"


def test_a_step_whose_dependencies_are_open_is_refused(service, declared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused, match="waits for scope-exposure"):
        run(service, "done assess-risk")
    assert service.store.step("INC-1", "assess-risk").status is StepStatus.PENDING


def test_a_step_that_needs_evidence_refuses_a_bare_done(service, declared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="needs a note as evidence"):
        run(service, "done revoke-vendor-access")


def test_unknown_step_lists_the_steps(service, declared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="revoke-vendor-access"):
        run(service, "done revoke-everything")


def test_skip_needs_a_reason(service, declared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="reason"):
        run(service, "skip holding-statement")
    run(service, "skip holding-statement No press interest, see the comms lead")
    step = service.store.step("INC-1", "holding-statement")
    assert step.status is StepStatus.SKIPPED
    assert step.note == "No press interest, see the comms lead"


def test_assign_a_step_and_a_role(service, declared) -> None:  # type: ignore[no-untyped-def]
    run(service, "assign notify-regulator @dpo")
    run(service, "assign comms <@U0123ABC|carla>")
    assert service.store.step("INC-1", "notify-regulator").assignee == "dpo"
    lines = service.steps_view("INC-1").lines
    staff = next(line for line in lines if line.step.id == "staff-notice")
    assert staff.assignee == "U0123ABC"  # owner role comms is held by carla


def test_close_is_refused_naming_the_open_mandatory_steps(service, declared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as info:
        run(service, "close")
    assert "revoke-vendor-access" in info.value.message
    assert "notify-persons" not in info.value.message  # not mandatory
    assert service.incident("INC-1").status.value == "open"


def test_close_then_nothing_changes(service, declared) -> None:  # type: ignore[no-untyped-def]
    for step in service.store.steps("INC-1"):
        if step.definition.mandatory:
            run(service, f"skip {step.id} Not applicable in this drill")
    assert run(service, "close").incident.status.value == "closed"
    before = service.store.count_events("INC-1")
    with pytest.raises(Refused, match="closed"):
        run(service, "done holding-statement Written")
    with pytest.raises(Refused, match="closed"):
        run(service, "note one more thing")
    assert service.store.count_events("INC-1") == before


def test_aware_restarts_the_clocks_and_moves_due_times(service, declared, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "aware 3 hours ago")
    incident = service.incident("INC-1")
    assert incident.aware_at == clock() - timedelta(hours=3)
    revoke = service.store.step("INC-1", "revoke-vendor-access")
    assert revoke.due_at == incident.aware_at + timedelta(hours=2)


def test_deadlines_show_the_cnil_72_hours_and_the_cai_promptly(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(
        service,
        'declare Leak playbook=vendor-breach aware="2026-11-21 15:00" jurisdiction=qc,fr',
        context=None,
    )
    clocks = {c.jurisdiction: c for c in run(service, "deadlines").clocks}
    assert clocks["fr"].due_at.isoformat() == "2026-11-24T15:00:00+00:00"
    assert clocks["fr"].time_left == timedelta(hours=48)
    assert clocks["qc"].due_at is None and clocks["qc"].rule_kind == "promptly"


def test_notified_stops_the_clock_and_keeps_the_reference(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(
        service,
        'declare Leak playbook=vendor-breach aware="2026-11-21 15:00" jurisdiction=fr',
        context=None,
    )
    run(service, "notified fr CNIL-2026-0042")
    fr = next(c for c in run(service, "deadlines").clocks if c.jurisdiction == "fr")
    assert fr.state == "notified"
    assert fr.reference == "CNIL-2026-0042"


def test_the_shell_context_and_an_explicit_reference(service) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare First playbook=generic-breach jurisdiction=fr", context=None)
    run(service, "declare Second playbook=generic-breach jurisdiction=fr", context=None)
    run(service, "INC-1 note about the first", context="INC-2")
    assert service.store.events("INC-1", last=1)[0].text == "about the first"
    with pytest.raises(NotFound, match="INC-9"):
        run(service, "INC-9 status", context="INC-2")


def test_no_incident_context_asks_which_one(service) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="INC-1 status"):
        run(service, "status", context=None)


def test_every_refusal_is_an_incidentbot_error_with_a_sentence(service, declared) -> None:  # type: ignore[no-untyped-def]
    for text in ("frobnicate", "done", "timeline -3", "assign", "notified mars", "draft poem"):
        with pytest.raises(IncidentbotError) as info:
            run(service, text)
        assert info.value.message.strip()


def test_user_text_is_stored_verbatim(service, declared) -> None:  # type: ignore[no-untyped-def]
    text = "<!channel> {{ 7*7 }} '; DROP TABLE steps; -- \u202eevil"
    assert isinstance(run(service, f"note {text}"), Ack)
    assert service.store.events("INC-1", last=1)[0].text == text


def test_register_lists_an_incident_assessed_as_document_only(service) -> None:  # type: ignore[no-untyped-def]
    from incidentbot.service import register

    run(
        service,
        'declare Misaddressed e-mail playbook=generic-breach aware="1 hour ago" jurisdiction=fr',
        context=None,
    )
    view = run(
        service,
        "assess data=contact persons=1 records=1 identifiable=full "
        "confidentiality=known_recipient integrity=none availability=none malicious=no "
        "encrypted=no backup=yes vulnerable=no recovered=yes context=normal",
    )
    assert view.decisions[0]["authority"] is False
    rows = register.register_rows(service)
    assert [r["ref"] for r in rows] == ["INC-1"]
    assert "document internally only" in rows[0]["decisions"]
    assert rows[0]["keep_until"] == "2031-11-22"


def test_an_incident_is_found_by_its_reference_or_by_its_channel(service, declared) -> None:  # type: ignore[no-untyped-def]
    service.set_channel("INC-1", "C0INC1")
    assert service.resolve("inc-1", actor="alice", action="status").ref == "INC-1"
    assert service.resolve("C0INC1", actor="alice", action="status").ref == "INC-1"
    # typed in the incident's channel, a command needs no reference
    assert run(service, "note Vendor called back", context="C0INC1").key == "note_added"


def test_outside_an_incident_a_command_asks_which_incident(service, declared) -> None:  # type: ignore[no-untyped-def]
    for where in (None, "C0GENERAL"):
        with pytest.raises(UsageError) as caught:
            service.resolve(where, actor="alice", action="status")
        assert "Which incident?" in caught.value.message
    with pytest.raises(NotFound) as missing:
        service.resolve("INC-9", actor="alice", action="status")
    assert "No incident INC-9" in missing.value.message

"""Reminders with a clock passed in: points before a deadline, once each, quiet when done."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.core import commands
from incidentbot.service import reminders


def run(service, text: str, context: str | None = "INC-1"):  # type: ignore[no-untyped-def]
    return service.handle(commands.parse(text), actor="alice", context=context)


def fire(service, clock):  # type: ignore[no-untyped-def]
    sent = []
    for r in reminders.due(service, clock()):
        if reminders.claim(service, r, clock()):
            sent.append(r)
    return sent


def cnil(sent):  # type: ignore[no-untyped-def]
    return [r for r in sent if r.item == "clock:fr"]


def test_each_point_fires_once_before_the_cnil_deadline(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=generic-breach aware=now jurisdiction=fr", context=None)
    assert cnil(fire(service, clock)) == []  # 72 h left: nothing yet
    clock.advance(hours=48)  # 24 h left
    first = cnil(fire(service, clock))
    assert [r.point for r in first] == ["24h"] and not first[0].late
    assert "due in 24 h" in first[0].text
    assert cnil(fire(service, clock)) == []  # at most one per item and point
    clock.advance(hours=18, minutes=1)  # 5 h 59 left
    assert [r.point for r in cnil(fire(service, clock))] == ["6h"]
    events = [e for e in service.store.events("INC-1") if e.kind == "reminder"]
    assert {e.data["point"] for e in events if e.data["item"] == "clock:fr"} == {"24h", "6h"}


def test_a_reminder_missed_while_down_is_sent_once_marked_late(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=generic-breach aware=now jurisdiction=fr", context=None)
    clock.advance(hours=71, minutes=30)  # the bot was down through the 24 h, 6 h and 1 h points
    sent = cnil(fire(service, clock))
    assert [(r.point, r.late) for r in sent] == [("1h", True)]
    assert "sent late" in sent[0].text
    clock.advance(minutes=1)
    assert cnil(fire(service, clock)) == []  # the missed 24 h and 6 h points are not sent after
    clock.advance(hours=1)
    assert [r.point for r in cnil(fire(service, clock))] == ["0h"]


def test_quiet_once_the_regulator_is_notified(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=generic-breach aware=now jurisdiction=fr", context=None)
    run(service, "notified fr CNIL-1")
    clock.advance(hours=80)
    assert cnil(fire(service, clock)) == []


def test_overdue_steps_are_reminded_once_and_not_when_done(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=vendor-breach aware=now jurisdiction=qc", context=None)
    run(service, "done preserve-logs Logs copied")
    clock.advance(hours=3)  # the 2 h contain steps are past due
    items = {r.item for r in fire(service, clock)}
    assert "step:revoke-vendor-access" in items
    assert "step:preserve-logs" not in items
    assert not {i for i in (r.item for r in fire(service, clock)) if i.startswith("step:")}


def test_snooze_keeps_an_item_quiet_and_records_who(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=generic-breach aware=now jurisdiction=fr", context=None)
    reminders.snooze(service, "INC-1", "clock:fr", until=clock() + timedelta(hours=60), actor="bob")
    clock.advance(hours=50)
    assert cnil(fire(service, clock)) == []
    clock.advance(hours=11)  # 11 h left: the snooze is over and the 24 h point is unsent
    assert [r.point for r in cnil(fire(service, clock))] == ["24h"]
    snoozes = [e for e in service.store.events("INC-1") if e.kind == "reminder_snoozed"]
    assert snoozes[0].actor == "bob"


def test_a_claimed_reminder_is_not_claimed_twice(service, clock) -> None:  # type: ignore[no-untyped-def]
    run(service, "declare Leak playbook=generic-breach aware=now jurisdiction=fr", context=None)
    clock.advance(hours=49)
    pending = cnil(reminders.due(service, clock()))
    assert reminders.claim(service, pending[0], clock()) is True
    assert reminders.claim(service, pending[0], clock()) is False


def test_the_quebec_notify_step_is_reminded_at_the_cai_target(service, clock) -> None:  # type: ignore[no-untyped-def]
    """The notify step of a `qc` incident is due at the CAI's 24-hour target, so its overdue
    reminder comes after 24 hours, not after the playbook's 72."""
    run(service, "declare Leak playbook=vendor-breach aware=now jurisdiction=qc", context=None)
    clock.advance(hours=23)
    assert "step:notify-regulator" not in {r.item for r in fire(service, clock)}
    clock.advance(hours=1, minutes=1)
    (reminder,) = [r for r in fire(service, clock) if r.item == "step:notify-regulator"]
    assert reminder.due_at == service.store.step("INC-1", "notify-regulator").due_at
    assert "overdue" in reminder.text

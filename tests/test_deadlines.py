"""The regulators' clocks (incidentbot.core.deadlines)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidentbot.core.deadlines import (
    clocks,
    describe,
    format_duration,
    next_deadline,
    ordered,
)
from incidentbot.core.model import DeadlineRule, Jurisdiction
from incidentbot.core.severity import Decision
from incidentbot.typography import french

RULES = {
    # id: authority, deadline, persons deadline, threshold, persons threshold
    "fr": ("CNIL", DeadlineRule("hours", hours=72, late_requires="delay_reasons"),
           DeadlineRule("without_undue_delay"), "unlikely_risk", "high_risk"),
    "qc": ("CAI", DeadlineRule("promptly", target_hours=24), DeadlineRule("promptly"),
           "risk_of_serious_injury", "risk_of_serious_injury"),
    "ca": ("OPC", DeadlineRule("as_soon_as_feasible", target_hours=72),
           DeadlineRule("as_soon_as_feasible"), "rrosh", "rrosh"),
}  # fmt: skip


def jurisdiction(jid: str) -> Jurisdiction:
    authority, deadline, persons_deadline, threshold, persons_threshold = RULES[jid]
    return Jurisdiction(
        id=jid,
        name={"en": jid},
        authority=authority,
        authority_name={"en": authority},
        law={"en": "GDPR" if jid == "fr" else "P-39.1" if jid == "qc" else "PIPEDA"},
        deadline=deadline,
        persons_deadline=persons_deadline,
        threshold=threshold,
        persons_threshold=persons_threshold,
        language="fr",
    )


PARIS = ZoneInfo("Europe/Paris")
TORONTO = ZoneInfo("America/Toronto")
FR, QC, CA = jurisdiction("fr"), jurisdiction("qc"), jurisdiction("ca")


def decided(jid: str, authority: bool, persons: bool) -> Decision:
    return Decision(jid, authority, persons, {"en": "rule", "fr": "règle"})


def one(aware_at, now, *, notified=None, decisions=None, where=FR):
    (clock,) = clocks(
        aware_at=aware_at,
        jurisdictions=[where],
        notifications={where.id: notified} if notified else {},
        decisions=decisions,
        now=now,
    )
    return clock


# ------------------------------------------------------------------- elapsed hours and DST


def test_72_hours_across_the_spring_change_in_paris():
    """Clocks go forward on 2026-03-29: 72 elapsed hours end at 11:00 local, not 10:00."""
    aware = datetime(2026, 3, 28, 10, 0, tzinfo=PARIS)
    clock = one(aware, aware + timedelta(hours=1))
    assert clock.due_at == datetime(2026, 3, 31, 11, 0, tzinfo=PARIS)
    assert clock.due_at - aware == timedelta(hours=72)
    assert describe(clock, "en", PARIS) == "CNIL: due 2026-03-31 11:00 (UTC+02:00), 71 h left"


def test_72_hours_across_the_fall_back_in_toronto():
    """Clocks go back on 2026-11-01: 72 elapsed hours end at 08:00 local, not 09:00."""
    aware = datetime(2026, 10, 31, 9, 0, tzinfo=TORONTO)
    clock = one(aware, aware)
    assert clock.due_at == datetime(2026, 11, 3, 8, 0, tzinfo=TORONTO)
    assert clock.due_at.tzinfo is UTC
    assert "2026-11-03 08:00 (UTC-05:00)" in describe(clock, "en", "America/Toronto")


def test_no_weekend_roll_over_for_an_hour_period():
    """Regulation 1182/71 Art. 3(4) moves only periods not expressed in hours: Friday evening
    plus 72 h ends on Monday evening, whatever the weekend."""
    aware = datetime(2026, 11, 20, 18, 0, tzinfo=PARIS)  # a Friday
    clock = one(aware, aware)
    assert clock.due_at == datetime(2026, 11, 23, 18, 0, tzinfo=PARIS)


# ----------------------------------------------------------------------------- the states


def test_running_clock_in_both_languages():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(aware, datetime(2026, 11, 21, 21, 0, tzinfo=PARIS))
    assert (clock.state, clock.time_left) == ("running", timedelta(hours=41))
    assert describe(clock, "en", PARIS) == "CNIL: due 2026-11-23 14:00 (UTC+01:00), 41 h left"
    assert describe(clock, "fr", PARIS) == french(
        "CNIL : échéance 2026-11-23 14:00 (UTC+01:00), reste 41 h"
    )


def test_overdue_clock_asks_for_the_reasons_for_the_delay():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(aware, aware + timedelta(hours=77))
    assert clock.state == "overdue"
    assert clock.time_left == timedelta(hours=-5)
    assert clock.late_requires == "delay_reasons"
    assert describe(clock, "en", PARIS) == (
        "CNIL: OVERDUE by 5 h — the notification must give the reasons for the delay "
        "(GDPR Art. 33(1))"
    )
    assert describe(clock, "fr", PARIS) == french(
        "CNIL : EN RETARD de 5 h — la notification doit indiquer les motifs du retard "
        "(RGPD art. 33(1))"
    )


def test_exactly_at_the_due_time_is_not_yet_late():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    assert one(aware, aware + timedelta(hours=72)).state == "running"
    notified = (aware + timedelta(hours=72), "A1")
    assert one(aware, aware + timedelta(hours=80), notified=notified).state == "notified"


def test_notified_in_time_shows_the_reference():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(
        aware,
        aware + timedelta(days=5),
        notified=(datetime(2026, 11, 21, 10, 0, tzinfo=PARIS), "2026-123"),
    )
    assert (clock.state, clock.late_requires, clock.time_left) == ("notified", None, None)
    assert (
        describe(clock, "en", PARIS) == "CNIL: notified 2026-11-21 10:00 (UTC+01:00), ref. 2026-123"
    )
    assert describe(clock, "fr", PARIS) == french(
        "CNIL : notification faite le 2026-11-21 10:00 (UTC+01:00), réf. 2026-123"
    )


def test_notified_late_keeps_asking_for_the_reasons():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(
        aware,
        aware + timedelta(days=5),
        notified=(aware + timedelta(hours=73, minutes=30), None),
    )
    assert clock.state == "notified_late"
    assert clock.late_requires == "delay_reasons"
    assert describe(clock, "en", PARIS) == (
        "CNIL: notified 2026-11-23 15:30 (UTC+01:00), 1 h 30 min after the deadline — the notification "
        "must give the reasons for the delay (GDPR Art. 33(1))"
    )


def test_not_required_when_the_decision_in_force_says_so():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(aware, aware + timedelta(days=4), decisions={"fr": decided("fr", False, False)})
    assert (clock.state, clock.required, clock.late_requires) == ("not_required", False, None)
    assert "no notification required" in describe(clock, "en", PARIS)
    assert "non requise" in describe(clock, "fr", PARIS)


def test_no_awareness_time_means_no_clock_yet():
    clock = one(None, datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    assert (clock.state, clock.due_at, clock.time_left) == ("not_started", None, None)
    assert next_deadline([clock]) is None
    assert '"aware WHEN"' in describe(clock, "en")


def test_without_a_decision_the_authority_clock_runs_and_persons_wait():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    result = clocks(
        aware_at=aware, jurisdictions=[FR, QC], notifications={}, decisions=None, now=aware
    )
    assert [(c.jurisdiction, c.audience, c.required, c.state) for c in result] == [
        ("fr", "authority", None, "running"),
        ("qc", "authority", None, "running"),
    ]


# ------------------------------------------------------------- rules without fixed hours


def test_promptly_has_no_due_time_only_an_internal_target():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(aware, aware + timedelta(hours=21), where=QC)
    assert (clock.rule_kind, clock.due_at, clock.state) == ("promptly", None, "running")
    assert clock.target_at == aware + timedelta(hours=24)
    assert describe(clock, "en", PARIS) == (
        "CAI: promptly (no fixed hours; internal target 2026-11-21 14:00 (UTC+01:00), 3 h left)"
    )
    assert describe(clock, "fr", PARIS) == french(
        "CAI : à notifier sans délai (« avec diligence ») — pas de délai en heures ; "
        "objectif interne 2026-11-21 14:00 (UTC+01:00), reste 3 h"
    )


def test_passing_an_internal_target_is_not_called_overdue():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    clock = one(aware, aware + timedelta(hours=26), where=QC)
    assert clock.state == "running" and clock.late_requires is None
    assert describe(clock, "en", PARIS).endswith(
        "internal target 2026-11-21 14:00 (UTC+01:00), passed 2 h ago)"
    )


def test_persons_clocks_follow_the_decision_in_force():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    result = clocks(
        aware_at=aware,
        jurisdictions=[FR, CA],
        notifications={"fr": (aware + timedelta(hours=20), "N1")},
        decisions={"fr": decided("fr", True, True), "ca": decided("ca", True, False)},
        now=aware + timedelta(hours=30),
    )
    assert [(c.jurisdiction, c.audience, c.state) for c in result] == [
        ("fr", "authority", "notified"),
        ("fr", "persons", "running"),
        ("ca", "authority", "running"),
    ]
    persons = result[1]
    assert persons.rule_kind == "without_undue_delay" and persons.due_at is None
    assert describe(persons, "en") == "CNIL — persons: without undue delay (no fixed hours)"
    assert describe(persons, "fr") == french(
        "CNIL — personnes : dans les meilleurs délais — pas de délai en heures"
    )
    told = clocks(
        aware_at=aware,
        jurisdictions=[FR],
        notifications={"fr:persons": (aware + timedelta(hours=40), None)},
        decisions={"fr": decided("fr", True, True)},
        now=aware + timedelta(hours=50),
    )
    assert [c.state for c in told] == ["running", "notified"]


def test_next_deadline_is_the_earliest_legal_deadline_before_any_internal_target():
    aware = datetime(2026, 11, 20, 14, 0, tzinfo=PARIS)
    result = clocks(
        aware_at=aware,
        jurisdictions=[FR, QC, CA],
        notifications={},
        decisions=None,
        now=aware + timedelta(hours=1),
    )
    # the CAI's and the OPC's internal targets (24 h) come sooner, but the CNIL's 72 hours are
    # the only legal deadline: a DPO answers for that one first
    assert next_deadline(result).jurisdiction == "fr"
    targets_only = clocks(
        aware_at=aware,
        jurisdictions=[QC, CA],
        notifications={},
        decisions=None,
        now=aware + timedelta(hours=1),
    )
    assert next_deadline(targets_only).jurisdiction in ("qc", "ca")
    assert [c.jurisdiction for c in ordered(result)][:1] == ["fr"]
    done = clocks(
        aware_at=aware,
        jurisdictions=[FR, QC],
        notifications={"qc": (aware + timedelta(hours=2), "Q1")},
        decisions=None,
        now=aware + timedelta(hours=3),
    )
    assert next_deadline(done).jurisdiction == "fr"


# ------------------------------------------------------------------------------- errors


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        one(datetime(2026, 11, 20, 14, 0), datetime(2026, 11, 20, 15, 0, tzinfo=UTC))


def test_unknown_deadline_kind_is_refused():
    odd = replace(jurisdiction("fr"), deadline=DeadlineRule("fortnightly"))
    with pytest.raises(ValueError, match="fortnightly"):
        one(
            datetime(2026, 11, 20, 14, 0, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC), where=odd
        )


@pytest.mark.parametrize(
    ("delta", "lang", "text"),
    [
        (timedelta(hours=41, minutes=20), "en", "41 h 20 min"),
        (timedelta(hours=41, minutes=20, seconds=59), "en", "41 h 20 min"),
        (timedelta(days=3, hours=4, minutes=10), "en", "3 d 4 h"),
        (timedelta(days=3, hours=4), "fr", "3 j 4 h"),
        (timedelta(days=4), "fr", "4 j"),
        (timedelta(hours=71, minutes=59), "fr", "71 h 59 min"),
        (timedelta(hours=5), "en", "5 h"),
        (timedelta(minutes=20), "en", "20 min"),
        (timedelta(seconds=30), "en", "0 min"),
        (timedelta(hours=-5), "en", "5 h"),
    ],
)
def test_format_duration(delta, lang, text):
    assert format_duration(delta, lang) == text

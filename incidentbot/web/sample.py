"""A realistic sample incident, built through the real service, for the page's bench,
its screenshots and its tests (``python -m incidentbot.web.sample DB`` fills a database).

Everything goes through :class:`~incidentbot.service.IncidentService` (declare, complete, skip,
assign, note) on a real SQLite file, built by the composition root; the bulk filler events of
:func:`add_events` are written by the service's timeline writer in one transaction so that
100,000 events take seconds.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidentbot.app import App, build_app
from incidentbot.config import Settings
from incidentbot.core.model import EventKind
from incidentbot.service import IncidentService
from incidentbot.service.timeline import record

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
SLACK = "https://campaign-hq.slack.com/archives/C07INC1/p17636"


@dataclass
class ManualClock:
    """A clock that moves only when told to: every timestamp in the sample is reproducible."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def sample_app(db: Path, clock: ManualClock | None = None) -> App:
    """The whole bot on ``db`` with the default settings and a manual clock."""
    return build_app(Settings(db_path=db), clock=clock or ManualClock())


def build_service(db: Path, clock: ManualClock | None = None) -> IncidentService:
    return sample_app(db, clock).service


def declare_sample(service: IncidentService, *, language: str = "en", private: bool = False) -> str:
    """The donor-list leak of a mailing vendor, a few hours in; returns its reference."""
    clock = service.clock
    assert isinstance(clock, ManualClock)
    fr = language == "fr"
    view = service.declare(
        actor="alice",
        title=(
            "Liste de donateurs exposée par le prestataire d'envoi"
            if fr
            else "Donor list exposed by the mailing vendor"
        ),
        playbook_id="vendor-breach",
        aware_at=clock.now - timedelta(hours=1),
        jurisdictions=["qc", "fr"],
        lead="alice",
        severity_level="high",
        language=language,
        private=private,
    )
    ref = view.card.incident.ref
    steps = [
        (
            "revoke-vendor-access",
            "bob",
            "API keys of MailCo revoked at 14:20; SFTP account closed.",
        ),
        ("scope-exposure", "bob", "869 donors: name, e-mail, postal address, amount given."),
        ("preserve-logs", "bob", "Vendor access logs exported, sha256 recorded in the drive."),
    ]
    clock.advance(minutes=12)
    service.add_note(
        ref,
        "MailCo called: a misconfigured bucket was public for 3 days.",
        actor="alice",
        link=f"{SLACK}0001",
    )
    for step_id, who, note in steps:
        clock.advance(minutes=17)
        service.complete_step(ref, step_id, actor=who, note=note, link=f"{SLACK}01{step_id[:2]}")
    clock.advance(minutes=9)
    service.assign(ref, "assess-risk", "dana", actor="alice")
    clock.advance(minutes=5)
    service.assign(ref, "dpo", "dana", actor="alice")
    clock.advance(minutes=21)
    service.add_note(
        ref,
        "Donations above $200 are public in Québec anyway; the e-mail addresses are not.",
        actor="dana",
    )
    clock.advance(minutes=4)
    service.skip_step(ref, "staff-notice", actor="alice", reason="Only two staff involved.")
    clock.advance(minutes=6)
    service.add_note(ref, '=HYPERLINK("http://evil.example","click")', actor="mallory")
    service.add_note(ref, "<script>window.pwned=1</script>", actor="mallory")
    service.add_note(ref, '<img src=x onerror="window.pwned=1">', actor="mallory")
    clock.advance(minutes=3)
    service.add_note(
        ref,
        "Press line agreed with comms:\n“We are informing the people concerned.”",
        actor="erin",
        link=f"{SLACK}0002",
    )
    return ref


ACTORS = ("alice", "bob", "carol", "dana", "erin")
PHASES = ("contain", "assess", "notify", "communicate", "recover", None)


def add_events(service: IncidentService, ref: str, count: int) -> None:
    """``count`` more notes, spread over actors and phases, one second apart, in one commit."""
    store = service.store
    at = service.clock()
    with store.transaction():
        for i in range(count):
            at += timedelta(seconds=1)
            record(
                store,
                ref,
                EventKind.NOTE,
                actor=ACTORS[i % len(ACTORS)],
                at=at,
                phase=PHASES[i % len(PHASES)],
                text=f"Call log {i}: contacted donor batch {i // 50}, no answer <yet> & retry.",
                link=f"{SLACK}{i:06d}" if i % 10 == 0 else None,
                data={"source": "bulk"},
            )
    assert isinstance(service.clock, ManualClock)
    service.clock.now = at


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m incidentbot.web.sample DB [EVENTS] [en|fr]", file=sys.stderr)
        return 2
    service = build_service(Path(argv[1]))
    ref = declare_sample(service, language=argv[3] if len(argv) > 3 else "en")
    if len(argv) > 2:
        add_events(service, ref, int(argv[2]))
    print(ref)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

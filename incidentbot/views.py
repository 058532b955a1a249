"""Plain view-models returned by the service and rendered by the shell, Slack and the web.

A feature is built once in the service and shown three ways: these classes carry data only;
wording lives in :mod:`incidentbot.i18n` and in the front ends' renderers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from incidentbot.core.deadlines import Clock
from incidentbot.core.model import Draft, Incident, Phase, Step, TimelineEvent
from incidentbot.core.severity import Assessment
from incidentbot.i18n import Message

if TYPE_CHECKING:
    from incidentbot.drafting import MissingFact


@dataclass(frozen=True)
class Ack:
    """A confirmation: ``key`` names a catalogue sentence, ``params`` fill it."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    incident: Incident | None = None
    changed: bool = True


@dataclass(frozen=True)
class StepLine:
    step: Step
    owner: str  # role id
    assignee: str | None  # explicit assignee, else whoever holds the owner role
    blocked_by: tuple[str, ...] = ()
    overdue: bool = False
    requires: tuple[tuple[str, str], ...] = ()  # each prerequisite and its status


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    done: int
    total: int


@dataclass(frozen=True)
class Card:
    """The incident card: what ``status`` shows and what Slack pins and updates in place."""

    incident: Incident
    playbook_title: Mapping[str, str]
    progress: tuple[PhaseProgress, ...]
    open_steps: tuple[StepLine, ...]
    clocks: tuple[Clock, ...]
    next_clock: Clock | None
    assessment: Mapping[str, Any] | None = None
    now: datetime | None = None
    silence_starts: datetime | None = None  # the fact election_silence_starts, when a time
    silence_zone: str | None = None  # the zone the silence's start belongs to (IANA name)


@dataclass(frozen=True)
class StepsView:
    """The checklist; with ``focus``, one step in detail (``lines`` holds that step only)."""

    incident: Incident
    lines: tuple[StepLine, ...]
    focus: str | None = None


@dataclass(frozen=True)
class DeadlinesView:
    incident: Incident
    clocks: tuple[Clock, ...]
    now: datetime


@dataclass(frozen=True)
class TimelineView:
    incident: Incident
    events: tuple[TimelineEvent, ...]
    total: int
    link: str | None = None
    link_expires: datetime | None = None


@dataclass(frozen=True)
class ListItem:
    incident: Incident
    next_clock: Clock | None
    open_steps: int


@dataclass(frozen=True)
class ListView:
    items: tuple[ListItem, ...]
    now: datetime
    link: str | None = None  # signed link to the /incidents page
    link_expires: datetime | None = None


@dataclass(frozen=True)
class HelpView:
    topic: str | None = None


@dataclass(frozen=True)
class DeclaredView:
    card: Card


@dataclass(frozen=True)
class AssessmentView:
    incident: Incident
    version: int
    assessment: Assessment
    decisions: tuple[Mapping[str, Any], ...]  # the export's JSON shape (rule in English)
    previous_band: str | None = None
    rules: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # jurisdiction -> en/fr

    def rule(self, jurisdiction: str, lang: str) -> str:
        """The decision's rule in the reader's language (the JSON keeps the English one)."""
        words = self.rules.get(jurisdiction) or {}
        fallback = next(
            (d["rule"] for d in self.decisions if d["jurisdiction"] == jurisdiction), ""
        )
        return words.get(lang) or fallback


@dataclass(frozen=True)
class DraftView:
    incident: Incident
    draft: Draft
    missing: tuple[MissingFact, ...]
    diff: str | None = None
    previous_version: int | None = None
    files: Mapping[str, bytes] = field(default_factory=dict)  # filename -> content
    notes: tuple[Message, ...] = ()  # warnings printed with the draft, in the reader's language

    def language_note(self, reader: str) -> Message | None:
        """One line when the draft is not in the reader's language (notices and regulator
        letters default to the jurisdiction's): how to ask for the other."""
        d = self.draft
        if d.language == reader:
            return None
        words = " ".join(
            w
            for w in (
                _KIND_WORDS.get((d.kind, reader), d.kind),
                d.jurisdiction or "",
                d.variant if d.variant == "holding" else "",
                reader,
            )
            if w
        )
        return Message(
            "draft.other_language",
            draft_lang=Message(f"language.{d.language}"),
            reader_lang=Message(f"language.{reader}"),
            command=words,
        )


_KIND_WORDS = {
    ("press", "fr"): "presse", ("regulator", "fr"): "autorité", ("notice", "fr"): "avis",
    ("staff", "fr"): "équipe", ("vendor", "fr"): "prestataire", ("report", "fr"): "rapport",
}  # fmt: skip


@dataclass(frozen=True)
class RegisterView:
    rows: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class ClosedView:
    incident: Incident


@dataclass(frozen=True)
class NeedsModal:
    """The front end should open a modal (Slack) or ask for the options (shell)."""

    kind: str  # "declare" or "assess"
    incident: Incident | None = None


View = (
    Ack
    | Card
    | StepsView
    | DeadlinesView
    | TimelineView
    | ListView
    | HelpView
    | DeclaredView
    | AssessmentView
    | DraftView
    | RegisterView
    | ClosedView
    | NeedsModal
)


def silence_starts(incident: Incident) -> datetime | None:
    """When the electoral silence starts (``fact election_silence_starts``), if given as a time."""
    value = incident.facts.get("election_silence_starts")
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

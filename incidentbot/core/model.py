"""The incident model: frozen dataclasses and enums shared by every layer.

Times are timezone-aware UTC datetimes in memory (ISO-8601 text in SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    CONTAIN = "contain"
    ASSESS = "assess"
    NOTIFY = "notify"
    COMMUNICATE = "communicate"
    RECOVER = "recover"


PHASES: tuple[Phase, ...] = tuple(Phase)


class StepStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Severity(StrEnum):
    """The ENISA severity bands (ENISA 2013 methodology for breach severity, section 5), also used for the declared severity."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class EventKind(StrEnum):
    """Every kind of timeline event; each has a label ``event.<kind>`` in the catalogue."""

    DECLARED = "declared"
    AWARE_SET = "aware_set"
    CHANNEL_SET = "channel_set"
    STEP_DONE = "step_done"
    STEP_SKIPPED = "step_skipped"
    STEP_ASSIGNED = "step_assigned"
    ROLE_ASSIGNED = "role_assigned"
    NOTE = "note"
    MEASURE = "measure"
    SEVERITY_SET = "severity_set"
    FACT_SET = "fact_set"
    ASSESSED = "assessed"
    DECISION_OVERRIDE = "decision_override"
    NOTIFIED = "notified"
    DRAFT_CREATED = "draft_created"
    DRAFT_APPROVED = "draft_approved"
    REMINDER = "reminder"
    REMINDER_SNOOZED = "reminder_snoozed"
    REFUSED = "refused"
    CLOSED = "closed"
    TIMELINE_OPENED = "timeline_opened"
    ACCESS_REFUSED = "access_refused"
    MEMBER_INVITED = "member_invited"
    MEMBER_EXCLUDED = "member_excluded"
    CHANNEL_JOINED = "channel_joined"
    CHANNEL_LEFT = "channel_left"
    PRIVACY_SET = "privacy_set"
    LINKS_REVOKED = "links_revoked"


class Role(StrEnum):
    """Roles of the playbooks (README.md, "Playbooks and jurisdictions"): who owns a step, who may approve or close."""

    LEAD = "lead"
    IT = "it"
    DPO = "dpo"
    COMMS = "comms"
    DIRECTOR = "director"
    MEMBER = "member"


Text = Mapping[str, str]
"""A bilingual text: {"en": ..., "fr": ...}."""


def pick(text: Text, lang: str) -> str:
    """The text in ``lang``, else English, else any language given."""
    if lang in text:
        return text[lang]
    if "en" in text:
        return text["en"]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class StepDef:
    """One step of a playbook, as written in its YAML file."""

    id: str
    phase: Phase
    title: Text
    owner: Role
    due: timedelta | None = None
    requires: tuple[str, ...] = ()
    draft: str | None = None
    mandatory: bool = True
    evidence: bool = False
    guidance: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Playbook:
    id: str
    title: Text
    description: Text
    steps: tuple[StepDef, ...]
    jurisdictions: tuple[str, ...] = ()
    guidance: Text = field(default_factory=dict)
    source: str = ""
    private: bool = False  # its incidents start private (insider-access)

    def step(self, step_id: str) -> StepDef | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class DeadlineRule:
    """When a regulator must be told, as data from jurisdictions.yaml.

    ``kind`` is ``hours`` (a fixed count of elapsed hours from ``start``, GDPR Art. 33(1)) or a
    wording without hours (``promptly``, ``as_soon_as_feasible``, ``without_undue_delay``);
    for those, ``target_hours`` is the campaign's own internal target, shown as such.
    """

    kind: str
    hours: float | None = None
    target_hours: float | None = None
    start: str = "aware_at"
    late_requires: str | None = None


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: Text
    authority: str
    authority_name: Text
    law: Text
    deadline: DeadlineRule
    persons_deadline: DeadlineRule
    threshold: str
    persons_threshold: str
    language: str
    register_retention_months: int = 60
    notice_fields: tuple[str, ...] = ()
    persons_fields: tuple[str, ...] = ()
    persons_exceptions: tuple[str, ...] = ()
    phased: bool = True
    statutory_note: Text = field(default_factory=dict)
    citations: Mapping[str, str] = field(default_factory=dict)
    contact: Mapping[str, str] = field(default_factory=dict)
    timezone: str | None = None  # the natural zone of its schedule facts (IANA name)
    # the jurisdiction's own names for a draft's facts (``dpo_name``: Québec's "personne
    # responsable de la protection des renseignements personnels"), for the missing markers
    titles: Mapping[str, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class Incident:
    ref: str
    title: str
    playbook: str
    status: IncidentStatus
    declared_by: str
    declared_at: datetime
    aware_at: datetime | None = None
    detected_at: datetime | None = None
    severity: Severity | None = None
    lead: str | None = None
    channel: str | None = None
    closed_at: datetime | None = None
    language: str = "en"
    jurisdictions: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    private: bool = False
    roles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """A step of one incident: its playbook definition and its state."""

    incident: str
    definition: StepDef
    status: StepStatus = StepStatus.PENDING
    assignee: str | None = None
    due_at: datetime | None = None
    done_by: str | None = None
    done_at: datetime | None = None
    note: str | None = None
    version: int = 0

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def phase(self) -> Phase:
        return self.definition.phase

    @property
    def is_open(self) -> bool:
        return self.status is StepStatus.PENDING


@dataclass(frozen=True)
class TimelineEvent:
    incident: str
    seq: int
    at: datetime
    actor: str
    kind: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""
    phase: str | None = None
    link: str | None = None
    form: int = 1  # the chain's canonical form its hash uses (store/chain.py)


@dataclass(frozen=True)
class Draft:
    incident: str
    kind: str
    jurisdiction: str | None
    language: str
    version: int
    body: str
    template: str
    created_by: str
    created_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    missing: tuple[str, ...] = ()
    variant: str | None = None

    @property
    def name(self) -> str:
        """How a user names this draft in ``approve``, unique per incident: ``press-fr-v1``,
        ``press-holding-fr-v1``, ``regulator-fr-complementary-fr-v2``."""
        parts = [self.kind]
        if self.jurisdiction:
            parts.append(self.jurisdiction)
        if self.variant:
            parts.append(self.variant.replace("_", "-"))
        parts.append(self.language)
        return "-".join(parts) + f"-v{self.version}"

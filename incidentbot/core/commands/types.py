"""The commands the `/incident` grammar reads: one frozen dataclass a subcommand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

# --------------------------------------------------------------------------- commands


@dataclass(frozen=True, kw_only=True)
class _Command:
    ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class Help(_Command):
    topic: str | None = None


@dataclass(frozen=True, kw_only=True)
class Declare(_Command):
    """``title`` comes from the free words or from ``title=``; ``options`` never holds it."""

    title: str | None = None
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class ListIncidents(_Command):
    """``list``: the incidents the reader may see, legal deadlines first."""


@dataclass(frozen=True, kw_only=True)
class Status(_Command):
    """``status`` (or a reference alone): the incident's card."""


@dataclass(frozen=True, kw_only=True)
class Steps(_Command):
    """``steps`` lists the checklist; ``steps STEP`` shows that one step in detail."""

    step: str | None = None


@dataclass(frozen=True, kw_only=True)
class Deadlines(_Command):
    """``deadlines``: each authority's clock, then its persons' clock."""


@dataclass(frozen=True, kw_only=True)
class Close(_Command):
    """``close``: close the incident once its mandatory steps are done or skipped."""


@dataclass(frozen=True, kw_only=True)
class Register(_Command):
    """``register``: one row per incident the reader may see."""


@dataclass(frozen=True, kw_only=True)
class Done(_Command):
    step: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Skip(_Command):
    step: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Assign(_Command):
    """``target`` is a step id or a role; ``user`` a Slack user id or a name as typed."""

    target: str
    user: str


@dataclass(frozen=True, kw_only=True)
class Note(_Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class Measure(_Command):
    """``measure [planned] TEXT``: a measure worded for the outside (the drafts quote it)."""

    text: str
    planned: bool = False


@dataclass(frozen=True, kw_only=True)
class Aware(_Command):
    """``when`` is the raw time text; :func:`incidentbot.core.when.parse_when` reads it."""

    when: str


@dataclass(frozen=True, kw_only=True)
class Assess(_Command):
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class Notified(_Command):
    """``notified JUR [persons] [REFERENCE] [note=TEXT]``: everything after ``note=`` is the
    evidence note for the notify step, kept as typed."""

    jurisdiction: str
    reference: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Timeline(_Command):
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class Draft(_Command):
    kind: str
    jurisdiction: str | None = None
    lang: str | None = None


@dataclass(frozen=True, kw_only=True)
class Approve(_Command):
    draft: str


@dataclass(frozen=True, kw_only=True)
class Severity(_Command):
    level: str
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Fact(_Command):
    """``fact KEY value``: a fact the drafts need (cause, vendor_name, delay_reasons...)."""

    key: str
    value: str


@dataclass(frozen=True, kw_only=True)
class Invite(_Command):
    """``invite @user``: a member of the (private) incident from now on."""

    user: str


@dataclass(frozen=True, kw_only=True)
class Exclude(_Command):
    """``exclude @user``: refused everything about the incident, whatever their role."""

    user: str


@dataclass(frozen=True, kw_only=True)
class Private(_Command):
    """``private`` (members only) or ``private no`` (visible again; the lead's decision)."""

    private: bool = True


@dataclass(frozen=True, kw_only=True)
class Links(_Command):
    """``links revoke``: every signed link to the incident stops opening."""


Command: TypeAlias = (
    Help
    | Declare
    | ListIncidents
    | Status
    | Steps
    | Deadlines
    | Close
    | Register
    | Done
    | Skip
    | Assign
    | Note
    | Measure
    | Aware
    | Assess
    | Notified
    | Timeline
    | Draft
    | Approve
    | Severity
    | Fact
    | Invite
    | Exclude
    | Private
    | Links
)

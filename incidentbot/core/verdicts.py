"""The record of a notify decision: the computed one, the one in force, and an override.

DESIGN.md's decision object (``jurisdiction``, ``authority``, ``persons``, ``rule``,
``computed``, ``override``), with the principles that carried the computed decision and what
the lead may still override added after it. :mod:`incidentbot.core.decisions` computes it; a
person changes it only through :func:`apply_override`, which needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from incidentbot.core.model import Text
from incidentbot.core.principles import PRINCIPLES
from incidentbot.errors import UsageError
from incidentbot.i18n import Message


@dataclass(frozen=True)
class Override:
    """A person's decision in force instead of the computed one; the reason is never empty."""

    by: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """Whether to notify the authority and the persons in one jurisdiction.

    ``authority`` and ``persons`` are the decisions in force; ``computed_*`` the bot's own
    (equal to them unless an :class:`Override` is recorded). ``principles`` are the ids of
    :data:`~incidentbot.core.principles.PRINCIPLES` that carried the computed decision and
    ``may_override`` what the lead could still decide otherwise, in both languages.
    """

    jurisdiction: str
    authority: bool
    persons: bool
    rule: Text
    reasons: tuple[Text, ...] = ()
    computed_authority: bool | None = None
    computed_persons: bool | None = None
    override: Override | None = None
    principles: tuple[str, ...] = ()
    may_override: Text | None = None

    def __post_init__(self) -> None:
        if self.computed_authority is None:
            object.__setattr__(self, "computed_authority", self.authority)
        if self.computed_persons is None:
            object.__setattr__(self, "computed_persons", self.persons)

    def to_json(self, computed_only: bool = False) -> dict[str, Any]:
        """DESIGN.md's decision object; ``computed_only`` shows the bot's own, no override.

        ``principles`` (id, title, source) and ``may_override`` are added after DESIGN.md's
        keys, and only when known, so merging into a stored decision keeps its own."""
        computed = {"authority": self.computed_authority, "persons": self.computed_persons}
        over = self.override
        out: dict[str, Any] = {"jurisdiction": self.jurisdiction, **computed,
                               "rule": self.rule["en"], "computed": computed, "override": None}  # fmt: skip
        if not computed_only and over is not None:
            out.update(authority=self.authority, persons=self.persons,
                       override={"by": over.by, "reason": over.reason})  # fmt: skip
        if self.principles:
            out["principles"] = [
                {"id": p, "title": PRINCIPLES[p].title["en"], "source": PRINCIPLES[p].source["en"]}
                for p in self.principles
            ]
        if self.may_override:
            out["may_override"] = self.may_override["en"]
        return out


def apply_override(
    decision: Decision, *, authority: bool, persons: bool, by: str, reason: str
) -> Decision:
    """The lead's or DPO's decision in force, keeping the computed one beside it."""
    if not reason or not reason.strip():
        raise UsageError(Message("error.override_reason"), field="reason")
    return replace(
        decision,
        authority=authority,
        persons=persons,
        override=Override(by=by, reason=reason.strip()),
    )

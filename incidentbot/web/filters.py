"""The timeline's filters: GET parameters, so that they work without JavaScript.

The same :class:`Filters` narrows the page's table and its exports, and is kept in the export
links, so a download is what the reader was looking at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from incidentbot.core.model import PHASES, TimelineEvent
from incidentbot.errors import UsageError
from incidentbot.i18n import Message

MAX_FILTER_CHARS = 200
SAFE_LINK_SCHEMES = ("https://", "http://")


@dataclass(frozen=True)
class Filters:
    """The page's filters, read from GET parameters so that they work without JavaScript."""

    phase: str = ""
    kind: str = ""
    actor: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        values = {name: (query.get(name) or "").strip() for name in ("phase", "kind", "actor", "q")}
        for name, value in values.items():
            if len(value) > MAX_FILTER_CHARS:
                raise UsageError(
                    Message("filters.too_long", name=name, length=len(value), max=MAX_FILTER_CHARS),
                    field=name,
                )
        phase = values["phase"].lower()
        allowed = [p.value for p in PHASES]
        if phase and phase not in allowed:
            raise UsageError(
                Message(
                    "filters.unknown_phase", phase=values["phase"][:40], allowed=", ".join(allowed)
                ),
                field="phase",
            )
        return cls(phase=phase, kind=values["kind"], actor=values["actor"], q=values["q"])

    @property
    def active(self) -> bool:
        return bool(self.phase or self.kind or self.actor or self.q)

    def params(self) -> dict[str, str]:
        """The filters in force, as query parameters (kept in export links)."""
        return {
            k: v
            for k, v in (("phase", self.phase), ("kind", self.kind), ("actor", self.actor))
            if v
        } | ({"q": self.q} if self.q else {})

    def matches(
        self, *, phase: str | None, kind: str, actor: str, texts: tuple[str, ...], step: str
    ) -> bool:
        """``texts``: the event's text as stored and as the reader is shown it (the words of
        the page's language), so the search finds what the reader reads."""
        if self.phase and (phase or "") != self.phase:
            return False
        if self.kind and kind != self.kind:
            return False
        if self.actor and actor != self.actor:
            return False
        if self.q:
            needle = self.q.casefold()
            return any(needle in text.casefold() for text in (*texts, step))
        return True

    def event(self, e: TimelineEvent, shown: str) -> bool:
        """Whether the page keeps ``e``, shown to its reader as ``shown``."""
        return self.matches(
            phase=e.phase, kind=e.kind, actor=e.actor, texts=(e.text, shown), step=step_of(e.data)
        )

    def exported(self, e: Mapping[str, Any], shown: str) -> bool:
        """Whether a filtered export keeps ``e``, worded for its reader as ``shown``."""
        return self.matches(
            phase=e["phase"],
            kind=e["kind"],
            actor=e["actor"],
            texts=(e["text"] or "", shown),
            step=step_of(e["data"]),
        )


def step_of(data: Mapping[str, Any]) -> str:
    step = data.get("step") if isinstance(data, Mapping) else None
    return step if isinstance(step, str) else ""


def safe_link(link: str | None) -> str | None:
    """A link shown as ``href`` only when it is plain http(s): never ``javascript:``."""
    if link and link.lower().startswith(SAFE_LINK_SCHEMES) and not any(c in link for c in " \n"):
        return link
    return None

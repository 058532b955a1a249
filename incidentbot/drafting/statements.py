"""What a draft may say about notification, derived from the record per jurisdiction and per
audience: notified (who, when), to be notified (by when), not required (the reason stays
internal), no breach, or undecided. Templates word it (``press/_statements.*.md.j2``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from incidentbot.core.model import Jurisdiction, pick
from incidentbot.drafting.facts import DEADLINE_WORDS
from incidentbot.drafting.render import as_when

NOTIFIED, TO_NOTIFY, NOT_REQUIRED, NO_BREACH, UNDECIDED = (
    "notified", "to_notify", "not_required", "no_breach", "undecided",
)  # fmt: skip


def _no_breach(
    assessment: Mapping[str, Any] | None, decisions: Sequence[Mapping[str, Any]]
) -> bool:
    """No breach at all: confidentiality, integrity and availability untouched (or a decision
    that says so, principle ``NB``)."""
    inputs = (assessment or {}).get("inputs") or {}
    sides = [inputs.get(k) for k in ("confidentiality", "integrity", "availability")]
    if assessment and all(v == "none" for v in sides):
        return True
    return any(any(p.get("id") == "NB" for p in d.get("principles") or ()) for d in decisions)


def _ahead(when: datetime | None, now: datetime) -> datetime | None:
    return when if when is not None and when > now else None


def to_authority(name: str, lang: str) -> str:
    """ "à la Commission ...", "au Commissariat ...", "à l'Information Commissioner's Office"."""
    if lang != "fr":
        return f"the {name}"
    first = name.split()[0] if name else ""
    if first in ("Commissariat", "Bureau"):
        return f"au {name}"
    if first[:1].lower() in "aeiouhéèêi" or first.startswith("Information"):
        return f"à l'{name}"
    return f"à la {name}"


def statements(
    jurisdictions: Sequence[Jurisdiction],
    assessment: Mapping[str, Any] | None,
    notifications: Mapping[str, Mapping[str, Any]],
    decisions: Sequence[Mapping[str, Any]],
    due: Mapping[str, datetime | None],
    lang: str,
    now: datetime,
) -> dict[str, Any]:
    """Per jurisdiction of the incident, what may be said about the regulator and the persons:
    notified (when), to be notified (by when), not required (the reason stays internal), no
    breach, or undecided (no assessment yet). Derived from the decisions in force and the
    notifications recorded, never from a template's assumption."""
    in_force = {str(d.get("jurisdiction")): d for d in decisions}
    no_breach = _no_breach(assessment, decisions)
    statements = []
    for j in jurisdictions:
        told = notifications.get(j.id) or {}
        decision = in_force.get(j.id)
        authority_at = as_when(told.get("notified_at"))
        persons_at = as_when(told.get("persons_notified_at"))
        if authority_at:
            state = NOTIFIED
        elif no_breach:
            state = NO_BREACH
        elif decision is None:
            state = UNDECIDED
        else:
            state = TO_NOTIFY if decision.get("authority") else NOT_REQUIRED
        if persons_at:
            persons = NOTIFIED
        elif no_breach:
            persons = NO_BREACH
        elif decision is None:
            persons = UNDECIDED
        else:
            persons = TO_NOTIFY if decision.get("persons") else NOT_REQUIRED
        name = pick(j.authority_name, lang)
        statements.append(
            {
                "jurisdiction": j.id,
                "authority": j.authority,
                "authority_name": name,
                "to_authority": to_authority(name, lang),
                "state": state,
                "notified_at": authority_at,
                "reference": told.get("reference"),
                # a deadline already passed is no promise to print
                "due_at": _ahead(due.get(j.id), now),
                "persons": persons,
                "persons_notified_at": persons_at,
                "persons_due_at": _ahead(due.get(f"{j.id}:persons"), now),
            }
        )
    persons_states = {s["persons"] for s in statements}
    told_at = [s["persons_notified_at"] for s in statements if s["persons_notified_at"]]
    if told_at:
        persons_overall = NOTIFIED
    elif TO_NOTIFY in persons_states:
        persons_overall = TO_NOTIFY
    elif persons_states and persons_states <= {NO_BREACH}:
        persons_overall = NO_BREACH
    elif UNDECIDED in persons_states or not persons_states:
        persons_overall = UNDECIDED
    else:
        persons_overall = NOT_REQUIRED
    return {
        "authority_statements": statements,
        "persons_statement": {
            "state": persons_overall,
            "notified_at": min(told_at, key=str) if told_at else None,
        },
        "no_breach": no_breach,
    }


def titles(
    jurisdiction: Jurisdiction | None, jurisdictions: Sequence[Jurisdiction]
) -> dict[str, Mapping[str, str]]:
    """The jurisdiction's own names for missing facts (jurisdictions.yaml ``titles``): the
    draft's jurisdiction, or the incident's only one."""
    source = jurisdiction or (jurisdictions[0] if len(jurisdictions) == 1 else None)
    return dict(source.titles) if source else {}


def deadline_words(
    jurisdiction: Jurisdiction | None, jurisdictions: Sequence[Jurisdiction], lang: str
) -> dict[str, Any]:
    """How soon the authority must be told, worded from the deadline rule of the incident's
    jurisdictions (jurisdictions.yaml): the strictest hour count, else the law's wording."""
    rules = [j.deadline for j in (jurisdictions or ([jurisdiction] if jurisdiction else []))]
    hours = [r.hours for r in rules if r.kind == "hours" and r.hours is not None]
    if hours:
        return {
            "notify_deadline": DEADLINE_WORDS["hours"][lang == "fr"].format(n=f"{min(hours):g}")
        }
    kinds = [r.kind for r in rules if r.kind in DEADLINE_WORDS]
    return {"notify_deadline": DEADLINE_WORDS[kinds[0]][lang == "fr"] if kinds else None}

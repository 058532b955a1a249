"""The assessment: the ENISA score, the per-jurisdiction decisions, and overrides.

A new ``assess`` records a new version; an override replaces one jurisdiction's decision with
a mandatory reason, and both the computed and the chosen decision stay in the assessment and
the timeline (GDPR Art. 33(5): the register documents the facts and the decision taken).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from incidentbot.core import severity
from incidentbot.core.model import EventKind, Incident, Jurisdiction
from incidentbot.errors import Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.store import to_text
from incidentbot.views import AssessmentView

if TYPE_CHECKING:
    from incidentbot.svc.facade import IncidentService

OVERRIDE_KEYS = ("override", "authority", "persons", "reason")
YES = {"yes", "oui", "true", "y", "o", "1"}
NO = {"no", "non", "false", "n", "0"}


def jurisdictions_of(svc: IncidentService, incident: Incident) -> list[Jurisdiction]:
    return [
        svc.catalogue.jurisdictions[j]
        for j in incident.jurisdictions
        if j in svc.catalogue.jurisdictions
    ]


def previous_options(row: Mapping[str, Any] | None) -> dict[str, str]:
    """The inputs of a stored assessment as ``key=value`` options (unknown ones left out)."""
    if row is None:
        return {}
    out: dict[str, str] = {}
    for key, value in json.loads(row["inputs"]).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "yes" if value else "no"
        elif isinstance(value, list | tuple):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


def assess(
    svc: IncidentService, ref: str, options: Mapping[str, str], *, actor: str
) -> AssessmentView:
    """A new version of the assessment: the keys given change, the others keep the previous
    version's values (``key=unknown`` makes one unknown again)."""
    given = {(k.strip().lower() if k.isascii() else k): v for k, v in options.items()}
    inputs = severity.parse_inputs({**previous_options(svc.latest_assessment(ref)), **given})
    result = severity.assess(inputs)
    decisions = severity.decide(
        result, jurisdictions_of(svc, svc.resolve(ref, actor=actor, action="assess"))
    )
    with svc.store.transaction():
        incident = svc.incident(ref)
        svc.ensure_open(incident)
        previous = svc.latest_assessment(ref)
        version = (previous["version"] if previous else 0) + 1
        decision_json = [d.to_json() for d in decisions]
        svc.store.insert_row(
            "assessments",
            {
                "incident": ref,
                "version": version,
                "inputs": inputs.to_json(),
                "result": result.to_json(),
                "decisions": decision_json,
                "created_by": actor,
                "created_at": to_text(svc.clock()),
            },
        )
        svc.store.save_incident(replace(incident, severity=result.band))
        svc.record(
            incident,
            EventKind.ASSESSED,
            result.explain("en"),
            actor,
            phase="assess",
            data={
                "version": version,
                "inputs": inputs.to_json(),
                "score": float(result.score),
                "band": result.band.value,
                "decisions": decision_json,
            },
        )
    svc.changed(ref, "assessed")
    prev_band = json.loads(previous["result"])["band"] if previous else None
    return AssessmentView(
        incident=incident,
        version=version,
        assessment=result,
        decisions=tuple(decision_json),
        previous_band=prev_band,
        rules={d.jurisdiction: dict(d.rule) for d in decisions},
    )


def _yes_no(value: str | None, key: str) -> bool:
    v = (value or "").strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise UsageError(Message("assessment.yes_no", key=key, value=value or ""), field=key)


def override(
    svc: IncidentService, ref: str, options: Mapping[str, str], *, actor: str
) -> AssessmentView:
    """Replace the computed decision of one jurisdiction; the reason is mandatory and both the
    computed and the chosen decision stay in the assessment and the timeline."""
    unknown = set(options) - set(OVERRIDE_KEYS)
    if unknown:
        raise UsageError(
            Message(
                "assessment.override_keys",
                keys=", ".join(OVERRIDE_KEYS),
                key=sorted(unknown)[0],
            )
        )
    jid = options["override"].strip().lower()
    incident = svc.resolve(ref, actor=actor, action="override")
    svc.ensure_open(incident)
    svc.check("override", actor, incident)
    row = svc.latest_assessment(ref)
    if row is None:
        raise Refused(Message("assessment.nothing_to_override"))
    decisions = json.loads(row["decisions"])
    current = next((d for d in decisions if d["jurisdiction"] == jid), None)
    if current is None:
        raise UsageError(
            Message(
                "assessment.no_decision", ref=ref, id=jid, known=", ".join(incident.jurisdictions)
            ),
            field="override",
        )
    authority = _yes_no(
        options.get("authority", "yes" if current["authority"] else "no"), "authority"
    )
    persons = _yes_no(options.get("persons", "yes" if current["persons"] else "no"), "persons")
    base = severity.Decision(
        jid,
        current["computed"]["authority"],
        current["computed"]["persons"],
        {"en": current["rule"], "fr": current["rule"]},
    )
    chosen = severity.apply_override(
        base, authority=authority, persons=persons, by=actor, reason=options.get("reason", "")
    )
    # merged into the stored decision, so the principles and hint computed with it stay
    new = [{**d, **chosen.to_json()} if d["jurisdiction"] == jid else d for d in decisions]
    with svc.store.transaction():
        version = row["version"] + 1
        svc.store.insert_row(
            "assessments",
            {
                "incident": ref,
                "version": version,
                "inputs": json.loads(row["inputs"]),
                "result": json.loads(row["result"]),
                "decisions": new,
                "created_by": actor,
                "created_at": to_text(svc.clock()),
            },
        )
        svc.record(
            incident,
            EventKind.DECISION_OVERRIDE,
            chosen.override.reason if chosen.override else "",
            actor,
            phase="assess",
            data={
                "jurisdiction": jid,
                "computed": current["computed"],
                "chosen": {"authority": authority, "persons": persons},
                "version": version,
            },
        )
    svc.changed(ref, "assessed")
    result = severity.assess(severity.Inputs.from_json(json.loads(row["inputs"])))
    rules = {
        d.jurisdiction: dict(d.rule)
        for d in severity.decide(result, jurisdictions_of(svc, incident))
    }
    return AssessmentView(
        incident=incident, version=version, assessment=result, decisions=tuple(new), rules=rules
    )


def latest_assessment(svc: IncidentService, ref: str) -> dict[str, Any] | None:
    rows = svc.store.rows("assessments", "incident = ?", [ref], order_by="version desc", limit=1)
    return rows[0] if rows else None


def decisions(svc: IncidentService, ref: str) -> dict[str, StoredDecision] | None:
    """Decisions in force per jurisdiction, as core.deadlines reads them."""
    row = svc.latest_assessment(ref)
    if row is None:
        return None
    return {d["jurisdiction"]: StoredDecision.of(d) for d in json.loads(row["decisions"])}


@dataclass(frozen=True)
class StoredDecision:
    """A stored decision (the export's JSON, README.md "The assessment") as core.deadlines reads it."""

    jurisdiction: str
    authority: bool
    persons: bool

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> StoredDecision:
        return cls(raw["jurisdiction"], bool(raw["authority"]), bool(raw["persons"]))

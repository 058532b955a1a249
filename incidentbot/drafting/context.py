"""The facts of one incident, shaped for the templates: :func:`build_context`, one small
function a part of the letter (the organisation, the breach, its consequences, the
notifications, the decisions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from incidentbot.core.model import (
    EventKind,
    Incident,
    Jurisdiction,
    Playbook,
    Step,
    StepStatus,
    TimelineEvent,
    pick,
)
from incidentbot.core.when import format_local
from incidentbot.drafting.facts import (
    ADVICE,
    BANDS,
    CONSEQUENCES,
    DATA_LABELS,
    LIKELIHOOD,
    NEUTRAL_ADVICE,
    NEUTRAL_LABELS,
    SCORE,
    SENSITIVE,
    SPECIAL,
)
from incidentbot.drafting.markdown import typed
from incidentbot.drafting.people import party_files, person_name, the_campaign, the_sender
from incidentbot.drafting.render import as_when
from incidentbot.drafting.statements import deadline_words, statements, titles
from incidentbot.events import said

# --- the context -----------------------------------------------------------------------------


def _flag(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().lower()


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(" ", "").replace(",", "")
    return int(text) if text.isdigit() else None


def _text_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item not in (None, "")]


def _data_keys(assessment: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> list[str]:
    inputs = (assessment or {}).get("inputs") or {}
    raw = inputs.get("data", facts.get("data"))
    if isinstance(raw, str):
        return [key.strip() for key in raw.split(",") if key.strip()]
    return [str(key) for key in raw or ()]


def build_context(
    *,
    incident: Incident,
    steps: Sequence[Step],
    events: Sequence[TimelineEvent],
    assessment: Mapping[str, Any] | None,
    decisions: Sequence[Mapping[str, Any]],
    jurisdiction: Jurisdiction | None,
    playbook: Playbook | None,
    notifications: Mapping[str, Mapping[str, Any]],
    config: Mapping[str, Any],
    lang: str,
    tz: tzinfo,
    now: datetime,
    jurisdictions: Sequence[Jurisdiction] = (),
    due: Mapping[str, datetime | None] | None = None,
) -> dict[str, Any]:
    """The facts of one incident, for one jurisdiction and language; ``None`` where unknown.

    ``notifications`` maps a jurisdiction id to ``{"notified_at", "reference", ...}``; a
    ``notified_at`` makes the regulator letter a complementary notification.
    ``config`` holds ``organization`` (name, id or ids, address, legal_representative),
    ``contact`` (name, email, phone), ``dpo`` (name, email), ``press`` (contact), and
    ``letterhead`` / ``signature`` (text, or ``{en, fr}``).

    The boundary (README.md, "What a draft may quote"): the facts for the outside are the
    incident's public facts, the assessment, the decisions in force, the notifications made and
    the measures recorded with ``/incident measure``. Timeline notes, step notes, skip reasons
    and open step titles are kept under ``timeline`` and ``steps_record`` for the internal
    documents (staff notice, post-incident report) only. ``jurisdictions`` are all of the
    incident's (for the statements about notification); ``due`` maps ``jid`` and
    ``jid:persons`` to their deadline.
    """
    keys = _data_keys(assessment, incident.facts)
    context = {
        **_the_incident(incident, playbook, lang, tz, now, config.get("names") or {}),
        **the_sender(incident, jurisdiction, config, lang),
        **_the_authority(jurisdiction, lang),
        **_the_breach(incident, events, assessment, keys, lang, party_files(config)),
        **_the_risk(incident, assessment, keys, lang, party_files(config)),
        **_the_measures(events),
        **_the_notifications(incident, jurisdiction, notifications, decisions, now),
        **statements(
            jurisdictions or ([jurisdiction] if jurisdiction else []),
            assessment,
            notifications,
            decisions,
            due or {},
            lang,
            now,
        ),
        **the_campaign(incident, playbook, now),
        "jurisdiction_ids": list(incident.jurisdictions),
        "statutory_note": pick(jurisdiction.statutory_note, lang)
        if jurisdiction is not None and jurisdiction.statutory_note
        else None,
        "timeline": [
            {
                "at": e.at,
                "actor": person_name(config.get("names") or {}, e.actor),
                "kind": e.kind,
                # an automatic event in the document's language (incidentbot.events)
                "text": said(
                    e.kind,
                    e.text,
                    e.data,
                    lang,
                    actor=e.actor,
                    when=lambda at: format_local(at, tz, lang),
                ),
            }
            for e in events
        ],
        "steps_record": [
            {
                "title": pick(s.definition.title, lang),
                "status": s.status.value,
                "note": s.note,
            }
            for s in steps
            if s.status is not StepStatus.PENDING
        ],
        "_tz": tz,
        "_titles": titles(jurisdiction, jurisdictions),
        **deadline_words(jurisdiction, jurisdictions, lang),
    }
    context["other_authorities"] = [
        s
        for s in context["authority_statements"]
        if s["state"] == "notified"
        and (jurisdiction is None or s["jurisdiction"] != jurisdiction.id)
    ]
    # what people typed is printed as text, never as Markdown structure (drafting/markdown.py)
    for name in TYPED:
        context[name] = typed(context.get(name))
    for entry in context["timeline"]:
        entry.update(actor=typed(entry["actor"]), text=typed(entry["text"]))
    for entry in context["steps_record"]:
        entry.update(note=typed(entry["note"]))
    for entry in context["decisions"]:
        entry.update(
            override_by=typed(entry["override_by"]), override_reason=typed(entry["override_reason"])
        )
    return context


TYPED = (
    "title", "description", "lead_name", "organization_name", "organization_id",
    "organization_address", "legal_representative", "contact_name", "contact_email",
    "contact_phone", "dpo_name", "dpo_email", "letterhead", "signature", "press_contact",
    "complaint_process", "circumstances", "cause", "consequences", "persons_advice",
    "measures_taken", "measures_planned", "others_informed", "authority_reference",
    "delay_reasons", "vendor_name", "rental_purpose", "staff_involvement", "lessons", "persons_notification",
)  # fmt: skip
"""The context's values people typed (facts, measures, settings, notes): escaped on output."""


def _the_incident(
    incident: Incident,
    playbook: Playbook | None,
    lang: str,
    tz: tzinfo,
    now: datetime,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Which incident, and when: reference, title, the times the letters cite."""
    facts = incident.facts
    names = names or {}
    return {
        "incident_ref": incident.ref,
        "title": incident.title,
        "description": facts.get("description"),
        "playbook_title": pick(playbook.title, lang) if playbook else None,
        "lead_name": facts.get("lead_name")
        or person_name(names, incident.roles.get("lead") or incident.lead),
        "aware_at": incident.aware_at,
        "detected_at": incident.detected_at or as_when(facts.get("detected_at")),
        "occurred_at": as_when(facts.get("occurred_at")),
        "declared_at": incident.declared_at,
        "today": now,
        "timezone": getattr(tz, "key", None) or str(tz),
    }


def _the_authority(jurisdiction: Jurisdiction | None, lang: str) -> dict[str, Any]:
    """To whom: the regulator of the jurisdiction, its contacts and its law."""
    if jurisdiction is None:
        return {
            "jurisdiction_name": None,
            "authority": None,
            "authority_name": None,
            "authority_contact": [],
            "law": None,
        }
    return {
        "jurisdiction_name": pick(jurisdiction.name, lang),
        "authority": jurisdiction.authority,
        "authority_name": pick(jurisdiction.authority_name, lang),
        "authority_contact": _text_list(list(jurisdiction.contact.values())),
        "law": pick(jurisdiction.law, lang),
    }


def _the_breach(
    incident: Incident,
    events: Sequence[TimelineEvent],
    assessment: Mapping[str, Any] | None,
    keys: list[str],
    lang: str,
    party: bool = True,
) -> dict[str, Any]:
    """What happened: the data, the persons, the circumstances and the cause."""
    i = 0 if lang == "en" else 1
    facts = incident.facts
    inputs = (assessment or {}).get("inputs") or {}
    # the public facts only: never the timeline's notes (README.md, "What a draft may quote")
    circumstances = "\n\n".join(_text_list(facts.get("circumstances") or facts.get("description")))
    return {
        "data_categories": [
            (DATA_LABELS if party else NEUTRAL_LABELS).get(k, DATA_LABELS.get(k, (k, k)))[i]
            for k in keys
        ],
        "special_category": bool(SPECIAL & set(keys)) if keys else None,
        "persons_count": _count(inputs.get("persons", facts.get("persons"))),
        "persons_in_quebec": _count(facts.get("persons_in_quebec")),
        "records_count": _count(inputs.get("records", facts.get("records"))),
        "circumstances": circumstances,
        "cause": facts.get("cause"),
    }


def _the_risk(
    incident: Incident,
    assessment: Mapping[str, Any] | None,
    keys: list[str],
    lang: str,
    party: bool = True,
) -> dict[str, Any]:
    """What it may do to the persons: consequences, risk elements, severity, advice."""
    i = 0 if lang == "en" else 1
    facts = incident.facts
    inputs = (assessment or {}).get("inputs") or {}
    band = str((assessment or {}).get("band") or "")
    consequences = _text_list(facts.get("consequences")) or [
        CONSEQUENCES[k][i] for k in dict.fromkeys(keys) if k in CONSEQUENCES
    ]
    if consequences and band in BANDS:
        consequences.append(BANDS[band][2 + i])
    flags = [(k, _flag(v)) for k, v in inputs.items()]
    risk = [LIKELIHOOD[flag][i] for flag in flags if flag in LIKELIHOOD]
    if SPECIAL & set(keys):
        risk.insert(0, SENSITIVE[i])
    method = (assessment or {}).get("method") or {}
    explain = (
        (assessment or {}).get("explain")
        or (assessment or {}).get("explanation")
        or (method.get("explain") if isinstance(method, Mapping) else None)
    )
    risk.extend(SCORE[i].format(line) for line in _text_list(explain))
    table = ADVICE if party else {**ADVICE, **NEUTRAL_ADVICE}
    advice = _text_list(facts.get("persons_advice")) or [
        table[k][i] for k in dict.fromkeys(keys) if k in table
    ]
    return {
        "consequences": consequences,
        "risk_elements": risk,
        "severity_band": BANDS[band][i] if band in BANDS else None,
        "severity_explain": "; ".join(_text_list(explain)) or None,
        "persons_advice": advice,
    }


def _the_measures(events: Sequence[TimelineEvent]) -> dict[str, Any]:
    """What was done and what is planned: the measures worded for the outside
    (``/incident measure [planned] TEXT``), never a step's note or an open step's title."""
    taken: list[str] = []
    planned: list[str] = []
    for e in events:
        if e.kind != EventKind.MEASURE or not e.text:
            continue
        (planned if (e.data or {}).get("planned") else taken).append(e.text)
    return {"measures_taken": taken, "measures_planned": planned}


def _the_notifications(
    incident: Incident,
    jurisdiction: Jurisdiction | None,
    notifications: Mapping[str, Mapping[str, Any]],
    decisions: Sequence[Mapping[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """Who was told, when, and whether late: the regulator, the persons, the decisions."""
    facts = incident.facts
    jid = jurisdiction.id if jurisdiction else None
    notification = notifications.get(jid or "", {}) if jid else {}
    notified_at = as_when(notification.get("notified_at"))
    overdue = False
    if jurisdiction is not None and jurisdiction.deadline.kind == "hours":
        start = getattr(incident, jurisdiction.deadline.start, None) or incident.aware_at
        if start is not None and jurisdiction.deadline.hours is not None:
            due = start + timedelta(hours=jurisdiction.deadline.hours)
            sent = notified_at if isinstance(notified_at, datetime) else now
            overdue = sent > due
    shaped = [_decision(d) for d in decisions]
    mine = [d for d in shaped if d["jurisdiction"] == jid] if jid else shaped
    persons_notification = None
    told = sorted(
        (str(n["persons_notified_at"]), n["persons_notified_at"])
        for n in notifications.values()
        if n.get("persons_notified_at")
    )
    if jid:
        # a letter to one jurisdiction: only its own persons notification (issue 15); the
        # notice to persons may say which persons were told where
        persons_at = as_when(
            notification.get("persons_notified_at")
            or (facts.get("persons_notified_at") if len(incident.jurisdictions) <= 1 else None)
        )
    else:
        persons_at = as_when((told[0][1] if told else None) or facts.get("persons_notified_at"))
    if mine or persons_at:
        persons_notification = {
            "decision": bool(persons_at) or any(d["persons"] for d in mine),
            "notified_at": persons_at,
            "planned": facts.get("persons_notice_planned"),
            "exception": facts.get("persons_exception"),
        }
    return {
        "persons_notification": persons_notification,
        "others_informed": _text_list(facts.get("others_informed")),
        "notified_at": notified_at,
        "authority_reference": notification.get("reference"),
        "overdue": overdue,
        "delay_reasons": facts.get("delay_reasons"),
        "submission": "complementary" if notified_at else "initial",
        "decisions": shaped,
        # the decision in force for this jurisdiction is not to notify the authority: the
        # letter is a voluntary notice and never asserts the legal threshold is met
        "voluntary": bool(jid and mine and not any(d["authority"] for d in mine)),
    }


def _decision(raw: Mapping[str, Any]) -> dict[str, Any]:
    override = raw.get("override") or {}
    return {
        "jurisdiction": raw.get("jurisdiction"),
        "authority": bool(raw.get("authority")),
        "persons": bool(raw.get("persons")),
        "rule": raw.get("rule") or "",
        "override_by": override.get("by"),
        "override_reason": override.get("reason"),
    }


def default_language(kind: str, jurisdiction: Jurisdiction | None, incident_lang: str) -> str:
    """The regulator's language for its letter (and for notices there); else the incident's."""
    if jurisdiction is not None and kind in ("regulator", "notice"):
        return jurisdiction.language
    return incident_lang

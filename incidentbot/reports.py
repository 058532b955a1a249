"""Exports of one incident (Markdown, CSV, JSON) and the register of all incidents.

The JSON export is the machine-readable record: the incident's facts, steps, the latest
assessment in DESIGN.md's shape, notifications, drafts and every timeline event with its chain
hashes. CSV opens cleanly in spreadsheet programs: UTF-8 with a BOM, and any cell that starts
like a formula (``= + - @``, tab, CR) is prefixed with ``'`` so it is shown, never computed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

from incidentbot.core.model import Incident, TimelineEvent, pick
from incidentbot.i18n import t
from incidentbot.typography import number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return "\ufeff" + buf.getvalue()


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "ref": incident.ref,
        "title": incident.title,
        "playbook": incident.playbook,
        "status": incident.status.value,
        "severity": incident.severity.value if incident.severity else None,
        "lead": incident.lead,
        "declared_by": incident.declared_by,
        "declared_at": _iso(incident.declared_at),
        "detected_at": _iso(incident.detected_at),
        "aware_at": _iso(incident.aware_at),
        "closed_at": _iso(incident.closed_at),
        "language": incident.language,
        "jurisdictions": list(incident.jurisdictions),
        "roles": dict(incident.roles),
        "private": incident.private,
        "channel": incident.channel,
        "facts": dict(incident.facts),
    }


def event_json(e: TimelineEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": _iso(e.at),
        "actor": e.actor,
        "kind": e.kind,
        "phase": e.phase,
        "text": e.text,
        "data": dict(e.data),
        "link": e.link,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def assessment_json(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored assessment in DESIGN.md's shape: inputs, score, band, decisions (+ method)."""
    if row is None:
        return None
    result = json.loads(row["result"])
    return {
        "version": row["version"],
        "assessed_by": row["created_by"],
        "assessed_at": row["created_at"],
        "inputs": json.loads(row["inputs"]),
        "score": result.get("score"),
        "band": result.get("band"),
        "method": result,
        "decisions": json.loads(row["decisions"]),
    }


def export_data(service: Any, ref: str) -> dict[str, Any]:
    incident = service.incident(ref)
    store = service.store
    events = store.events(ref)
    problem = store.verify_incident(ref)
    _, head = store.head(ref)
    return {
        "incident": incident_json(incident),
        "steps": [
            {
                "id": s.id,
                "phase": s.phase.value,
                "title": dict(s.definition.title),
                "owner": s.definition.owner.value,
                "mandatory": s.definition.mandatory,
                "status": s.status.value,
                "assignee": s.assignee,
                "due_at": _iso(s.due_at),
                "done_by": s.done_by,
                "done_at": _iso(s.done_at),
                "note": s.note,
            }
            for s in store.steps(ref)
        ],
        "assessment": assessment_json(service.latest_assessment(ref)),
        "assessments": [
            assessment_json(r)
            for r in store.rows("assessments", "incident = ?", [ref], order_by="version")
        ],
        "notifications": store.rows("notifications", "incident = ?", [ref], order_by="id"),
        "drafts": [
            {
                k: r[k]
                for k in (
                    "kind",
                    "jurisdiction",
                    "language",
                    "variant",
                    "version",
                    "hash",
                    "template",
                    "created_by",
                    "created_at",
                    "approved_by",
                    "approved_at",
                )
            }
            for r in store.rows("drafts", "incident = ?", [ref], order_by="id")
        ],
        "timeline": [event_json(e) for e in events],
        "chain": {
            "head": head,
            "events": len(events),
            "verified": problem is None,
            "problem": problem,
        },
    }


TIMELINE_HEADER = ("seq", "at_utc", "actor", "kind", "phase", "step", "text", "link", "hash")


def export(service: Any, ref: str, fmt: str, *, lang: str, tz: tzinfo) -> str:
    data = export_data(service, ref)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(
            TIMELINE_HEADER,
            (
                (
                    e["seq"],
                    e["at"],
                    e["actor"],
                    e["kind"],
                    e["phase"] or "",
                    e["data"].get("step", ""),
                    e["text"],
                    e["link"] or "",
                    e["hash"],
                )
                for e in data["timeline"]
            ),
        )
    return export_markdown(data, lang=lang, tz=tz)


def _md(text: Any) -> str:
    """Table-cell-safe text: pipes escaped, newlines folded."""
    return str(text or "").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _value(kind: str, code: str, lang: str) -> str:
    """A stored code (``open``, ``very_high``, ``step_done``) as a reader of ``lang`` reads it.

    English keeps the codes, which are also what commands take (``severity very_high``);
    French shows the catalogue's words.
    """
    if lang == "en" or not code:
        return code
    label = t(f"{kind}.{code}", lang, context="web")
    return code if label == f"{kind}.{code}" else label


def _yes_no(value: Any, lang: str) -> str:
    if lang == "en":
        return str(value)
    return t("field.yes" if value else "field.no", lang).lower()


def _score(value: Any, lang: str) -> str:
    if lang == "fr" and isinstance(value, int | float):
        return str(value).replace(".", ",")
    return str(value)


def export_markdown(data: Mapping[str, Any], *, lang: str, tz: tzinfo) -> str:
    inc = data["incident"]

    def local(iso: str | None) -> str:
        if not iso:
            return "—"
        at = isoparse(iso).astimezone(tz)
        return (
            at.strftime("%Y-%m-%d %H:%M") + f" (UTC{at.strftime('%z')[:3]}:{at.strftime('%z')[3:]})"
        )

    out = [f"# {inc['ref']} — {inc['title']}", ""]
    status = _value("label", inc["status"], lang)
    severity = _value("severity", inc["severity"], lang) if inc["severity"] else "—"
    facts = [
        ("reports.status", status),
        ("reports.playbook", inc["playbook"]),
        ("reports.lead", inc["lead"]),
        ("reports.severity", severity),
        ("reports.detected", local(inc["detected_at"])),
        ("reports.aware", local(inc["aware_at"])),
        ("reports.jurisdictions", ", ".join(inc["jurisdictions"]) or "—"),
        ("reports.declared_by", f"{inc['declared_by']}, {local(inc['declared_at'])}"),
    ]
    out += [t("reports.fact", lang, label=t(k, lang), value=_md(v)) for k, v in facts]
    if data["assessment"]:
        a = data["assessment"]
        band = _value("severity", a["band"], lang) if a["band"] else a["band"]
        out += [
            "",
            t("reports.assessment", lang, version=a["version"]),
            "",
            t("reports.score", lang, score=_score(a["score"], lang), band=band),
        ]
        for d in a["decisions"]:
            out.append(
                t(
                    "reports.decision",
                    lang,
                    jurisdiction=d["jurisdiction"],
                    authority=_yes_no(d["authority"], lang),
                    persons=_yes_no(d["persons"], lang),
                    rule=_md(d["rule"]),
                )
            )
    out += ["", t("reports.steps", lang), "", t("reports.steps_header", lang)]
    out.append("| --- | --- | --- | --- | --- | --- |")
    for s in data["steps"]:
        phase, status = _value("phase", s["phase"], lang), _value("status", s["status"], lang)
        out.append(
            f"| {s['id']} | {phase} | {status} | {_md(s['done_by'] or '')} | "
            f"{local(s['done_at']) if s['done_at'] else ''} | {_md(s['note'])} |"
        )
    out += ["", t("reports.timeline", lang), "", t("reports.timeline_header", lang)]
    out.append("| --- | --- | --- | --- | --- |")
    for e in data["timeline"]:
        kind = _value("kind", e["kind"], lang)
        what = kind + (f" {e['data']['step']}" if e["data"].get("step") else "")
        out.append(
            f"| {e['seq']} | {local(e['at'])} | {_md(e['actor'])} | {_md(what)} | {_md(e['text'])} |"
        )
    chain = data["chain"]
    state = "OK" if chain["verified"] else chain["problem"]
    out += ["", t("reports.chain", lang, state=state, head=chain["head"]), ""]
    return "\n".join(out)


# -- register -------------------------------------------------------------------------------

REGISTER_HEADER = (
    "ref", "title", "status", "playbook", "jurisdictions", "detected_at", "aware_at",
    "breach_kinds", "data_categories", "persons", "records", "severity_band", "severity_score",
    "risk_reasoning", "decisions", "authority_notified", "persons_notified", "delay_reasons",
    "measures", "closed_at", "keep_until",
)  # fmt: skip


def register_rows(service: Any) -> list[dict[str, Any]]:
    """One row per incident, notified or not (GDPR Art. 33(5); Québec Reg. s. 7; PIPEDA s. 10.3)."""
    rows = []
    for inc in service.store.incidents():
        a = assessment_json(service.latest_assessment(inc.ref))
        inputs = (a or {}).get("inputs") or {}
        kinds = [
            k
            for k in ("confidentiality", "integrity", "availability")
            if inputs.get(k) not in (None, "none")
        ]
        notes = service.store.rows("notifications", "incident = ?", [inc.ref], order_by="id")
        months = [
            service.catalogue.jurisdictions[j].register_retention_months
            for j in inc.jurisdictions
            if j in service.catalogue.jurisdictions
        ] or [60]
        start = inc.aware_at or inc.detected_at or inc.declared_at
        measures = [
            f"{s.id}: {s.note}" if s.note else s.id
            for s in service.store.steps(inc.ref)
            if s.status.value == "done"
        ]
        rows.append(
            {
                "ref": inc.ref,
                "title": inc.title,
                "status": inc.status.value,
                "playbook": inc.playbook,
                "jurisdictions": ",".join(inc.jurisdictions),
                "detected_at": _iso(inc.detected_at),
                "aware_at": _iso(inc.aware_at),
                "breach_kinds": ",".join(kinds) if a else t("reports.not_assessed"),
                "data_categories": ",".join(inputs.get("data") or []),
                "persons": inputs.get("persons"),
                "records": inputs.get("records"),
                "severity_band": (a or {}).get("band")
                or (inc.severity.value if inc.severity else None),
                "severity_score": (a or {}).get("score"),
                "risk_reasoning": ((a or {}).get("method") or {}).get("explain", ""),
                "decisions": _decisions((a or {}).get("decisions", []), "en"),
                "_decisions": (a or {}).get("decisions", []),
                "authority_notified": "; ".join(
                    f"{n['jurisdiction']} {n['notified_at']} {n['reference'] or ''}".strip()
                    for n in notes
                    if n["audience"] == "authority"
                ),
                "persons_notified": "; ".join(
                    f"{n['jurisdiction']} {n['notified_at']}"
                    for n in notes
                    if n["audience"] == "persons"
                ),
                "delay_reasons": "; ".join(
                    n["delay_reasons"] for n in notes if n.get("delay_reasons")
                ),
                "measures": "; ".join(measures),
                "closed_at": _iso(inc.closed_at),
                "keep_until": (start + relativedelta(months=max(months))).date().isoformat(),
            }
        )
    return rows


def _decisions(decisions: Sequence[Mapping[str, Any]], lang: str) -> str:
    """``qc: notify the regulator and the persons (override: ...)``, in ``lang``.

    The decision is worded as everywhere else (``decision.*``: the shell, Slack, the page).
    """
    lines = []
    for d in decisions:
        if d["authority"]:
            key = "both" if d["persons"] else "authority"
        else:
            key = "persons" if d["persons"] else "document"
        override = d.get("override")
        lines.append(
            t(
                "reports.decision.line",
                lang,
                jurisdiction=d["jurisdiction"],
                decision=t(f"decision.{key}", lang),
                override=t("reports.decision.override", lang, reason=override["reason"])
                if override
                else "",
            )
        )
    return "; ".join(lines) or t("reports.not_assessed", lang)


def register_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    return to_csv(REGISTER_HEADER, ([r.get(k) for k in REGISTER_HEADER] for r in rows))


def register_markdown(rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    cols = (
        "ref",
        "title",
        "status",
        "aware_at",
        "data_categories",
        "persons",
        "severity_band",
        "decisions",
        "authority_notified",
        "keep_until",
    )
    out = [
        "# " + t("reports.register.title", lang),
        "",
        t("reports.register.header", lang),
        "|" + " --- |" * len(cols),
    ]
    for r in rows:
        shown = dict(r)
        if lang != "en":
            shown["status"] = _value("label", r["status"], lang)
            shown["severity_band"] = _value("severity", r.get("severity_band") or "", lang)
            shown["decisions"] = _decisions(r.get("_decisions") or [], lang)
            for count in ("persons", "records"):
                if isinstance(r.get(count), int):
                    shown[count] = number(r[count], lang)
            shown["data_categories"] = ", ".join(
                _value("value.data", c, lang)
                for c in (r.get("data_categories") or "").split(",")
                if c
            )
        out.append("| " + " | ".join(_md(shown.get(c)) for c in cols) + " |")
    return "\n".join(out) + "\n"


def playbook_title(service: Any, incident: Incident, lang: str) -> str:
    pb = service.catalogue.playbooks.get(incident.playbook)
    return pick(pb.title, lang) if pb else incident.playbook

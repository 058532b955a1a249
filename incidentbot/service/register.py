"""The register of every incident, notified or not (GDPR Art. 33(5); Québec Reg. s. 7; PIPEDA
s. 10.3), as rows, CSV and Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from incidentbot.core.when import format_local
from incidentbot.i18n import t
from incidentbot.service.incidents import incident_tz
from incidentbot.service.reports import assessment_json, iso_or_none, md_cell, to_csv, value_label
from incidentbot.store import from_text
from incidentbot.typography import number, spaced

if TYPE_CHECKING:
    from incidentbot.service.facade import IncidentService

REGISTER_HEADER = (
    "ref", "title", "status", "playbook", "jurisdictions", "detected_at", "aware_at",
    "breach_kinds", "data_categories", "persons", "records", "severity_band", "severity_score",
    "risk_reasoning", "decisions", "authority_notified", "persons_notified", "delay_reasons",
    "measures", "closed_at", "keep_until",
)  # fmt: skip


def register_rows(service: IncidentService, *, actor: str | None = None) -> list[dict[str, Any]]:
    """One row per incident, notified or not (GDPR Art. 33(5); Québec Reg. s. 7; PIPEDA s. 10.3).

    For a person (``actor``), only the incidents they may see: a private incident's row goes to
    its members and the data-protection officer alone. The command line (``actor`` None) reads
    the database file itself and gets every row.
    """
    rows = []
    for inc in service.store.incidents():
        if actor is not None and not service.may_see(actor, inc):
            continue
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
        tz = incident_tz(service, inc)

        def local(at: Any, tz: Any = tz) -> str:
            when = from_text(at) if isinstance(at, str) else at
            return format_local(when, tz, "en") if when is not None else ""

        rows.append(
            {
                "ref": inc.ref,
                "title": inc.title,
                "status": inc.status.value,
                "playbook": inc.playbook,
                "jurisdictions": ",".join(inc.jurisdictions),
                "detected_at": iso_or_none(inc.detected_at),
                "aware_at": iso_or_none(inc.aware_at),
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
                "closed_at": iso_or_none(inc.closed_at),
                "keep_until": (start + relativedelta(months=max(months))).date().isoformat(),
                # for people reading the Markdown: local times, never UTC ISO with microseconds
                "_aware_at": local(inc.aware_at),
                "_authority_notified": [
                    (n["jurisdiction"], local(n["notified_at"]), n["reference"] or "")
                    for n in notes
                    if n["audience"] == "authority"
                ],
                "_persons_notified": [
                    (n["jurisdiction"], local(n["notified_at"]), n["reference"] or "")
                    for n in notes
                    if n["audience"] == "persons"
                ],
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
    return spaced(_sep(lang).join(lines), lang) or t("reports.not_assessed", lang)


def _sep(lang: str) -> str:
    """Between items of a cell: "; " in English, " ; " (a no-break space before) in French."""
    return " ; " if lang == "fr" else "; "


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
        "persons_notified",
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
        if "_aware_at" in r:
            shown["aware_at"] = r["_aware_at"]
            told = (" ".join(part for part in n if part) for n in r["_authority_notified"])
            shown["authority_notified"] = spaced(_sep(lang).join(told), lang)
            told = (" ".join(part for part in n if part) for n in r["_persons_notified"])
            shown["persons_notified"] = spaced(_sep(lang).join(told), lang)
        # words for people in both languages; the CSV keeps the codes
        shown["status"] = value_label("label", r["status"], lang)
        shown["severity_band"] = value_label("severity", r.get("severity_band") or "", lang)
        shown["decisions"] = _decisions(r.get("_decisions") or [], lang)
        for count in ("persons", "records"):
            if isinstance(r.get(count), int):
                shown[count] = number(r[count], lang)
        shown["data_categories"] = ", ".join(
            value_label("value.data", c, lang)
            for c in (r.get("data_categories") or "").split(",")
            if c
        )
        out.append("| " + " | ".join(md_cell(shown.get(c)) for c in cols) + " |")
    return "\n".join(out) + "\n"

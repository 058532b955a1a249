"""Use cases beyond the checklist: assessment and overrides, notifications, drafts, register.

Kept apart from :mod:`incidentbot.service` so each module stays readable; the service's
``handle`` dispatches here. Every function is one transaction plus its timeline event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse

from incidentbot import drafting, reports
from incidentbot.core import commands as cmd
from incidentbot.core import severity
from incidentbot.core.model import Draft, Incident, StepStatus
from incidentbot.errors import NotFound, Refused, UsageError
from incidentbot.store import to_text
from incidentbot.views import Ack, AssessmentView, DraftView, NeedsModal, RegisterView, View

OVERRIDE_KEYS = ("override", "authority", "persons", "reason")
YES = {"yes", "oui", "true", "y", "o", "1"}
NO = {"no", "non", "false", "n", "0"}
VARIANTS = {"holding", "hack_and_leak", "initial", "complementary"}


def wire(service: Any, settings: Any) -> None:
    """Give the service what drafting needs (templates, the campaign's contacts)."""
    service.drafter = drafting.Drafter(template_dirs=list(settings.all_template_dirs))
    org = dict(settings.organization)
    service.draft_config = {
        "organization": {
            k: org[k] for k in ("name", "id", "address", "legal_representative") if k in org
        },
        "contact": {k[8:]: v for k, v in org.items() if k.startswith("contact_")},
        "dpo": {k[4:]: v for k, v in org.items() if k.startswith("dpo_")},
        "press": {"contact": org.get("press_contact")} if org.get("press_contact") else {},
        "letterhead": org.get("letterhead"),
        "signature": org.get("signature"),
    }
    service.timezone = settings.timezone


def handle(service: Any, command: cmd.Command, incident: Incident, *, actor: str) -> View:
    match command:
        case cmd.Assess():
            if not command.options:
                return NeedsModal(kind="assess", incident=incident)
            if "override" in command.options:
                return override(service, incident.ref, command.options, actor=actor)
            return assess(service, incident.ref, command.options, actor=actor)
        case cmd.Notified():
            return notified(
                service, incident.ref, command.jurisdiction, command.reference, actor=actor
            )
        case cmd.Draft():
            return draft(
                service, incident.ref, command.kind, command.jurisdiction, command.lang, actor=actor
            )
        case cmd.Approve():
            return approve(service, incident.ref, command.draft, actor=actor)
        case cmd.Register():
            return RegisterView(rows=tuple(reports.register_rows(service)))
    raise UsageError(f"/incident {type(command).__name__.lower()} is not available here.")


# -- assessment -----------------------------------------------------------------------------


def _jurisdiction_objects(service: Any, incident: Incident) -> list[Any]:
    return [
        service.catalogue.jurisdictions[j]
        for j in incident.jurisdictions
        if j in service.catalogue.jurisdictions
    ]


def assess(service: Any, ref: str, options: Mapping[str, str], *, actor: str) -> AssessmentView:
    inputs = severity.parse_inputs(options)
    result = severity.assess(inputs)
    decisions = severity.decide(result, _jurisdiction_objects(service, service.incident(ref)))
    with service.store.transaction():
        incident = service.incident(ref)
        service._open(incident)
        previous = service.latest_assessment(ref)
        version = (previous["version"] if previous else 0) + 1
        decision_json = [d.to_json() for d in decisions]
        service.store.insert_row(
            "assessments",
            {
                "incident": ref,
                "version": version,
                "inputs": inputs.to_json(),
                "result": result.to_json(),
                "decisions": decision_json,
                "created_by": actor,
                "created_at": to_text(service.clock()),
            },
        )
        service.store.save_incident(replace(incident, severity=result.band))
        service._event(
            incident,
            "assessed",
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
    service._changed(ref, "assessed")
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
    raise UsageError(
        f'{key} must be yes or no, not "{value}": /incident assess override=qc '
        'authority=yes persons=no reason="why"',
        field=key,
    )


def override(service: Any, ref: str, options: Mapping[str, str], *, actor: str) -> AssessmentView:
    """Replace the computed decision of one jurisdiction; the reason is mandatory and both the
    computed and the chosen decision stay in the assessment and the timeline."""
    unknown = set(options) - set(OVERRIDE_KEYS)
    if unknown:
        raise UsageError(
            f"An override takes only {', '.join(OVERRIDE_KEYS)}; not {sorted(unknown)[0]}."
        )
    jid = options["override"].strip().lower()
    incident = service.incident(ref)
    service._open(incident)
    service.check("override", actor, incident)
    row = service.latest_assessment(ref)
    if row is None:
        raise Refused("There is no assessment to override yet: run /incident assess first.")
    decisions = json.loads(row["decisions"])
    current = next((d for d in decisions if d["jurisdiction"] == jid), None)
    if current is None:
        raise UsageError(
            f'{ref} has no decision for "{jid}"; its jurisdictions are '
            f"{', '.join(incident.jurisdictions)}.",
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
    with service.store.transaction():
        version = row["version"] + 1
        service.store.insert_row(
            "assessments",
            {
                "incident": ref,
                "version": version,
                "inputs": json.loads(row["inputs"]),
                "result": json.loads(row["result"]),
                "decisions": new,
                "created_by": actor,
                "created_at": to_text(service.clock()),
            },
        )
        service._event(
            incident,
            "decision_override",
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
    service._changed(ref, "assessed")
    result = severity.assess(severity.Inputs.from_json(json.loads(row["inputs"])))
    rules = {
        d.jurisdiction: dict(d.rule)
        for d in severity.decide(result, _jurisdiction_objects(service, incident))
    }
    return AssessmentView(
        incident=incident, version=version, assessment=result, decisions=tuple(new), rules=rules
    )


# -- notifications --------------------------------------------------------------------------


def notified(
    service: Any, ref: str, jurisdiction: str, reference: str | None, *, actor: str
) -> Ack:
    """The regulator (or, with ``persons`` first in the reference, the persons) was told."""
    incident = service.incident(ref)
    service._open(incident)
    jid = jurisdiction.lower()
    if jid not in incident.jurisdictions:
        raise UsageError(
            f'{ref} is not under "{jurisdiction}"; its jurisdictions are '
            f"{', '.join(incident.jurisdictions) or 'none'}.",
            field="jurisdiction",
        )
    audience = "authority"
    if reference and reference.split()[0].lower() in ("persons", "personnes"):
        audience = "persons"
        reference = reference.split(None, 1)[1] if len(reference.split()) > 1 else None
    now = service.clock()
    clock = next(
        (c for c in service.clocks(incident) if c.jurisdiction == jid and c.audience == audience),
        None,
    )
    late = bool(clock and clock.due_at and now > clock.due_at)
    delay_reasons = incident.facts.get("delay_reasons") if late else None
    j = service.catalogue.jurisdictions[jid]
    with service.store.transaction():
        earlier = service.store.rows(
            "notifications",
            "incident = ? AND jurisdiction = ? AND audience = ?",
            [ref, jid, audience],
        )
        submission = "initial" if not earlier else "complementary"
        service.store.insert_row(
            "notifications",
            {
                "incident": ref,
                "jurisdiction": jid,
                "audience": audience,
                "submission": submission,
                "notified_at": to_text(now),
                "reference": reference,
                "delay_reasons": delay_reasons,
                "recorded_by": actor,
                "recorded_at": to_text(now),
            },
        )
        text = reference or ""
        service._event(
            incident,
            "notified",
            text,
            actor,
            phase="notify",
            data={
                "jurisdiction": jid,
                "audience": audience,
                "authority": j.authority,
                "reference": reference,
                "submission": submission,
                "late": late,
                "delay_reasons": delay_reasons,
            },
        )
        if audience == "authority":
            _complete_notify_step(service, incident, actor, jid)
    service._changed(ref, "notified")
    suffix = f" (ref. {reference})" if reference else ""
    if late and not delay_reasons:
        suffix += (
            " — late: record the reasons for the delay (GDPR Art. 33(1)) with "
            "/incident fact delay_reasons TEXT"
        )
    return Ack(
        "notified",
        {
            "authority": j.authority if audience == "authority" else f"{j.authority} (persons)",
            "ref": ref,
            "reference": suffix,
        },
        incident=incident,
    )


def _complete_notify_step(service: Any, incident: Incident, actor: str, jid: str) -> None:
    """Once every jurisdiction that must be told has been, tick the notify-regulator step."""
    step = service.store.step(incident.ref, "notify-regulator")
    if step is None or not step.is_open:
        return
    decisions = service.decisions(incident.ref) or {}
    told = set(service.notifications(incident.ref))
    required = [j for j in incident.jurisdictions if getattr(decisions.get(j), "authority", True)]
    if set(required) <= told:
        blocked = [
            r
            for r in step.definition.requires
            if (d := service.store.step(incident.ref, r)) is not None and d.is_open
        ]
        if blocked:
            return
        done = replace(
            step,
            status=StepStatus.DONE,
            done_by=actor,
            done_at=service.clock(),
            note=f"notified: {', '.join(sorted(told))}",
        )
        if service.store.save_step(done):
            service._event(
                incident,
                "step_done",
                done.note or "",
                actor,
                phase="notify",
                data={"step": step.id, "title": dict(step.definition.title)},
            )


# -- drafts ---------------------------------------------------------------------------------


def _split_variant(
    service: Any, incident: Incident, jurisdiction: str | None, lang: str | None
) -> tuple[str | None, str | None, str | None]:
    variant = None
    if (
        jurisdiction
        and jurisdiction not in service.catalogue.jurisdictions
        and jurisdiction in VARIANTS
    ):
        variant, jurisdiction = jurisdiction, None
    if lang and lang not in ("en", "fr") and lang in VARIANTS:
        variant, lang = lang, None
    if jurisdiction and jurisdiction not in service.catalogue.jurisdictions:
        raise UsageError(
            f'Unknown jurisdiction "{jurisdiction}"; {incident.ref} has '
            f"{', '.join(incident.jurisdictions) or 'none'}.",
            field="jurisdiction",
        )
    return jurisdiction, lang, variant


def draft_context(service: Any, incident: Incident, jurisdiction: Any, lang: str) -> dict[str, Any]:
    ref = incident.ref
    notes: dict[str, dict[str, Any]] = {}
    for row in service.store.rows("notifications", "incident = ?", [ref], order_by="id"):
        entry = notes.setdefault(row["jurisdiction"], {"submissions": []})
        entry["submissions"].append(row)
        if row["audience"] == "authority":
            entry.setdefault("notified_at", isoparse(row["notified_at"]))
            entry.setdefault("reference", row["reference"])
    assessment = reports.assessment_json(service.latest_assessment(ref))
    tz = ZoneInfo(getattr(service, "timezone", "UTC"))
    context = drafting.build_context(
        incident=incident,
        steps=service.store.steps(ref),
        events=service.store.events(ref),
        assessment=assessment,
        decisions=(assessment or {}).get("decisions", []),
        jurisdiction=jurisdiction,
        playbook=service.catalogue.playbooks.get(incident.playbook),
        notifications=notes,
        config=getattr(service, "draft_config", {}),
        lang=lang,
        tz=tz,
        now=service.clock(),
    )
    if jurisdiction is not None:
        clock = next(
            (
                c
                for c in service.clocks(incident)
                if c.jurisdiction == jurisdiction.id and c.audience == "authority"
            ),
            None,
        )
        context["overdue"] = bool(clock and clock.state in ("overdue", "notified_late"))
    context["_tz"] = tz
    return context


def draft(
    service: Any,
    ref: str,
    kind: str,
    jurisdiction: str | None,
    lang: str | None,
    *,
    actor: str,
    variant: str | None = None,
) -> DraftView:
    incident = service.incident(ref)
    jurisdiction, lang, parsed_variant = _split_variant(service, incident, jurisdiction, lang)
    variant = variant or parsed_variant
    if variant is None and kind == "press" and incident.playbook == "hack-and-leak":
        variant = "hack_and_leak"  # do not confirm or deny documents; forgeries are mixed in
    if jurisdiction is None and kind in ("regulator", "notice"):
        if len(incident.jurisdictions) == 1:
            jurisdiction = incident.jurisdictions[0]
        elif kind == "regulator":
            raise UsageError(
                f"Which regulator? {ref} is under {', '.join(incident.jurisdictions) or 'no jurisdiction'}: "
                f"/incident draft regulator {incident.jurisdictions[0] if incident.jurisdictions else 'qc'}",
                field="jurisdiction",
            )
    if variant is None and kind == "regulator" and jurisdiction:
        told = service.store.rows(
            "notifications",
            "incident = ? AND jurisdiction = ? AND audience = 'authority'",
            [ref, jurisdiction],
        )
        variant = "complementary" if told else None
    j = service.catalogue.jurisdictions.get(jurisdiction) if jurisdiction else None
    lang = lang or drafting.default_language(kind, j, incident.language)
    rendered = service.drafter.render(
        kind,
        context=draft_context(service, incident, j, lang),
        jurisdiction=jurisdiction,
        lang=lang,
        variant=variant,
    )
    text_hash = drafting.text_hash(rendered.text)
    with service.store.transaction():
        where = "incident = ? AND kind = ? AND jurisdiction IS ? AND language = ? AND variant IS ?"
        params = [ref, kind, jurisdiction, lang, variant]
        previous = service.store.rows("drafts", where, params, order_by="version desc", limit=1)
        prev = previous[0] if previous else None
        if prev is not None and prev["hash"] == text_hash:
            row = prev
            diff_text = None
        else:
            version = (prev["version"] if prev else 0) + 1
            row_id = service.store.insert_row(
                "drafts",
                {
                    "incident": ref,
                    "kind": kind,
                    "jurisdiction": jurisdiction,
                    "language": lang,
                    "variant": variant,
                    "version": version,
                    "body": rendered.text,
                    "template": rendered.template,
                    "missing": [m.name for m in rendered.missing],
                    "hash": text_hash,
                    "created_by": actor,
                    "created_at": to_text(service.clock()),
                },
            )
            row = service.store.rows("drafts", "id = ?", [row_id])[0]
            diff_text = drafting.diff(prev["body"], rendered.text) if prev else None
            d = _draft(row)
            service._event(
                incident,
                "draft_created",
                d.name,
                actor,
                data={
                    "draft": d.name,
                    "kind": kind,
                    "jurisdiction": jurisdiction,
                    "language": lang,
                    "variant": variant,
                    "version": version,
                    "sha256": text_hash,
                    "template": rendered.template,
                    "missing": [m.name for m in rendered.missing],
                },
            )
    d = _draft(row)
    base = f"{ref}-{d.name}"
    files = {
        f"{base}.md": rendered.text.encode("utf-8"),
        f"{base}.docx": drafting.to_docx(rendered.text, title=f"{ref} — {kind}"),
    }
    return DraftView(
        incident=incident,
        draft=replace(d, missing=tuple(m.name for m in rendered.missing)),
        missing=rendered.missing,
        diff=diff_text,
        previous_version=prev["version"] if prev and diff_text else None,
        files=files,
    )


def _draft(row: Mapping[str, Any]) -> Draft:
    return Draft(
        incident=row["incident"],
        kind=row["kind"],
        jurisdiction=row["jurisdiction"],
        language=row["language"],
        version=row["version"],
        body=row["body"],
        template=row["template"],
        created_by=row["created_by"],
        created_at=isoparse(row["created_at"]),
        approved_by=row["approved_by"],
        approved_at=isoparse(row["approved_at"]) if row["approved_at"] else None,
        missing=tuple(json.loads(row["missing"] or "[]")),
    )


def draft_name(row: Mapping[str, Any]) -> str:
    name = _draft(row).name
    return (
        name
        if not row.get("variant")
        else name.replace(f"-v{row['version']}", f"-{row['variant']}-v{row['version']}")
    )


def find_draft(service: Any, ref: str, name: str) -> dict[str, Any]:
    """A draft by its name (``regulator-qc-fr-v2``), or the latest of a kind (``press``)."""
    rows = service.store.rows("drafts", "incident = ?", [ref], order_by="id")
    wanted = name.strip().lower()
    exact = [r for r in rows if draft_name(r) == wanted or _draft(r).name == wanted]
    if exact:
        return exact[-1]
    prefix = [r for r in rows if draft_name(r).startswith(wanted + "-")]
    if prefix:
        return max(prefix, key=lambda r: r["id"])
    names = ", ".join(draft_name(r) for r in rows[-8:]) or "none yet (/incident draft KIND)"
    raise NotFound(f'No draft "{name}" in {ref}. Drafts: {names}.', field="draft")


def approve(service: Any, ref: str, name: str, *, actor: str) -> Ack:
    incident = service.incident(ref)
    service._open(incident)
    row = find_draft(service, ref, name)
    service.check(f"approve_{row['kind']}", actor, incident)
    with service.store.transaction():
        row = service.store.rows("drafts", "id = ?", [row["id"]])[0]
        if row["approved_by"]:
            raise Refused(
                f"{draft_name(row)} was already approved by {row['approved_by']} "
                f"on {row['approved_at']}; draft again for a new version."
            )
        now = service.clock()
        cur = service.store.conn.execute(
            "UPDATE drafts SET approved_by = ?, approved_at = ? WHERE id = ? AND approved_by IS NULL",
            [actor, to_text(now), row["id"]],
        )
        if cur.rowcount != 1:
            raise Refused(f"{draft_name(row)} was approved by someone else a moment ago.")
        service._event(
            incident,
            "draft_approved",
            draft_name(row),
            actor,
            data={
                "draft": draft_name(row),
                "sha256": row["hash"],
                "kind": row["kind"],
                "version": row["version"],
            },
        )
    service._changed(ref, "approved")
    return Ack(
        "approved",
        {"draft": draft_name(row), "user": actor, "hash": row["hash"][:12]},
        incident=incident,
    )


def when_text(at: datetime | None) -> str:
    return at.isoformat() if at else "-"

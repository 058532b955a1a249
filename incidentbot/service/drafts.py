"""Drafts: render a text from the incident's facts, keep its versions, approve one.

Each ``draft`` makes a new version when the text changed (with the diff); ``approve`` freezes
a version by role, and the timeline records who approved which text, with its SHA-256.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dateutil.parser import isoparse

from incidentbot import drafting
from incidentbot.core import severity
from incidentbot.core.model import Draft, EventKind, Incident, Jurisdiction
from incidentbot.drafting.render import ZonedTime
from incidentbot.errors import NotFound, Refused, UsageError
from incidentbot.i18n import Message
from incidentbot.service import reports
from incidentbot.service.incidents import incident_tz, schedule_zone
from incidentbot.store import to_text
from incidentbot.views import Ack, DraftView

if TYPE_CHECKING:
    from incidentbot.svc.facade import IncidentService

VARIANTS = {"holding", "hack_and_leak", "initial", "complementary", "broker", "subprocessor"}
PLAYBOOK_VARIANTS = {
    # do not confirm or deny documents; forgeries are mixed in
    ("press", "hack-and-leak"): "hack_and_leak",
    # the list provider is the controller of its own file, not our processor
    ("vendor", "voter-file-misuse"): "broker",
    # a question about hosting, not a breach: no clock starts
    ("vendor", "foreign-host"): "subprocessor",
}


def draft_config(
    organization: Mapping[str, str], names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What the templates read about the campaign, from the ``[organization]`` settings, and
    the display names of ``[people]``."""
    org = dict(organization)
    return {
        "names": dict(names or {}),
        "organization": {
            k: org[k] for k in ("name", "id", "address", "legal_representative", "kind") if k in org
        },
        "contact": {k[8:]: v for k, v in org.items() if k.startswith("contact_")},
        "dpo": {k[4:]: v for k, v in org.items() if k.startswith("dpo_")},
        "press": {"contact": org.get("press_contact")} if org.get("press_contact") else {},
        "letterhead": org.get("letterhead"),
        "signature": org.get("signature"),
    }


def _split_variant(
    svc: IncidentService,
    incident: Incident,
    kind: str,
    jurisdiction: str | None,
    lang: str | None,
) -> tuple[str | None, str | None, str | None]:
    variant = None
    if (
        jurisdiction
        and jurisdiction not in svc.catalogue.jurisdictions
        and jurisdiction in VARIANTS
    ):
        variant, jurisdiction = jurisdiction, None
    if lang and lang not in ("en", "fr") and lang in VARIANTS:
        variant, lang = lang, None
    if (
        jurisdiction in ("en", "fr")
        and jurisdiction not in incident.jurisdictions
        and kind not in ("regulator", "notice")
        and lang is None
    ):
        # ``draft press fr``: a document with no authority takes the word as its language
        jurisdiction, lang = None, jurisdiction
    if jurisdiction and jurisdiction not in incident.jurisdictions:
        # a draft for a jurisdiction the incident is not under would name the wrong
        # authority and law: refused, with the incident's jurisdictions
        raise UsageError(
            Message(
                "draft.not_jurisdiction",
                ref=incident.ref,
                jurisdiction=jurisdiction,
                jurisdictions=", ".join(incident.jurisdictions) or "—",
            ),
            field="jurisdiction",
        )
    return jurisdiction, lang, variant


def draft_context(
    svc: IncidentService, incident: Incident, jurisdiction: Jurisdiction | None, lang: str
) -> dict[str, Any]:
    ref = incident.ref
    notes: dict[str, dict[str, Any]] = {}
    for row in svc.store.rows("notifications", "incident = ?", [ref], order_by="id"):
        entry = notes.setdefault(row["jurisdiction"], {"submissions": []})
        entry["submissions"].append(row)
        if row["audience"] == "authority":
            entry.setdefault("notified_at", isoparse(row["notified_at"]))
            entry.setdefault("reference", row["reference"])
        else:
            entry.setdefault("persons_notified_at", isoparse(row["notified_at"]))
    assessment = reports.assessment_json(svc.latest_assessment(ref))
    if assessment is not None:
        # the severity explanation in the draft's language (the store keeps the method)
        computed = severity.assess(severity.Inputs.from_json(assessment["inputs"]))
        assessment["explain"] = computed.explain(lang)
    tz = incident_tz(svc, incident)
    clocks = svc.clocks(incident)
    context = drafting.build_context(
        incident=incident,
        steps=svc.store.steps(ref),
        events=svc.store.events(ref),
        assessment=assessment,
        decisions=(assessment or {}).get("decisions", []),
        jurisdiction=jurisdiction,
        playbook=svc.catalogue.playbooks.get(incident.playbook),
        notifications=notes,
        config=_with_names(getattr(svc, "draft_config", {}), getattr(svc, "people_names", {})),
        lang=lang,
        tz=tz,
        now=svc.clock(),
        jurisdictions=[
            svc.catalogue.jurisdictions[j]
            for j in incident.jurisdictions
            if j in svc.catalogue.jurisdictions
        ],
        due={c.key: c.due_at or c.target_at for c in clocks},
    )
    if isinstance(silence := context.get("election_silence_starts"), datetime):
        context["election_silence_starts"] = ZonedTime(silence, schedule_zone(svc, incident))
    if jurisdiction is not None:
        clock = next(
            (c for c in clocks if c.jurisdiction == jurisdiction.id and c.audience == "authority"),
            None,
        )
        context["overdue"] = bool(clock and clock.state in ("overdue", "notified_late"))
    context["_tz"] = tz
    return context


def _with_names(config: Mapping[str, Any], learned: Mapping[str, str]) -> dict[str, Any]:
    """The configured display names over those learned from Slack (``users.info`` real_name)."""
    return {**config, "names": {**learned, **(config.get("names") or {})}}


def draft(
    svc: IncidentService,
    ref: str,
    kind: str,
    jurisdiction: str | None,
    lang: str | None,
    *,
    actor: str,
    variant: str | None = None,
) -> DraftView:
    incident = svc.resolve(ref, actor=actor, action="draft")
    jurisdiction, lang, parsed_variant = _split_variant(svc, incident, kind, jurisdiction, lang)
    variant = variant or parsed_variant
    if variant is None:
        variant = PLAYBOOK_VARIANTS.get((kind, incident.playbook))
    if jurisdiction is None and kind in ("regulator", "notice"):
        if len(incident.jurisdictions) == 1:
            jurisdiction = incident.jurisdictions[0]
        elif kind == "regulator":
            raise UsageError(
                Message(
                    "draft.which_regulator",
                    ref=ref,
                    jurisdictions=", ".join(incident.jurisdictions) or "—",
                    example=incident.jurisdictions[0] if incident.jurisdictions else "qc",
                ),
                field="jurisdiction",
            )
    if variant is None and kind == "regulator" and jurisdiction:
        told = svc.store.rows(
            "notifications",
            "incident = ? AND jurisdiction = ? AND audience = 'authority'",
            [ref, jurisdiction],
        )
        variant = "complementary" if told else None
    j = svc.catalogue.jurisdictions.get(jurisdiction) if jurisdiction else None
    lang = lang or drafting.default_language(kind, j, incident.language)
    context = draft_context(svc, incident, j, lang)
    notes: list[Message] = []
    if kind == "regulator" and context.get("voluntary") and jurisdiction:
        notes.append(
            Message(
                "draft.voluntary",
                jurisdiction=jurisdiction,
                decision=Message(
                    "decision.persons"
                    if any(
                        d["persons"]
                        for d in context["decisions"]
                        if d["jurisdiction"] == jurisdiction
                    )
                    else "decision.document"
                ),
            )
        )
    rendered = svc.drafter.render(
        kind,
        context=context,
        jurisdiction=jurisdiction,
        lang=lang,
        variant=variant,
    )
    text_hash = drafting.text_hash(rendered.text)
    with svc.store.transaction():
        where = "incident = ? AND kind = ? AND jurisdiction IS ? AND language = ? AND variant IS ?"
        params = [ref, kind, jurisdiction, lang, variant]
        previous = svc.store.rows("drafts", where, params, order_by="version desc", limit=1)
        prev = previous[0] if previous else None
        if prev is not None and prev["hash"] == text_hash:
            row = prev
            diff_text = None
        else:
            version = (prev["version"] if prev else 0) + 1
            row_id = svc.store.insert_row(
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
                    "created_at": to_text(svc.clock()),
                },
            )
            row = svc.store.rows("drafts", "id = ?", [row_id])[0]
            diff_text = drafting.diff(prev["body"], rendered.text) if prev else None
            d = _draft(row)
            svc.record(
                incident,
                EventKind.DRAFT_CREATED,
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
        f"{base}.docx": drafting.to_docx(
            rendered.text, title=f"{ref} — {_kind_title(kind, lang, variant)}", lang=lang
        ),
    }
    return DraftView(
        incident=incident,
        draft=replace(d, missing=tuple(m.name for m in rendered.missing)),
        missing=rendered.missing,
        diff=diff_text,
        previous_version=prev["version"] if prev and diff_text else None,
        files=files,
        notes=tuple(notes),
    )


_KIND_TITLES = {
    "press": ("Press statement", "Communiqué de presse"),
    "regulator": ("Notification to the regulator", "Notification à l'autorité"),
    "notice": ("Notice to the persons concerned", "Information des personnes concernées"),
    "staff": ("Notice to staff", "Note à l'équipe"),
    "vendor": ("Letter to the vendor", "Lettre au prestataire"),
    "report": ("Post-incident report", "Rapport post-incident"),
}


_VARIANT_TITLES = {
    "broker": ("Letter to the list provider", "Lettre au loueur du fichier"),
    "subprocessor": ("Request to the sub-processor", "Demande au sous-traitant"),
}


def _kind_title(kind: str, lang: str, variant: str | None = None) -> str:
    """The document title of a draft, in the draft's language (not the bot's kind id)."""
    en, fr = _VARIANT_TITLES.get(variant or "") or _KIND_TITLES.get(kind, (kind, kind))
    return fr if lang == "fr" else en


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
        variant=row.get("variant"),
    )


def draft_name(row: Mapping[str, Any]) -> str:
    """The one name of a stored draft, with its variant (``press-holding-fr-v1``)."""
    return _draft(row).name


def find_draft(svc: IncidentService, ref: str, name: str) -> dict[str, Any]:
    """A draft by its exact name (``press-holding-fr-v1`` names that draft and no other), or
    the latest whose name starts with the words given (``press-holding``)."""
    rows = svc.store.rows("drafts", "incident = ?", [ref], order_by="id")
    wanted = name.strip().lower()
    exact = [r for r in rows if draft_name(r) == wanted]
    if exact:
        return exact[-1]
    prefix = [r for r in rows if draft_name(r).startswith(wanted + "-")]
    if prefix:
        return max(prefix, key=lambda r: r["id"])
    names = ", ".join(draft_name(r) for r in rows[-8:]) or Message("drafts.none_yet")
    raise NotFound(Message("drafts.no_such", name=name, ref=ref, names=names), field="draft")


def approve(svc: IncidentService, ref: str, name: str, *, actor: str) -> Ack:
    incident = svc.resolve(ref, actor=actor, action="approve")
    svc.ensure_open(incident)
    row = find_draft(svc, ref, name)
    svc.check(f"approve_{row['kind']}", actor, incident)
    with svc.store.transaction():
        row = svc.store.rows("drafts", "id = ?", [row["id"]])[0]
        if row["approved_by"]:
            raise Refused(
                Message(
                    "drafts.already_approved",
                    draft=draft_name(row),
                    user=row["approved_by"],
                    at=row["approved_at"],
                )
            )
        now = svc.clock()
        cur = svc.store.conn.execute(
            "UPDATE drafts SET approved_by = ?, approved_at = ? WHERE id = ? AND approved_by IS NULL",
            [actor, to_text(now), row["id"]],
        )
        if cur.rowcount != 1:
            raise Refused(Message("drafts.approved_meanwhile", draft=draft_name(row)))
        svc.record(
            incident,
            EventKind.DRAFT_APPROVED,
            draft_name(row),
            actor,
            data={
                "draft": draft_name(row),
                "sha256": row["hash"],
                "kind": row["kind"],
                "version": row["version"],
            },
        )
    svc.changed(ref, "approved")
    return Ack(
        "approved",
        {"draft": draft_name(row), "user": actor, "hash": row["hash"][:12]},
        incident=incident,
    )

"""Who writes and who acts, for the drafts: the organisation and its contacts (``[organization]``),
what it is (``kind``: a party's files reveal support, a public body's do not), and people's
names (``[people]`` display names, or Slack's real names) instead of their handles; and the
campaign's own circumstances (vendor, electoral silence, hack-and-leak)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from incidentbot.core.model import Incident, Jurisdiction, Playbook, pick
from incidentbot.drafting.facts import ORGANIZATION_KINDS
from incidentbot.drafting.render import as_when


def localised(value: Any, lang: str) -> Any:
    return pick(value, lang) if isinstance(value, Mapping) else value


def person_name(names: Mapping[str, str], handle: str | None) -> str | None:
    """A person's name (``[people]`` display name, or Slack's real_name), else their handle."""
    if not handle:
        return handle
    bare = handle.strip().lstrip("@")
    if bare.startswith("<@") or handle.startswith("<@"):
        bare = handle.strip("<>@").split("|")[0]
    return names.get(bare) or names.get(handle) or handle


def the_sender(
    incident: Incident, jurisdiction: Jurisdiction | None, config: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """Who writes: the organisation, its contacts, letterhead and signature."""
    org = config.get("organization") or {}
    contact = config.get("contact") or {}
    dpo = config.get("dpo") or {}
    press = config.get("press") or {}
    jid = jurisdiction.id if jurisdiction else None
    return {
        "organization_kind": org.get("kind") or ORGANIZATION_KINDS[0],
        "party_files": party_files(config),
        "organization_name": localised(org.get("name"), lang),
        "organization_id": (org.get("ids") or {}).get(jid) or org.get("id"),
        "organization_address": localised(org.get("address"), lang),
        "legal_representative": org.get("legal_representative"),
        "contact_name": contact.get("name"),
        "contact_email": contact.get("email"),
        "contact_phone": contact.get("phone"),
        "dpo_name": dpo.get("name"),
        "dpo_email": dpo.get("email"),
        "letterhead": localised(config.get("letterhead"), lang),
        "signature": localised(config.get("signature"), lang),
        "press_contact": localised(press.get("contact"), lang),
        "complaint_process": localised(contact.get("complaint_process"), lang),
    }


def party_files(config: Mapping[str, Any]) -> bool:
    kind = (config.get("organization") or {}).get("kind") or ORGANIZATION_KINDS[0]
    return kind in ("party", "campaign")


def yes(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"yes", "true", "1", "oui", "y"}


def the_campaign(incident: Incident, playbook: Playbook | None, now: datetime) -> dict[str, Any]:
    """The campaign's own circumstances: vendor, staff, lessons, electoral silence, leaks."""
    facts = incident.facts
    hack = yes(facts.get("hack_and_leak"))
    if hack is None and playbook is not None:
        hack = playbook.id.replace("-", "_").startswith("hack_and_leak")
    silence = as_when(facts.get("election_silence_starts"))
    in_silence = (
        isinstance(silence, datetime)
        and (silence if silence.tzinfo else silence.replace(tzinfo=now.tzinfo)) <= now
    )
    return {
        "in_silence": in_silence,
        "vendor_name": facts.get("vendor_name"),
        "rental_purpose": facts.get("rental_purpose"),
        "staff_involvement": facts.get("staff_involvement"),
        "lessons": facts.get("lessons"),
        "election_silence_starts": as_when(facts.get("election_silence_starts")),
        "hack_and_leak": hack,
    }

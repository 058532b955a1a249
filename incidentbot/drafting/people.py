"""Who writes and who acts, for the drafts: the organisation and its contacts (``[organization]``),
what it is (``kind``: a party's files reveal support, a public body's do not), and people's
names (``[people]`` display names, or Slack's real names) instead of their handles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidentbot.core.model import Incident, Jurisdiction, pick
from incidentbot.drafting.facts import ORGANIZATION_KINDS


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

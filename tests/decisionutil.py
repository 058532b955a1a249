"""Shared helpers for tests/test_decisions_*.py: the four jurisdictions and the three outcomes.

Facts are written in the assessment vocabulary (README, "The assessment"); every fact the tests
do not name is given a neutral value, so no worst-case assumption moves a result.
"""

from __future__ import annotations

from incidentbot.core.model import DeadlineRule, Jurisdiction
from incidentbot.core.severity import Decision, assess, decide, parse_inputs


def jurisdiction(jid: str) -> Jurisdiction:
    """The four jurisdictions as playbooks/jurisdictions.yaml describes them (thresholds)."""
    gdpr = {"fr": ("CNIL", "GDPR"), "uk": ("ICO", "UK GDPR")}
    if jid in gdpr:
        authority, law = gdpr[jid]
        return Jurisdiction(
            id=jid, name={"en": jid}, authority=authority, authority_name={"en": authority},
            law={"en": law}, deadline=DeadlineRule("hours", hours=72),
            persons_deadline=DeadlineRule("without_undue_delay"), threshold="unlikely_risk",
            persons_threshold="high_risk", language="en",
        )  # fmt: skip
    threshold, authority, law = {
        "qc": ("risk_of_serious_injury", "CAI", "P-39.1"),
        "ca": ("rrosh", "OPC", "PIPEDA"),
    }[jid]
    return Jurisdiction(
        id=jid, name={"en": jid}, authority=authority, authority_name={"en": authority},
        law={"en": law}, deadline=DeadlineRule("promptly"),
        persons_deadline=DeadlineRule("promptly"), threshold=threshold,
        persons_threshold=threshold, language="fr",
    )  # fmt: skip


NEUTRAL = {
    "persons": "40",
    "records": "40",
    "identifiable": "full",
    "confidentiality": "none",
    "integrity": "none",
    "availability": "none",
    "malicious": "no",
    "encrypted": "no",
    "backup": "no",
    "vulnerable": "no",
    "recovered": "no",
    "context": "normal",
}


def decision(jid: str = "fr", **facts: str) -> Decision:
    """The computed decision of one jurisdiction for these facts (the rest neutral)."""
    options = {**NEUTRAL, **facts}
    (only,) = decide(assess(parse_inputs(options)), [jurisdiction(jid)])
    return only


def outcome(jid: str = "fr", **facts: str) -> str:
    """``document`` (register only), ``authority`` (notify the regulator) or ``persons`` (the
    regulator and the persons)."""
    d = decision(jid, **facts)
    assert d.authority or not d.persons, "the persons are never told without the regulator"
    return "persons" if d.persons else "authority" if d.authority else "document"


def everywhere(**facts: str) -> dict[str, str]:
    return {jid: outcome(jid, **facts) for jid in ("fr", "uk", "qc", "ca")}

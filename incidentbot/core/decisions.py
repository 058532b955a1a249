"""The notify / don't-notify decision per jurisdiction, reasoned as the regulators reason.

Regulators weigh how likely and how severe the consequences are for the persons (EDPB Guidelines
9/2022, section IV.B); the ENISA score (:mod:`incidentbot.core.enisa`) is the severity side, the
facts of the assessment give the likelihood side, and the principles of
:mod:`incidentbot.core.principles` (severity.md §7, quebec-canada.md §1) turn both into a level:

* GDPR / UK GDPR (``unlikely_risk``, ``high_risk``): no breach, unlikely to result in a risk
  (register only, Art. 33(5)), a risk (notify the authority, Art. 33(1)) or a high risk (tell the
  persons too, Art. 34(1)). Confidentiality, integrity and availability are reasoned apart and
  the highest level wins; the principles that reached it are the ones cited.
* Québec (``risk_of_serious_injury``, P-39.1 ss. 3.5-3.7) and PIPEDA (``rrosh``, s. 10.1): one
  threshold for the regulator and the persons, met when the information is sensitive and its
  misuse likely (not merely possible).

Every decision names the principles that carried it, with their sources, and what the lead may
still override; it is a proposal for the ``dpo`` role, never legal advice, and
:func:`apply_override` records a person's choice beside the computed one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from incidentbot.core import rationale
from incidentbot.core.enisa import SPECIAL_CATEGORIES, Assessment
from incidentbot.core.model import Jurisdiction, Severity
from incidentbot.core.principles import ORDER
from incidentbot.core.verdicts import Decision

# Non-public identifying data (principle 1): date of birth, ID and insurance numbers, account
# numbers, credentials, health; special categories and children are covered as well.
NON_PUBLIC = SPECIAL_CATEGORIES | {
    "identity", "identity_documents", "financial", "credentials", "children",
}  # fmt: skip
# Sensitive in Canada (C2, PIPEDA s. 10.1(7)-(8), OPC guidance), and the combinations that
# enable identity theft (name with address and date of birth).
SENSITIVE_CA = SPECIAL_CATEGORIES | {"financial", "credentials", "identity_documents", "children"}
IDENTITY_THEFT: tuple[frozenset[str], ...] = (frozenset({"identity", "contact"}),)
UNKNOWN_RECIPIENTS = ("unknown", "public")


class Level(IntEnum):
    NO_BREACH = 0
    UNLIKELY = 1
    RISK = 2
    HIGH = 3


@dataclass(frozen=True)
class Finding:
    """One side of the breach (confidentiality, integrity, availability): level and why."""

    level: Level
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """What the principles read, from the assessment's effective inputs (every fact filled:
    an unknown one already counts at its worse value, see :mod:`incidentbot.core.enisa`)."""

    conf: str | None
    integ: str | None
    avail: str | None
    recipient: str | None
    malicious: bool | None
    encrypted: bool | None
    backup: bool | None
    recovered: bool | None
    depend: bool | None
    persons: int | None
    categories: tuple[str, ...]
    vulnerable_persons: bool | None
    unknown_part: bool
    band: Severity
    dpc: int

    @classmethod
    def of(cls, a: Assessment) -> Facts:
        e = a.effective
        return cls(
            conf=e.confidentiality,
            integ=e.integrity,
            avail=e.availability,
            recipient=e.recipient,
            malicious=e.malicious,
            encrypted=e.encrypted,
            backup=e.backup,
            recovered=e.recovered,
            depend=e.depend,
            persons=e.persons,
            categories=e.data or (),
            vulnerable_persons=e.vulnerable,
            unknown_part=any(x.key in ("data", "contents") for x in a.assumed),
            band=a.band,
            dpc=a.dpc,
        )

    @property
    def vulnerable(self) -> bool:
        """Children or vulnerable persons: a special characteristic of the persons."""
        return bool(self.vulnerable_persons) or "children" in self.categories

    @property
    def special(self) -> bool:
        """Special categories, children or vulnerable persons (principle 6)."""
        return self.vulnerable or any(c in SPECIAL_CATEGORIES for c in self.categories)

    @property
    def many(self) -> bool:
        """More than 100 persons (ENISA §3.3); an unknown number already counts as 101."""
        return self.persons is not None and self.persons > 100

    @property
    def non_public(self) -> bool:
        return any(c in NON_PUBLIC for c in self.categories)


NOTHING = Finding(Level.NO_BREACH, ())


# -------------------------------------------------------------------- GDPR: three sides


def confidentiality(f: Facts) -> Finding:
    """Who may read the data now, and what they will do with them."""
    if f.conf == "none":
        return NOTHING
    if f.encrypted:
        return Finding(Level.UNLIKELY, ("P10",))
    if f.malicious and f.recipient in UNKNOWN_RECIPIENTS:
        # Directly identifying data (EI 1) always score medium or more here (1 × 1 + 0.5 +
        # 0.5), so the band alone separates "directly identifying" from pseudonymous data.
        if f.band is not Severity.LOW or f.special:
            return Finding(Level.HIGH, ("P3",))
        return Finding(Level.RISK, ("P3",))
    if f.malicious:
        if f.band is Severity.VERY_HIGH:
            return Finding(Level.HIGH, ("P2", "LS"))
        return Finding(Level.RISK, ("P2",))
    if f.recipient == "internal" and f.recovered:
        return Finding(Level.UNLIKELY, ("P7",))
    if f.recipient == "trusted" and f.recovered:
        return _special_floor(Finding(Level.UNLIKELY, ("P8",)), f)
    if f.recipient in UNKNOWN_RECIPIENTS:
        if f.band is not Severity.LOW:
            return Finding(Level.HIGH, ("LS",))
        if f.special:
            return Finding(Level.HIGH, ("P6",))
        if f.many and f.non_public:
            return Finding(Level.HIGH, ("P4",))
        return Finding(Level.RISK, ("P1",))
    # An identified recipient (or an internal or trusted one who has not deleted the data):
    # misuse is possible, not presumed.
    if f.band is Severity.VERY_HIGH:
        return Finding(Level.HIGH, ("LS",))
    if f.band is not Severity.LOW:
        return Finding(Level.RISK, ("LS",))
    if f.non_public and not f.special:
        return Finding(Level.RISK, ("P1", "P8") if f.recovered else ("P1",))
    if f.many and not f.special:
        return Finding(Level.RISK, ("P4",))
    return _special_floor(Finding(Level.UNLIKELY, ("LS",)), f)


def _special_floor(found: Finding, f: Facts) -> Finding:
    """Principle 6: special categories are never "register only" by default."""
    if f.special:
        return Finding(Level.RISK, (*found.rules, "P6"))
    return found


def integrity(f: Facts) -> Finding:
    if f.integ == "none":
        return NOTHING
    if f.integ == "unrecoverable" and f.band in (Severity.HIGH, Severity.VERY_HIGH):
        return Finding(Level.HIGH, ("P9",))
    return Finding(Level.RISK, ("P9",))


def availability(f: Facts) -> Finding:
    if f.avail == "none":
        return NOTHING
    if f.depend and (f.avail == "permanent" or f.special):
        return Finding(Level.HIGH, ("P9",))
    if f.backup and not f.depend:
        return _special_floor(Finding(Level.UNLIKELY, ("P9",)), f)
    return Finding(Level.RISK, ("P9",))


def gdpr_level(f: Facts) -> Finding:
    """The highest level of the three sides, carried by the principles that reached it."""
    sides = (confidentiality(f), integrity(f), availability(f))
    top = max(side.level for side in sides)
    if top is Level.NO_BREACH:
        return Finding(Level.NO_BREACH, ("NB",))
    rules = [r for side in sides if side.level == top for r in side.rules]
    if f.unknown_part and top >= Level.RISK:
        rules.append("P5")
    return Finding(top, _ordered(rules))


def _ordered(rules: Sequence[str]) -> tuple[str, ...]:
    """The principle ids once each, in the order of the table; an unknown id is a bug."""
    return tuple(sorted(set(rules), key=ORDER.index))


# -------------------------------------------------------------- Québec and PIPEDA (C1-C4)


def sensitive_categories(f: Facts) -> tuple[str, ...]:
    """What makes the information sensitive in Canada (C2), as vocabulary words."""
    found = [c for c in f.categories if c in SENSITIVE_CA]
    if f.vulnerable_persons:
        found.append("vulnerable")
    for combination in IDENTITY_THEFT:
        if combination <= set(f.categories):
            found.append("+".join(sorted(combination)))
    if not found and f.dpc >= 3:
        found.append(f"dpc_{f.dpc}")
    return tuple(found)


def canadian(f: Facts) -> Finding:
    """RISK (notify the regulator and the persons) or UNLIKELY (record only), and why."""
    if f.conf == "none" and f.integ == "none" and f.avail == "none":
        return Finding(Level.NO_BREACH, ("NB",))
    if f.conf == "none":
        return Finding(Level.UNLIKELY, ("C4",))
    if f.encrypted:
        return Finding(Level.UNLIKELY, ("P10",))
    if not f.malicious and f.recipient == "internal" and f.recovered:
        return Finding(Level.UNLIKELY, ("P7",))
    if not f.malicious and f.recipient == "trusted" and f.recovered:
        return Finding(Level.UNLIKELY, ("P8",))
    if not f.malicious and f.recipient not in UNKNOWN_RECIPIENTS:
        return Finding(Level.UNLIKELY, ("C1",))
    if not sensitive_categories(f):
        return Finding(Level.UNLIKELY, ("C2",))
    source = ("P3",) if f.recipient in UNKNOWN_RECIPIENTS and f.malicious else ()
    if f.malicious and f.recipient not in UNKNOWN_RECIPIENTS:
        source = ("P2",)
    extra = ("P5",) if f.unknown_part else ()
    return Finding(Level.RISK, _ordered(("C1", "C2", "C3", *source, *extra)))


# ------------------------------------------------------------------------------ decisions


@dataclass(frozen=True)
class Verdict:
    notify: bool
    finding: Finding


def gdpr_authority(f: Facts) -> Verdict:
    found = gdpr_level(f)
    return Verdict(found.level >= Level.RISK, found)


def gdpr_persons(f: Facts) -> Verdict:
    found = gdpr_level(f)
    return Verdict(found.level is Level.HIGH, found)


def canadian_both(f: Facts) -> Verdict:
    found = canadian(f)
    return Verdict(found.level >= Level.RISK, found)


AUTHORITY_RULES: Mapping[str, Callable[[Facts], Verdict]] = {
    "unlikely_risk": gdpr_authority,
    "risk_of_serious_injury": canadian_both,
    "rrosh": canadian_both,
}
PERSONS_RULES: Mapping[str, Callable[[Facts], Verdict]] = {
    "high_risk": gdpr_persons,
    "risk_of_serious_injury": canadian_both,
    "rrosh": canadian_both,
}


def _rule_for(
    table: Mapping[str, Callable[[Facts], Verdict]], key: str, j: Jurisdiction, what: str
) -> Callable[[Facts], Verdict]:
    if key not in table:
        raise ValueError(
            f"jurisdiction {j.id}: unknown {what} {key!r}; known: {', '.join(sorted(table))}"
        )
    return table[key]


def decide(assessment: Assessment, jurisdictions: Sequence[Jurisdiction]) -> tuple[Decision, ...]:
    """One computed decision per jurisdiction, keyed on its ``threshold`` ids.

    Raises :class:`ValueError` for a threshold id this module does not know (a playbook error
    that ``incidentbot playbooks check`` should catch first).
    """
    facts = Facts.of(assessment)
    out = []
    for j in jurisdictions:
        auth = _rule_for(AUTHORITY_RULES, j.threshold, j, "threshold")(facts)
        pers = _rule_for(PERSONS_RULES, j.persons_threshold, j, "persons_threshold")(facts)
        rules = _ordered((*auth.finding.rules, *pers.finding.rules))
        said = rationale.explain(j, assessment, auth.notify, pers.notify, rules,
                                 sensitive_categories(facts))  # fmt: skip
        out.append(Decision(j.id, auth.notify, pers.notify, said.rule, said.reasons,
                            principles=rules, may_override=said.may_override))  # fmt: skip
    return tuple(out)

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
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from incidentbot.core import rationale
from incidentbot.core.enisa import SPECIAL_CATEGORIES, Assessment
from incidentbot.core.model import Jurisdiction, Severity, Text, pick
from incidentbot.core.principles import ORDER, PRINCIPLES
from incidentbot.errors import UsageError

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
    """What the principles read, from the assessment's effective inputs."""

    conf: str
    integ: str
    avail: str
    recipient: str | None
    malicious: bool
    encrypted: bool
    backup: bool
    recovered: bool
    depend: bool
    direct: bool
    persons: int
    categories: tuple[str, ...]
    vulnerable: bool
    unknown_part: bool
    band: Severity
    dpc: int

    @classmethod
    def of(cls, a: Assessment) -> Facts:
        e = a.effective
        return cls(
            conf=e.confidentiality or "unknown_recipient",
            integ=e.integrity or "unrecoverable",
            avail=e.availability or "permanent",
            recipient=e.recipient,
            malicious=bool(e.malicious),
            encrypted=bool(e.encrypted),
            backup=bool(e.backup),
            recovered=bool(e.recovered),
            depend=bool(e.depend),
            direct=e.identifiable == "full",
            persons=101 if e.persons is None else e.persons,
            categories=e.data or ("special_other",),
            vulnerable="children" in (e.data or ()) or bool(e.vulnerable),
            unknown_part=any(x.key in ("data", "contents") for x in a.assumed),
            band=a.band,
            dpc=a.dpc,
        )

    @property
    def special(self) -> bool:
        """Special categories, children or vulnerable persons (principle 6)."""
        return self.vulnerable or any(c in SPECIAL_CATEGORIES for c in self.categories)

    @property
    def many(self) -> bool:
        return self.persons > 100

    @property
    def non_public(self) -> bool:
        return any(c in NON_PUBLIC for c in self.categories)


# -------------------------------------------------------------------- GDPR: three sides


def confidentiality(f: Facts) -> Finding:
    """Who may read the data now, and what they will do with them."""
    if f.conf == "none":
        return Finding(Level.NO_BREACH, ())
    if f.encrypted:
        return Finding(Level.UNLIKELY, ("P10",))
    if f.malicious and f.recipient in UNKNOWN_RECIPIENTS:
        if f.direct or f.band is not Severity.LOW or f.special:
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
        return Finding(Level.NO_BREACH, ())
    if f.integ == "unrecoverable" and f.band in (Severity.HIGH, Severity.VERY_HIGH):
        return Finding(Level.HIGH, ("P9",))
    return Finding(Level.RISK, ("P9",))


def availability(f: Facts) -> Finding:
    if f.avail == "none":
        return Finding(Level.NO_BREACH, ())
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
    return tuple(r for r in ORDER if r in rules)


# -------------------------------------------------------------- Québec and PIPEDA (C1-C4)


def sensitive_categories(f: Facts) -> tuple[str, ...]:
    """What makes the information sensitive in Canada (C2), as vocabulary words."""
    found = [c for c in f.categories if c in SENSITIVE_CA]
    if f.vulnerable and "children" not in found:
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
class Override:
    """A person's decision in force instead of the computed one; the reason is never empty."""

    by: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """Whether to notify the authority and the persons in one jurisdiction.

    ``authority`` and ``persons`` are the decisions in force; ``computed_*`` the bot's own
    (equal to them unless an :class:`Override` is recorded). ``principles`` are the ids of
    :data:`~incidentbot.core.principles.PRINCIPLES` that carried the computed decision and
    ``may_override`` what the lead could still decide otherwise, in both languages.
    """

    jurisdiction: str
    authority: bool
    persons: bool
    rule: Text
    reasons: tuple[Text, ...] = ()
    computed_authority: bool | None = None
    computed_persons: bool | None = None
    override: Override | None = None
    principles: tuple[str, ...] = ()
    may_override: Text | None = None

    def __post_init__(self) -> None:
        if self.computed_authority is None:
            object.__setattr__(self, "computed_authority", self.authority)
        if self.computed_persons is None:
            object.__setattr__(self, "computed_persons", self.persons)

    def to_json(self, computed_only: bool = False) -> dict[str, Any]:
        """DESIGN.md's decision object; ``computed_only`` shows the bot's own, no override.

        ``principles`` (id, title, source) and ``may_override`` are added after DESIGN.md's
        keys, and only when known, so merging into a stored decision keeps its own."""
        computed = {"authority": self.computed_authority, "persons": self.computed_persons}
        over = self.override
        out: dict[str, Any] = {"jurisdiction": self.jurisdiction, **computed,
                               "rule": self.rule["en"], "computed": computed, "override": None}  # fmt: skip
        if not computed_only and over is not None:
            out.update(authority=self.authority, persons=self.persons,
                       override={"by": over.by, "reason": over.reason})  # fmt: skip
        if self.principles:
            out["principles"] = [
                {"id": p, "title": PRINCIPLES[p].title["en"], "source": PRINCIPLES[p].source["en"]}
                for p in self.principles
            ]
        if self.may_override:
            out["may_override"] = self.may_override["en"]
        return out


def apply_override(
    decision: Decision, *, authority: bool, persons: bool, by: str, reason: str
) -> Decision:
    """The lead's or DPO's decision in force, keeping the computed one beside it."""
    if not reason or not reason.strip():
        raise UsageError(
            "An override needs a reason: say why the decision differs from the computed one.",
            field="reason",
            message_fr="Une dérogation exige un motif : dites pourquoi la décision diffère "
            "de celle calculée.",
        )
    return replace(
        decision,
        authority=authority,
        persons=persons,
        override=Override(by=by, reason=reason.strip()),
    )


def gdpr_law(j: Jurisdiction) -> tuple[str, str]:
    """("GDPR", "RGPD"), or the UK's own name when the jurisdiction's law says UK GDPR."""
    if "uk gdpr" in pick(j.law, "en").lower():
        return "UK GDPR", "UK GDPR"
    return "GDPR", "RGPD"


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
    return Verdict(found.level is Level.RISK, found)


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

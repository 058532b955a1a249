"""Breach severity by ENISA's method (2013): the severity side of the notify decision.

The score follows ENISA, *Recommendations for a methodology of the assessment of severity of
personal data breaches*, WD v1.0 (2013): ``SE = DPC × EI + CB`` (§2.2, §3.2), read through the
assessment vocabulary of DESIGN.md (:mod:`incidentbot.core.assess_inputs`). Every value of the
method is a multiple of 0.25, so the arithmetic runs in integer quarters and is shown as
:class:`~decimal.Decimal`: 2.0 is exactly 2.0 and a band boundary never depends on float rounding.

Choices this module makes where the method leaves room (each is also said in the output):

* ``credentials`` are scored as the data they open (ENISA §3.1.1). The vocabulary cannot say what
  an account opens, so alone they count as simple data (1); list the categories the accounts reach
  and the highest one wins, since DPC keeps the maximum across types.
* ``identity_documents`` are simple data raised to 2: a document gathers many identifiers of one
  person (photo, birth date, number), Annex 1 A2's "volume" factor, Table 1 simple value 2.
* ``children`` and ``vulnerable=yes`` raise simple data to 4, Table 1's value for minors and
  vulnerable groups; ``context=lower`` does not undo that (the trait of the persons dominates).
* ``context`` moves every type's score by one step within Table 1's values (1 to 4).
* An unknown fact counts at its worse value (DESIGN.md) and is listed in ``assumed``; so does the
  part of the data left unknown by ``contents=partial`` or ``contents=unknown`` (principle 5),
  counted as sensitive.

The score is one input of the decision, not the decision (severity.md §7): see
:mod:`incidentbot.core.decisions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from incidentbot.core.assess_inputs import ASSUMED_TEXT, KEYS, RECIPIENTS_OF, WORSE, Inputs
from incidentbot.core.model import Severity, Text, pick

METHOD = "ENISA 2013 WD v1.0 (SE = DPC x EI + CB); incidentbot decision principles v2"

# ENISA Annex 1 Table 1: the type of each category and the type's basic score.
TYPE_OF: Mapping[str, str] = {
    "contact": "simple", "identity": "simple", "identity_documents": "simple",
    "credentials": "simple", "children": "simple", "employment": "simple", "other": "simple",
    "behavioural": "behavioural", "location": "behavioural", "financial": "financial",
    "health": "sensitive", "political": "sensitive", "religious": "sensitive",
    "special_other": "sensitive",
}  # fmt: skip
BASIC: Mapping[str, int] = {"simple": 1, "behavioural": 2, "financial": 3, "sensitive": 4}
_TYPES = ("simple", "behavioural", "financial", "sensitive")
# GDPR Art. 9(1) special categories within the vocabulary.
SPECIAL_CATEGORIES = frozenset({"political", "health", "religious", "special_other"})

# Quarters: EI (Annex 2) and the CB elements (Annex 3), in the order DESIGN.md lists the values.
_EI_Q = {"negligible": 1, "limited": 2, "significant": 3, "full": 4}
_CB_Q = {
    "confidentiality": {"none": 0, "known_recipient": 1, "unknown_recipient": 2},
    "integrity": {"none": 0, "recoverable": 1, "unrecoverable": 2},
    "availability": {"none": 0, "temporary": 1, "permanent": 2},
}
_MALICE_Q = 2

BAND_WORDS: Mapping[Severity, Text] = {
    Severity.LOW: {"en": "low", "fr": "faible"},
    Severity.MEDIUM: {"en": "medium", "fr": "moyenne"},
    Severity.HIGH: {"en": "high", "fr": "élevée"},
    Severity.VERY_HIGH: {"en": "very high", "fr": "très élevée"},
}


# ------------------------------------------------------------------------------ arithmetic


def _quarters(value: Decimal | float | str, what: str, low: int, high: int) -> int:
    quarters = Decimal(str(value)) * 4
    if quarters != quarters.to_integral_value() or not low <= quarters <= high:
        raise ValueError(f"{what} must be a multiple of 0.25 from {low / 4} to {high / 4}: {value}")
    return int(quarters)


def score(dpc: int, ei: Decimal | float | str, cb: Decimal | float | str) -> Decimal:
    """ENISA ``SE = DPC × EI + CB`` (§2.2), exact: DPC 1-4, EI 0.25-1, CB 0-2 by quarters."""
    if isinstance(dpc, bool) or dpc not in (1, 2, 3, 4):
        raise ValueError(f"DPC must be a whole number from 1 to 4: {dpc}")
    return Decimal(dpc * _quarters(ei, "EI", 1, 4) + _quarters(cb, "CB", 0, 8)) / 4


def band(value: Decimal | float | str) -> Severity:
    """ENISA §3.2 bands; each lower bound belongs to its band (2.0 medium, 4.0 very high)."""
    se = Decimal(str(value))
    if se < 2:
        return Severity.LOW
    if se < 3:
        return Severity.MEDIUM
    if se < 4:
        return Severity.HIGH
    return Severity.VERY_HIGH


def number(value: Decimal | int, lang: str = "en", *, decimals: bool = False) -> str:
    """``0.25``, ``1``, or with ``decimals`` ``1.0``; French uses the decimal comma."""
    text = format(Decimal(value).normalize(), "f")
    if decimals and "." not in text:
        text += ".0"
    return text.replace(".", ",") if lang == "fr" else text


# ------------------------------------------------------------------------------ assessment


@dataclass(frozen=True)
class DpcTerm:
    """One ENISA data type: its categories, basic and final score, and why they differ."""

    type: str
    categories: tuple[str, ...]
    basic: int
    final: int
    reason: Text

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "categories": list(self.categories),
            "basic": self.basic,
            "final": self.final,
            "reason": self.reason.get("en", ""),
        }


@dataclass(frozen=True)
class CbTerms:
    confidentiality: Decimal
    integrity: Decimal
    availability: Decimal
    malicious: Decimal

    def to_json(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in ("confidentiality", "integrity",
                                                        "availability", "malicious")}  # fmt: skip


@dataclass(frozen=True)
class Assumption:
    """An unknown fact and the worse value it was counted at."""

    key: str
    value: str
    text: Text


@dataclass(frozen=True)
class Assessment:
    inputs: Inputs
    effective: Inputs
    dpc: int
    dpc_terms: tuple[DpcTerm, ...]
    ei: Decimal
    cb_terms: CbTerms
    cb: Decimal
    score: Decimal
    band: Severity
    flags: tuple[str, ...]
    assumed: tuple[Assumption, ...]
    notes: tuple[Text, ...] = ()

    def explain(self, lang: str = "en") -> str:
        """One line a person can check by hand, in English or French."""
        t = self.cb_terms
        n = number
        if lang == "fr":
            parts = (
                f"confidentialité {n(t.confidentiality, lang)} ; intégrité "
                f"{n(t.integrity, lang)} ; disponibilité {n(t.availability, lang)} ; "
                f"malveillance {n(t.malicious, lang)}"
            )
        else:
            parts = (
                f"conf {n(t.confidentiality)}, int {n(t.integrity)}, "
                f"avail {n(t.availability)}, malice {n(t.malicious)}"
            )
        return (
            f"DPC {self.dpc} × EI {n(self.ei, lang)} + CB {n(self.cb, lang, decimals=True)} "
            f"({parts}) = {n(self.score, lang, decimals=True)} → "
            f"{pick(BAND_WORDS[self.band], lang)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "method": METHOD,
            "inputs": self.inputs.to_json(),
            "dpc": self.dpc,
            "dpc_terms": [term.to_json() for term in self.dpc_terms],
            "ei": float(self.ei),
            "cb_terms": self.cb_terms.to_json(),
            "cb": float(self.cb),
            "score": float(self.score),
            "band": self.band.value,
            "flags": list(self.flags),
            "assumed": [
                {"key": a.key, "value": a.value, "text": a.text["en"]} for a in self.assumed
            ],  # fmt: skip
            "notes": [note["en"] for note in self.notes],
            "explain": self.explain("en"),
        }


def _implied_confidentiality(inputs: Inputs) -> str | None:
    """``recipient`` (or ``trusted_because``) given without ``confidentiality`` implies it."""
    if inputs.confidentiality is not None:
        return inputs.confidentiality
    recipient = inputs.recipient or ("trusted" if inputs.trusted_because else None)
    for conf, recipients in RECIPIENTS_OF.items():
        if recipient in recipients:
            return conf
    return None


def _effective(inputs: Inputs) -> tuple[Inputs, tuple[Assumption, ...]]:
    filled = {key: getattr(inputs, key) for key in KEYS}
    filled["confidentiality"] = _implied_confidentiality(inputs)
    given_conf = filled["confidentiality"]
    for key, worse in WORSE.items():
        if filled[key] is None:
            filled[key] = worse
    used = set(WORSE) - {"vulnerable", "backup", "encrypted", "recovered"}
    if given_conf is None:
        used.add("confidentiality")
    else:
        used.discard("confidentiality")
    added: list[Assumption] = []
    conf = filled["confidentiality"]
    recipient = filled["recipient"]
    if conf == "none":
        recipient = None
    elif recipient is None and filled["trusted_because"]:
        recipient = "trusted"
    elif recipient is None:
        recipient = "identified" if conf == "known_recipient" else "unknown"
        if conf == "known_recipient":
            added.append(Assumption("recipient", "identified", ASSUMED_TEXT["recipient"]))
    if recipient == "trusted" and not filled["trusted_because"]:
        recipient = "identified"
        added.append(Assumption("trusted_because", "none", ASSUMED_TEXT["trusted_because"]))
    filled["recipient"] = recipient
    filled["trusted_because"] = filled["trusted_because"] if recipient == "trusted" else None
    contents = filled["contents"] or ("known" if inputs.data else "unknown")
    filled["contents"] = contents
    if inputs.data and contents != "known":
        filled["data"] = (
            (*inputs.data, "special_other") if "special_other" not in inputs.data else inputs.data
        )
        added.append(Assumption("contents", "sensitive", ASSUMED_TEXT["contents"]))
    filled["depend"] = bool(filled["depend"])
    effective = Inputs(**filled)
    if any(TYPE_OF[c] == "simple" for c in effective.data or ()):
        used.add("vulnerable")
    if effective.availability != "none":
        used.add("backup")
        if inputs.depend is None:
            added.append(Assumption("depend", "no", ASSUMED_TEXT["depend"]))
    if effective.confidentiality != "none":
        used.add("encrypted")
    if effective.confidentiality == "known_recipient":
        used.add("recovered")
    assumed = []
    for key in KEYS:
        if key in used and key in WORSE and getattr(inputs, key) is None:
            worse = WORSE[key]
            shown = {True: "yes", False: "no", 101: "over 100", ("special_other",): "sensitive"}
            assumed.append(Assumption(key, shown.get(worse, worse), ASSUMED_TEXT[key]))
    return effective, (*assumed, *added)


def _dpc_term(kind: str, cats: tuple[str, ...], eff: Inputs, unknown_data: bool) -> DpcTerm:
    basic = BASIC[kind]
    final = basic
    en: list[str] = []
    fr: list[str] = []
    if unknown_data:
        en.append("data (or part of them) unknown: counted as sensitive")
        fr.append("données (ou une partie) inconnues : comptées comme sensibles")
    if "identity_documents" in cats:
        final = 2
        en.append("identity documents gather many identifiers of one person (Table 1 simple 2)")
        fr.append("une pièce d'identité réunit beaucoup d'identifiants (Table 1, simple 2)")
    if "credentials" in cats:
        en.append("credentials count as the data they open (§3.1.1): list those categories too")
        fr.append("des identifiants valent les données qu'ils ouvrent (§3.1.1) : listez-les aussi")
    step = {"lower": -1, "normal": 0, "higher": 1}[eff.context or "normal"]
    if step:
        moved = min(4, max(1, final + step))
        word = "higher" if step > 0 else "lower"
        if moved == final:
            en.append(f"context {word}: already at Table 1's limit")
            fr.append(f"contexte {'aggravant' if step > 0 else 'atténuant'} : déjà à la limite")
        else:
            en.append(f"context {word}: {final} → {moved} (Annex 1 A2)")
            fr.append(
                f"contexte {'aggravant' if step > 0 else 'atténuant'} : {final} → {moved} "
                "(annexe 1 A2)"
            )
        final = moved
    if kind == "simple" and ("children" in cats or eff.vulnerable):
        final = 4
        if "children" in cats:
            en.append("minors: raised to 4 (Table 1 simple 4)")
            fr.append("mineurs : porté à 4 (Table 1, simple 4)")
        else:
            en.append("vulnerable persons: raised to 4 (Table 1 simple 4)")
            fr.append("personnes vulnérables : porté à 4 (Table 1, simple 4)")
    if not en:
        en.append("basic score (Table 1)")
        fr.append("score de base (Table 1)")
    return DpcTerm(kind, cats, basic, final, {"en": "; ".join(en), "fr": " ; ".join(fr)})


def _unknown(inputs: Inputs, kind: str) -> bool:
    """Whether this type's score stands for data left unknown (no ``data``, or ``contents``)."""
    if inputs.data is None:
        return True
    return kind == "sensitive" and inputs.contents in ("partial", "unknown")


def assess(inputs: Inputs) -> Assessment:
    """Score the breach with ENISA's method; pure, so the same inputs give the same result."""
    eff, assumed = _effective(inputs)
    cats = eff.data or ()
    terms = tuple(
        _dpc_term(kind, tuple(c for c in cats if TYPE_OF[c] == kind), eff, _unknown(inputs, kind))
        for kind in _TYPES
        if any(TYPE_OF[c] == kind for c in cats)
    )
    dpc = max(term.final for term in terms)
    notes: list[Text] = []
    conf_q = _CB_Q["confidentiality"][eff.confidentiality or "unknown_recipient"]
    int_q = _CB_Q["integrity"][eff.integrity or "unrecoverable"]
    avail_q = _CB_Q["availability"][eff.availability or "permanent"]
    if avail_q and eff.backup:
        # ENISA Annex 3 A3: 0 when the data can be recovered without difficulty (other copies).
        avail_q = 0
        notes.append(
            {
                "en": "Availability scored 0: a backup restores the data (ENISA Annex 3 A3).",
                "fr": "Disponibilité notée 0 : une sauvegarde restaure les données "
                "(ENISA annexe 3 A3).",
            }
        )
    malice_q = _MALICE_Q if eff.malicious else 0
    cb_q = conf_q + int_q + avail_q + malice_q
    ei_q = _EI_Q[eff.identifiable or "full"]
    se = score(dpc, Decimal(ei_q) / 4, Decimal(cb_q) / 4)
    flags = []
    if eff.persons is None or eff.persons > 100:
        flags.append("over_100_persons")
    if eff.encrypted:
        flags.append("unintelligible")
    return Assessment(
        inputs=inputs,
        effective=eff,
        dpc=dpc,
        dpc_terms=terms,
        ei=Decimal(ei_q) / 4,
        cb_terms=CbTerms(*(Decimal(q) / 4 for q in (conf_q, int_q, avail_q, malice_q))),
        cb=Decimal(cb_q) / 4,
        score=se,
        band=band(se),
        flags=tuple(flags),
        assumed=assumed,
        notes=tuple(notes),
    )

"""Breach severity (ENISA 2013) and the notify / don't-notify decision per jurisdiction.

The score follows ENISA, *Recommendations for a methodology of the assessment of severity of
personal data breaches*, WD v1.0 (2013): ``SE = DPC × EI + CB`` (§2.2, §3.2), read through the
assessment vocabulary of DESIGN.md. Every value of the method is a multiple of 0.25, so the
arithmetic runs in integer quarters and is shown as :class:`~decimal.Decimal`: 2.0 is exactly 2.0
and a band boundary never depends on float rounding.

Choices this module makes where the method leaves room (each is also said in the output):

* ``credentials`` are scored as the data they open (ENISA §3.1.1). The vocabulary cannot say what
  an account opens, so alone they count as simple data (1); list the categories the accounts reach
  and the highest one wins, since DPC keeps the maximum across types.
* ``identity_documents`` are simple data raised to 2: a document gathers many identifiers of one
  person (photo, birth date, number), Annex 1 A2's "volume" factor, Table 1 simple value 2.
* ``children`` and ``vulnerable=yes`` raise simple data to 4, Table 1's value for minors and
  vulnerable groups; ``context=lower`` does not undo that (the trait of the persons dominates).
* ``context`` moves every type's score by one step within Table 1's values (1 to 4).
* An unknown fact counts at its worse value (DESIGN.md) and is listed in ``assumed``.

The decision layer (:func:`decide`) turns the score into a per-jurisdiction proposal. It keys on
the jurisdiction's ``threshold`` / ``persons_threshold`` ids; the wording cites the law. It is a
proposal for the ``dpo`` role, never legal advice: :func:`apply_override` records a human's choice
next to the computed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from incidentbot.core.model import Jurisdiction, Severity, Text, pick
from incidentbot.errors import UsageError

METHOD = "ENISA 2013 WD v1.0 (SE = DPC x EI + CB); incidentbot decision rules v1"

DATA_CATEGORIES: tuple[str, ...] = (
    "contact", "identity", "identity_documents", "financial", "credentials", "behavioural",
    "location", "health", "political", "religious", "special_other", "children", "employment",
    "other",
)  # fmt: skip
LEVELS: Mapping[str, tuple[str, ...]] = {
    "identifiable": ("negligible", "limited", "significant", "full"),
    "confidentiality": ("none", "known_recipient", "unknown_recipient"),
    "integrity": ("none", "recoverable", "unrecoverable"),
    "availability": ("none", "temporary", "permanent"),
    "context": ("lower", "normal", "higher"),
}
YES_NO_KEYS: tuple[str, ...] = ("malicious", "encrypted", "backup", "vulnerable", "recovered")
COUNT_KEYS: tuple[str, ...] = ("persons", "records")
KEYS: tuple[str, ...] = (
    "data", "persons", "records", "identifiable", "confidentiality", "integrity", "availability",
    "malicious", "encrypted", "backup", "vulnerable", "recovered", "context",
)  # fmt: skip
UNKNOWN = "unknown"
_YES = frozenset({"yes", "oui", "true"})
_NO = frozenset({"no", "non", "false"})
_COUNT = re.compile(r"[0-9]{1,15}")

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

# Worse value of each key, and what saying so looks like (DESIGN.md: unknown counts at worse).
_WORSE: Mapping[str, Any] = {
    "data": ("special_other",), "persons": 101, "identifiable": "full",
    "confidentiality": "unknown_recipient", "integrity": "unrecoverable",
    "availability": "permanent", "malicious": True, "encrypted": False, "backup": False,
    "vulnerable": True, "recovered": False, "context": "higher",
}  # fmt: skip
_ASSUMED_TEXT: Mapping[str, Text] = {
    "data": {
        "en": "Data categories not given: counted as sensitive data (DPC 4).",
        "fr": "Catégories de données non indiquées : comptées comme données sensibles (DPC 4).",
    },
    "persons": {
        "en": "Number of persons not given: counted as more than 100.",
        "fr": "Nombre de personnes non indiqué : compté comme plus de 100.",
    },
    "identifiable": {
        "en": "Ease of identification not given: counted as full (EI 1).",
        "fr": "Facilité d'identification non indiquée : comptée comme totale (EI 1).",
    },
    "confidentiality": {
        "en": "Confidentiality not given: counted as exposed to unknown recipients (+0.5).",
        "fr": "Confidentialité non indiquée : comptée comme exposée à des destinataires "
        "inconnus (+0,5).",
    },
    "integrity": {
        "en": "Integrity not given: counted as altered beyond recovery (+0.5).",
        "fr": "Intégrité non indiquée : comptée comme altérée sans récupération possible (+0,5).",
    },
    "availability": {
        "en": "Availability not given: counted as permanently lost (+0.5).",
        "fr": "Disponibilité non indiquée : comptée comme perdue définitivement (+0,5).",
    },
    "malicious": {
        "en": "Intent not given: counted as malicious (+0.5).",
        "fr": "Intention non indiquée : comptée comme malveillante (+0,5).",
    },
    "context": {
        "en": "Context not given: counted as higher (+1 to the data score).",
        "fr": "Contexte non indiqué : compté comme aggravant (+1 au score des données).",
    },
    "vulnerable": {
        "en": "Vulnerability of the persons not given: counted as vulnerable "
        "(simple data scored 4).",
        "fr": "Vulnérabilité des personnes non indiquée : comptées comme vulnérables "
        "(données simples notées 4).",
    },
    "backup": {
        "en": "Backup not given: counted as no usable backup.",
        "fr": "Sauvegarde non indiquée : comptée comme absente.",
    },
    "encrypted": {
        "en": "Encryption not given: counted as readable data.",
        "fr": "Chiffrement non indiqué : données comptées comme lisibles.",
    },
    "recovered": {
        "en": "Recovery not given: counted as not retrieved nor deleted.",
        "fr": "Récupération non indiquée : données comptées comme ni récupérées ni effacées.",
    },
}

BAND_WORDS: Mapping[Severity, Text] = {
    Severity.LOW: {"en": "low", "fr": "faible"},
    Severity.MEDIUM: {"en": "medium", "fr": "moyenne"},
    Severity.HIGH: {"en": "high", "fr": "élevée"},
    Severity.VERY_HIGH: {"en": "very high", "fr": "très élevée"},
}


# ---------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Inputs:
    """The facts of DESIGN.md's assessment vocabulary; ``None`` means unknown (left out)."""

    data: tuple[str, ...] | None = None
    persons: int | None = None
    records: int | None = None
    identifiable: str | None = None
    confidentiality: str | None = None
    integrity: str | None = None
    availability: str | None = None
    malicious: bool | None = None
    encrypted: bool | None = None
    backup: bool | None = None
    vulnerable: bool | None = None
    recovered: bool | None = None
    context: str | None = None

    def __post_init__(self) -> None:
        if self.data is not None and (
            not self.data or any(c not in DATA_CATEGORIES for c in self.data)
        ):
            raise ValueError(f"data must be a non-empty tuple of {DATA_CATEGORIES}: {self.data}")
        for key, allowed in LEVELS.items():
            if getattr(self, key) not in (None, *allowed):
                raise ValueError(f"{key} must be one of {allowed}: {getattr(self, key)!r}")
        for key in COUNT_KEYS:
            count = getattr(self, key)
            if count is not None and (isinstance(count, bool) or count < 0):
                raise ValueError(f"{key} must be a whole number: {count!r}")

    def to_json(self) -> dict[str, Any]:
        """Exactly the DESIGN.md keys, in its order; unknown is ``None`` (null)."""
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Inputs:
        """Rebuild from :meth:`to_json` output (e.g. a stored assessment), with the same checks."""
        options: dict[str, str] = {}
        for key, value in data.items():
            if value is None:
                continue
            if isinstance(value, bool):
                options[key] = "yes" if value else "no"
            elif isinstance(value, list | tuple):
                options[key] = ",".join(str(v) for v in value)
            else:
                options[key] = str(value)
        return parse_inputs(options)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _bad_value(key: str, raw: str, allowed_en: str, allowed_fr: str) -> UsageError:
    return UsageError(
        f"{key}={_shown(raw)} is not allowed: use {allowed_en}.",
        field=key,
        message_fr=f"{key}={_shown(raw)} n'est pas admis : utilisez {allowed_fr}.",
    )


def _parse_value(key: str, value: str, raw: str) -> Any:
    if key == "data":
        names = [part.strip() for part in value.split(",") if part.strip()]
        bad = [n for n in names if n not in DATA_CATEGORIES]
        if bad or not names:
            allowed = ", ".join(DATA_CATEGORIES)
            raise _bad_value(
                key,
                raw,
                f"a comma list of {allowed} (e.g. data=contact,financial), or {UNKNOWN}",
                f"une liste séparée par des virgules parmi {allowed} "
                f"(par ex. data=contact,financial), ou {UNKNOWN}",
            )
        return tuple(c for c in DATA_CATEGORIES if c in names)
    if key in COUNT_KEYS:
        if not _COUNT.fullmatch(value):
            raise _bad_value(
                key,
                raw,
                f"a whole number (e.g. {key}=869) or {UNKNOWN}",
                f"un nombre entier (par ex. {key}=869) ou {UNKNOWN}",
            )
        return int(value)
    if key in YES_NO_KEYS:
        if value in _YES:
            return True
        if value in _NO:
            return False
        raise _bad_value(
            key,
            raw,
            f"yes or no (also oui/non, true/false), or {UNKNOWN}",
            f"yes ou no (ou oui/non, true/false), ou {UNKNOWN}",
        )
    levels = ", ".join(LEVELS[key])
    if value not in LEVELS[key]:
        raise _bad_value(key, raw, f"{levels} or {UNKNOWN}", f"{levels} ou {UNKNOWN}")
    return value


def parse_inputs(options: Mapping[str, str]) -> Inputs:
    """``key=value`` options (the one-line form or the modal) -> :class:`Inputs`.

    Keys and values are case-insensitive; ``unknown`` is accepted for every key and means the
    same as leaving the key out. Anything else outside the vocabulary raises
    :class:`~incidentbot.errors.UsageError` naming the key and listing the allowed values.
    """
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for raw_key, raw_value in options.items():
        raw_key_text = str(raw_key)
        key = raw_key_text.strip().lower() if raw_key_text.isascii() else raw_key_text
        if key not in KEYS:
            keys = ", ".join(KEYS)
            raise UsageError(
                f'Unknown assessment key "{_shown(raw_key_text)}": use {keys} '
                "(e.g. identifiable=full).",
                field=raw_key_text,
                message_fr=f"Clé d'évaluation inconnue « {_shown(raw_key_text)} » : utilisez "
                f"{keys} (par ex. identifiable=full).",
            )
        if key in seen:
            raise UsageError(
                f"{key} is given twice: give each key once.",
                field=key,
                message_fr=f"{key} est indiqué deux fois : indiquez chaque clé une seule fois.",
            )
        seen.add(key)
        raw = raw_value if isinstance(raw_value, str) else repr(raw_value)
        value = raw.strip().lower() if raw.isascii() else raw
        if value == UNKNOWN:
            continue
        values[key] = _parse_value(key, value, raw)
    return Inputs(**values)


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


def _effective(inputs: Inputs) -> tuple[Inputs, tuple[Assumption, ...]]:
    filled = {key: getattr(inputs, key) for key in KEYS}
    for key, worse in _WORSE.items():
        if filled[key] is None:
            filled[key] = worse
    effective = Inputs(**filled)
    used = set(_WORSE) - {"vulnerable", "backup", "encrypted", "recovered"}
    if any(TYPE_OF[c] == "simple" for c in effective.data or ()):
        used.add("vulnerable")
    if effective.availability != "none":
        used.add("backup")
    if effective.confidentiality != "none":
        used.add("encrypted")
    if effective.confidentiality == "known_recipient":
        used.add("recovered")
    assumed = []
    for key in KEYS:
        if key in used and getattr(inputs, key) is None:
            worse = _WORSE[key]
            shown = {True: "yes", False: "no", 101: "over 100", ("special_other",): "sensitive"}
            assumed.append(Assumption(key, shown.get(worse, worse), _ASSUMED_TEXT[key]))
    return effective, tuple(assumed)


def _dpc_term(kind: str, cats: tuple[str, ...], eff: Inputs, unknown_data: bool) -> DpcTerm:
    basic = BASIC[kind]
    final = basic
    en: list[str] = []
    fr: list[str] = []
    if unknown_data:
        en.append("data categories unknown: counted as sensitive")
        fr.append("catégories inconnues : comptées comme sensibles")
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


def assess(inputs: Inputs) -> Assessment:
    """Score the breach with ENISA's method; pure, so the same inputs give the same result."""
    eff, assumed = _effective(inputs)
    cats = eff.data or ()
    terms = tuple(
        _dpc_term(kind, tuple(c for c in cats if TYPE_OF[c] == kind), eff, inputs.data is None)
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


# ------------------------------------------------------------------------------- decision


@dataclass(frozen=True)
class Override:
    """A person's decision in force instead of the computed one; the reason is never empty."""

    by: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """Whether to notify the authority and the persons in one jurisdiction.

    ``authority`` and ``persons`` are the decisions in force; ``computed_*`` the bot's own
    (equal to them unless an :class:`Override` is recorded).
    """

    jurisdiction: str
    authority: bool
    persons: bool
    rule: Text
    reasons: tuple[Text, ...] = ()
    computed_authority: bool | None = None
    computed_persons: bool | None = None
    override: Override | None = None

    def __post_init__(self) -> None:
        if self.computed_authority is None:
            object.__setattr__(self, "computed_authority", self.authority)
        if self.computed_persons is None:
            object.__setattr__(self, "computed_persons", self.persons)

    def to_json(self, computed_only: bool = False) -> dict[str, Any]:
        """DESIGN.md's decision object; ``computed_only`` shows the bot's own, no override."""
        computed = {"authority": self.computed_authority, "persons": self.computed_persons}
        over = self.override
        if computed_only or over is None:
            return {"jurisdiction": self.jurisdiction, **computed, "rule": self.rule["en"],
                    "computed": computed, "override": None}  # fmt: skip
        return {
            "jurisdiction": self.jurisdiction,
            "authority": self.authority,
            "persons": self.persons,
            "rule": self.rule["en"],
            "computed": computed,
            "override": {"by": over.by, "reason": over.reason},
        }


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


# The decision rules. Each jurisdiction names its thresholds by id (jurisdictions.yaml); each id
# maps to a function of the facts. The law, not a score cut-off tuned to examples, drives them:
#
# * ``unlikely_risk`` (GDPR / UK GDPR Art. 33(1)): notify unless unlikely to result in a risk.
#   Default from severity.md §7: low -> register only, medium and above -> notify. Adjusted by
#   (a) no loss at all: no breach (Art. 4(12)); (b) state-of-the-art encryption with the key safe
#   and only confidentiality at stake: unlikely to result in a risk (WP250 / G9/2022 §II.D);
#   (c) a known, trusted recipient who returned or deleted the data before misuse (G9/2022
#   §IV.B); (d) availability only, restored from a backup (§II.D); and (e) special-category
#   data or children / vulnerable persons never compute "register only" without an override:
#   damage is then considered likely (G9/2022 para. 102), so (c) and (d) lower only the persons'
#   side for them. Encryption removes the exposure itself, so it wins over (e).
# * ``high_risk`` (Art. 34(1)): tell the persons when the band is high or very high, except
#   unintelligible data (34(3)(a), read as written: the encryption was applied to the data
#   affected, whatever the kind of loss; the lead overrides when a loss of availability is itself
#   a high risk), data retrieved before misuse (34(3)(b)) and (a), (d).
# * ``risk_of_serious_injury`` (Québec P-39.1 s. 3.5, factors s. 3.7) and ``rrosh`` (PIPEDA
#   s. 10.1, factors s. 10.1(8)): one threshold for the authority and the persons; notify when
#   the information is sensitive and its misuse possible, or misuse is probable (a malicious act
#   with access, unknown recipients) and the severity is at least medium.

_CATEGORY_WORDS: Mapping[str, Text] = {
    "political": {"en": "political opinions", "fr": "opinions politiques"},
    "health": {"en": "health", "fr": "santé"},
    "religious": {"en": "religious beliefs", "fr": "convictions religieuses"},
    "special_other": {"en": "other special-category data", "fr": "autres données particulières"},
    "children": {"en": "children's data", "fr": "données d'enfants"},
    "financial": {"en": "financial data", "fr": "données financières"},
    "identity_documents": {"en": "identity documents", "fr": "pièces d'identité"},
    "credentials": {"en": "credentials", "fr": "identifiants de connexion"},
    "vulnerable": {"en": "vulnerable persons", "fr": "personnes vulnérables"},
}
_SENSITIVE_CA = SPECIAL_CATEGORIES | {"financial", "identity_documents", "credentials", "children"}
_HIGH = (Severity.HIGH, Severity.VERY_HIGH)


@dataclass(frozen=True)
class _Facts:
    a: Assessment
    conf: str
    integ: str
    avail: str
    malicious: bool
    encrypted: bool
    backup: bool
    recovered: bool
    special: tuple[str, ...]
    vulnerable: bool

    @classmethod
    def of(cls, a: Assessment) -> _Facts:
        e = a.effective
        cats = e.data or ()
        return cls(
            a=a,
            conf=e.confidentiality or "unknown_recipient",
            integ=e.integrity or "unrecoverable",
            avail=e.availability or "permanent",
            malicious=bool(e.malicious),
            encrypted=bool(e.encrypted),
            backup=bool(e.backup),
            recovered=bool(e.recovered),
            special=tuple(c for c in cats if c in SPECIAL_CATEGORIES),
            vulnerable="children" in cats or bool(e.vulnerable),
        )

    def exemption(self) -> str | None:
        """The mitigation that makes the breach unlikely to result in a risk, if any."""
        if self.conf == "none" and self.integ == "none" and self.avail == "none":
            return "no_breach"
        only_confidentiality = self.integ == "none" and self.avail == "none"
        if only_confidentiality and self.encrypted:
            return "unintelligible"
        if (
            only_confidentiality
            and self.conf == "known_recipient"
            and self.recovered
            and not self.malicious
        ):
            return "trusted"
        if self.conf == "none" and self.integ == "none" and self.backup:
            return "restored"
        return None

    def words(self, cats: Sequence[str], lang: str) -> str:
        return _listed([pick(_CATEGORY_WORDS[c], lang) for c in cats], lang)

    def floor(self) -> Text | None:
        """Why a GDPR jurisdiction may not compute "register only" (G9/2022 para. 102)."""
        if self.special:
            return {
                "en": f"the data reveal {self.words(self.special, 'en')} (special categories, "
                "Art. 9(1)), and damage should then be considered likely (EDPB Guidelines "
                "9/2022, para. 102)",
                "fr": f"les données révèlent des {self.words(self.special, 'fr')} (catégories "
                "particulières, art. 9(1)), et le dommage doit alors être considéré comme "
                "probable (lignes directrices 9/2022 du CEPD, point 102)",
            }
        if self.vulnerable:
            return {
                "en": "the persons are children or vulnerable, a special characteristic that "
                "raises the risk (EDPB Guidelines 9/2022, section IV.B)",
                "fr": "les personnes sont des enfants ou vulnérables, une caractéristique "
                "particulière qui accroît le risque (lignes directrices 9/2022 du CEPD, IV.B)",
            }
        return None


@dataclass(frozen=True)
class _Verdict:
    notify: bool
    sentence: Text
    reasons: tuple[Text, ...] = ()


def _listed(items: Sequence[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``et`` in French)."""
    last = " et " if lang == "fr" else " and "
    return last.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def gdpr_law(j: Jurisdiction) -> tuple[str, str]:
    """("GDPR", "RGPD"), or the UK's own name when the jurisdiction's law says UK GDPR."""
    if "uk gdpr" in pick(j.law, "en").lower():
        return "UK GDPR", "UK GDPR"
    return "GDPR", "RGPD"


def _both(en: str, fr: str) -> Text:
    return {"en": en, "fr": fr}


def _gdpr_authority(f: _Facts, j: Jurisdiction) -> _Verdict:
    law, loi = gdpr_law(j)
    auth = j.authority
    head = _both(
        f"{law} Art. 33(1): notify the {auth} unless the breach is unlikely to result in a risk;",
        f"{loi} art. 33(1) : notifier l'autorité ({auth}) sauf si la violation est peu "
        "susceptible d'engendrer un risque ;",
    )
    register = _both(
        "record it in the breach register (Art. 33(5)).",
        "l'inscrire au registre des violations (art. 33(5)).",
    )
    exemption = f.exemption()
    floor = f.floor()
    band_word = BAND_WORDS[f.a.band]
    if exemption == "no_breach":
        return _Verdict(
            False,
            _both(
                f"{law} Art. 4(12): no loss of confidentiality, integrity or availability is "
                "recorded, so there is no personal data breach to notify; keep the assessment "
                "on file. If data left your control (a lost device, a misdirected file), record "
                "that loss instead.",
                f"{loi} art. 4(12) : aucune perte de confidentialité, d'intégrité ni de "
                "disponibilité n'est constatée, donc aucune violation à notifier ; conserver "
                "l'évaluation. Si des données ont échappé à votre contrôle (appareil perdu, "
                "envoi erroné), indiquez plutôt cette perte.",
            ),
        )
    if exemption == "unintelligible":
        why = _both(
            "the data were encrypted to the state of the art with the key safe, so their "
            "exposure is unlikely to result in a risk (EDPB Guidelines 9/2022, section II.D)",
            "les données étaient chiffrées selon l'état de l'art et la clé est sûre, donc leur "
            "exposition est peu susceptible d'engendrer un risque (lignes directrices 9/2022, "
            "II.D)",
        )
        return _Verdict(False, _join(head, why, register), (why,))
    if exemption == "trusted":
        why = _both(
            "the data went to a known, trusted recipient who returned or deleted them before "
            "any misuse (EDPB Guidelines 9/2022, section IV.B); record who and why trusted",
            "les données sont allées à un destinataire connu et de confiance qui les a rendues "
            "ou effacées avant tout mauvais usage (lignes directrices 9/2022, IV.B) ; noter "
            "lequel et pourquoi il est de confiance",
        )
        if floor is None:
            return _Verdict(False, _join(head, why, register), (why,))
        return _Verdict(True, _join(head, why, _but(floor, auth)), (why, floor))
    if exemption == "restored":
        why = _both(
            "only availability was lost and a backup restores the data, so the breach is "
            "unlikely to result in a risk (EDPB Guidelines 9/2022, section II.D)",
            "seule la disponibilité est perdue et une sauvegarde restaure les données, donc la "
            "violation est peu susceptible d'engendrer un risque (lignes directrices 9/2022, II.D)",
        )
        if floor is None:
            return _Verdict(False, _join(head, why, register), (why,))
        return _Verdict(True, _join(head, why, _but(floor, auth)), (why, floor))
    if f.a.band is Severity.LOW:
        low = _both(
            "severity low is treated as unlikely to result in a risk",
            "une gravité faible est traitée comme peu susceptible d'engendrer un risque",
        )
        if floor is None:
            return _Verdict(False, _join(head, low, register))
        return _Verdict(True, _join(head, low, _but(floor, auth)), (floor,))
    return _Verdict(
        True,
        _join(
            head,
            _both(
                f"severity {band_word['en']} means a risk.",
                f"une gravité {band_word['fr']} signifie un risque.",
            ),
        ),
    )


def _but(floor: Text, auth: str) -> Text:
    return _both(
        f"but {floor['en']}: notify the {auth}.", f"mais {floor['fr']} : notifier ({auth})."
    )


def _join(*parts: Text) -> Text:
    """Join sentence parts: "head; middle; end." in both languages."""
    out = {}
    for lang in ("en", "fr"):
        texts = [p[lang] for p in parts]
        text = texts[0]
        for part in texts[1:-1]:
            text += " " + part + (" ;" if lang == "fr" else ";")
        if len(texts) > 1:
            text += " " + texts[-1]
        if not text.endswith("."):
            text += "."
        out[lang] = text
    return out


def _gdpr_persons(f: _Facts, j: Jurisdiction) -> _Verdict:
    exemption = f.exemption()
    band_word = BAND_WORDS[f.a.band]
    high = f.a.band in _HIGH
    if exemption == "restored":
        why = _both(
            "Art. 34(1): a backup restored the data, so no high risk remains; the persons need "
            "not be told.",
            "Art. 34(1) : une sauvegarde a restauré les données, donc aucun risque élevé ne "
            "subsiste ; pas de communication aux personnes.",
        )
        return _Verdict(False, why, (why,))
    if exemption == "no_breach":
        return _Verdict(
            False,
            _both(
                "Art. 34(1): no high risk, so the persons need not be told.",
                "Art. 34(1) : pas de risque élevé, donc pas de communication aux personnes.",
            ),
        )
    if exemption == "unintelligible" or (high and f.encrypted):
        why = _both(
            "Art. 34(3)(a): the data are unintelligible to anyone not authorised (encrypted, "
            "key safe), so the persons need not be told.",
            "Art. 34(3)(a) : les données sont incompréhensibles pour toute personne non "
            "autorisée (chiffrées, clé sûre), donc pas de communication aux personnes.",
        )
        return _Verdict(False, why, (why,))
    if exemption == "trusted":
        why = _both(
            "Art. 34(3)(b): the data were retrieved or deleted before any misuse, so a high "
            "risk is no longer likely; the persons need not be told.",
            "Art. 34(3)(b) : les données ont été récupérées ou effacées avant tout mauvais "
            "usage, donc un risque élevé n'est plus susceptible de se matérialiser ; pas de "
            "communication aux personnes.",
        )
        return _Verdict(False, why, (why,))
    if high:
        return _Verdict(
            True,
            _both(
                f"Art. 34(1): tell the persons as well, since severity {band_word['en']} "
                "means a high risk.",
                f"Art. 34(1) : informer aussi les personnes, car une gravité "
                f"{band_word['fr']} signifie un risque élevé.",
            ),
        )
    return _Verdict(
        False,
        _both(
            f"Art. 34(1): the persons are told only when the risk is high; severity "
            f"{band_word['en']} is not high.",
            f"Art. 34(1) : les personnes ne sont informées qu'en cas de risque élevé ; une "
            f"gravité {band_word['fr']} ne l'est pas.",
        ),
    )


def _misuse(f: _Facts) -> tuple[bool, bool, Text]:
    """(misuse probable, misuse possible, the facts saying so) for s. 3.7 / s. 10.1(8)."""
    exposed = f.conf != "none" or f.integ != "none"
    en: list[str] = []
    fr: list[str] = []
    if f.malicious and exposed:
        en.append("a malicious act")
        fr.append("un acte malveillant")
    if f.conf == "unknown_recipient":
        en.append("unknown recipients")
        fr.append("des destinataires inconnus")
    probable = bool(en)
    if f.conf == "known_recipient" and not f.recovered:
        en.append("recipients who have not returned or deleted it")
        fr.append("des destinataires qui ne l'ont ni rendu ni effacé")
    if f.integ != "none":
        en.append("altered data")
        fr.append("des données altérées")
    return probable, bool(en), _both(_listed(en, "en"), _listed(fr, "fr"))


def _canadian(f: _Facts) -> tuple[bool, Text]:
    """Risk of serious injury (QC) / real risk of significant harm (CA): notify, and why."""
    exemption = f.exemption()
    if exemption == "no_breach":
        return False, _both(
            "no loss, access, use or disclosure of the information is recorded",
            "aucune perte, aucun accès, aucune utilisation ni communication du renseignement "
            "n'est constaté",
        )
    if exemption == "unintelligible":
        return False, _both(
            "the information was encrypted with the key safe, so injurious use is unlikely",
            "le renseignement était chiffré et la clé est sûre : une utilisation préjudiciable "
            "est improbable",
        )
    if exemption == "trusted":
        return False, _both(
            "a known, trusted recipient returned or deleted the information before any misuse, "
            "so misuse is unlikely",
            "un destinataire connu et de confiance a rendu ou effacé le renseignement avant "
            "tout mauvais usage : un mauvais usage est improbable",
        )
    cats = [c for c in (f.a.effective.data or ()) if c in _SENSITIVE_CA]
    if f.a.effective.vulnerable and "children" not in cats:
        cats.append("vulnerable")
    sens = _both(f.words(cats, "en"), f.words(cats, "fr")) if cats else None
    if sens is None and f.a.dpc >= 3:
        sens = _both(f"data scored {f.a.dpc} in context", f"données notées {f.a.dpc} en contexte")
    probable, possible, how = _misuse(f)
    band_word = BAND_WORDS[f.a.band]
    if sens and possible:
        return True, _both(
            f"the information is sensitive ({sens['en']}) and {how['en']} make misuse possible",
            f"le renseignement est sensible ({sens['fr']}) et {how['fr']} rendent un mauvais "
            "usage possible",
        )
    if probable and f.a.band is not Severity.LOW:
        return True, _both(
            f"misuse is probable ({how['en']}) and severity {band_word['en']} points to real "
            "consequences",
            f"un mauvais usage est probable ({how['fr']}) et une gravité {band_word['fr']} "
            "indique des conséquences réelles",
        )
    if sens:
        return False, _both(
            f"the information is sensitive ({sens['en']}) but nothing points to its misuse",
            f"le renseignement est sensible ({sens['fr']}) mais rien n'indique un mauvais usage",
        )
    if possible:
        return False, _both(
            f"misuse is possible ({how['en']}), but the information is not sensitive and "
            f"severity {band_word['en']} shows no serious harm",
            f"un mauvais usage est possible ({how['fr']}), mais le renseignement n'est pas "
            f"sensible et une gravité {band_word['fr']} n'indique pas de préjudice sérieux",
        )
    return False, _both(
        "the information is not sensitive and nothing points to its misuse",
        "le renseignement n'est pas sensible et rien n'indique un mauvais usage",
    )


def _quebec(f: _Facts, j: Jurisdiction) -> _Verdict:
    notify, why = _canadian(f)
    auth = j.authority
    head = _both(
        f"P-39.1 s. 3.5: notify the {auth} and the persons concerned when an incident presents "
        "a risk of serious injury, weighing the sensitivity of the information, the "
        "consequences of its use and the likelihood of injurious use (s. 3.7);",
        f"P-39.1, art. 3.5 : aviser l'autorité ({auth}) et les personnes concernées "
        "lorsqu'un incident présente un risque qu'un préjudice sérieux soit causé, "
        "compte tenu de la sensibilité du renseignement, des conséquences appréhendées "
        "de son utilisation et de la probabilité qu'il soit utilisé à des fins "
        "préjudiciables (art. 3.7) ;",
    )
    end = (
        _both("so notify both.", "donc aviser les deux.")
        if notify
        else _both(
            "so no notice is due: record the incident in the register (s. 3.8).",
            "donc aucun avis n'est dû : inscrire l'incident au registre (art. 3.8).",
        )
    )
    return _Verdict(notify, {k: f"{head[k]} {why[k]}, {end[k]}" for k in ("en", "fr")}, (why,))


def _pipeda(f: _Facts, j: Jurisdiction) -> _Verdict:
    notify, why = _canadian(f)
    auth = j.authority
    head = _both(
        f"PIPEDA s. 10.1(1) and (3): report to the {auth} and notify the persons when it is "
        "reasonable to believe the breach creates a real risk of significant harm, weighing "
        "the sensitivity of the information and the probability of its misuse (s. 10.1(8));",
        f"LPRPDE, art. 10.1(1) et (3) : déclarer l'atteinte à l'autorité ({auth}) et aviser "
        "les personnes lorsqu'il est raisonnable de croire que l'atteinte présente un risque "
        "réel de préjudice grave, compte tenu de la sensibilité des renseignements et de la "
        "probabilité de leur mauvais usage (art. 10.1(8)) ;",
    )
    end = (
        _both("so do both.", "donc faire les deux.")
        if notify
        else _both(
            "so neither is required: keep a record of the breach (s. 10.3).",
            "donc ni l'un ni l'autre n'est requis : consigner l'atteinte (art. 10.3).",
        )
    )
    return _Verdict(notify, {k: f"{head[k]} {why[k]}, {end[k]}" for k in ("en", "fr")}, (why,))


AUTHORITY_RULES: Mapping[str, Callable[[_Facts, Jurisdiction], _Verdict]] = {
    "unlikely_risk": _gdpr_authority,
    "risk_of_serious_injury": _quebec,
    "rrosh": _pipeda,
}
PERSONS_RULES: Mapping[str, Callable[[_Facts, Jurisdiction], _Verdict]] = {
    "high_risk": _gdpr_persons,
    "risk_of_serious_injury": _quebec,
    "rrosh": _pipeda,
}


def _rule_for(
    table: Mapping[str, Callable[[_Facts, Jurisdiction], _Verdict]],
    key: str,
    j: Jurisdiction,
    what: str,
) -> Callable[[_Facts, Jurisdiction], _Verdict]:
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
    facts = _Facts.of(assessment)
    score_line = _both(assessment.explain("en"), assessment.explain("fr"))
    out = []
    for j in jurisdictions:
        auth = _rule_for(AUTHORITY_RULES, j.threshold, j, "threshold")(facts, j)
        pers = _rule_for(PERSONS_RULES, j.persons_threshold, j, "persons_threshold")(facts, j)
        if pers.sentence == auth.sentence:
            rule = auth.sentence
        else:
            rule = {lang: f"{auth.sentence[lang]} {pers.sentence[lang]}" for lang in ("en", "fr")}
        reasons: list[Text] = [score_line]
        for reason in (*auth.reasons, *pers.reasons):
            if reason not in reasons:
                reasons.append(reason)
        out.append(Decision(j.id, auth.notify, pers.notify, rule, tuple(reasons)))
    return tuple(out)

"""The assessment vocabulary of DESIGN.md: its keys, values and the parser of ``key=value``.

The modal, the one-line form and the export share these keys, so a script, a test and an auditor
read the same thing. Four optional keys were added for the decision principles
(:mod:`incidentbot.core.decisions`); each one left out reads as before:

* ``recipient`` (internal, trusted, identified, unknown, public): who received the data. Left out,
  it follows ``confidentiality`` (a known recipient counts as *identified*, not trusted).
* ``trusted_because`` (secrecy, contract, same_organisation): why a trusted recipient is trusted
  (principle 8); a trusted recipient without it counts as identified.
* ``contents`` (known, partial, unknown): whether the data exposed are fully known; the unknown
  part counts as sensitive (principle 5). Left out: known when ``data`` is given.
* ``depend`` (yes/no): whether the persons depend on the data (care, services, legal records),
  for availability losses (principle 9). Left out: no.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from incidentbot.core.model import Text
from incidentbot.errors import UsageError
from incidentbot.i18n import Message

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
    "recipient": ("internal", "trusted", "identified", "unknown", "public"),
    "trusted_because": ("secrecy", "contract", "same_organisation"),
    "contents": ("known", "partial", "unknown"),
}
YES_NO_KEYS: tuple[str, ...] = (
    "malicious", "encrypted", "backup", "vulnerable", "recovered", "depend",
)  # fmt: skip
COUNT_KEYS: tuple[str, ...] = ("persons", "records")
KEYS: tuple[str, ...] = (
    "data", "persons", "records", "identifiable", "confidentiality", "integrity", "availability",
    "malicious", "encrypted", "backup", "vulnerable", "recovered", "context",
    "recipient", "trusted_because", "contents", "depend",
)  # fmt: skip
# The keys added after DESIGN.md's first vocabulary (optional; absent in older assessments).
ADDED_KEYS: tuple[str, ...] = ("recipient", "trusted_because", "contents", "depend")
# Which recipients go with which ``confidentiality`` value (DESIGN.md: known_recipient is "a
# trusted or identified recipient", unknown_recipient "unknown or many").
RECIPIENTS_OF: Mapping[str, tuple[str, ...]] = {
    "known_recipient": ("internal", "trusted", "identified"),
    "unknown_recipient": ("unknown", "public"),
}
UNKNOWN = "unknown"
_YES = frozenset({"yes", "oui", "true"})
_NO = frozenset({"no", "non", "false"})
_COUNT = re.compile(r"[0-9]{1,15}")


# Worse value of each key, and what saying so looks like (DESIGN.md: unknown counts at worse).
WORSE: Mapping[str, Any] = {
    "data": ("special_other",), "persons": 101, "identifiable": "full",
    "confidentiality": "unknown_recipient", "integrity": "unrecoverable",
    "availability": "permanent", "malicious": True, "encrypted": False, "backup": False,
    "vulnerable": True, "recovered": False, "context": "higher",
}  # fmt: skip
ASSUMED_TEXT: Mapping[str, Text] = {
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
    "recipient": {
        "en": "Recipient not given: a known recipient counts as identified, not trusted "
        "(say recipient=internal, trusted or identified).",
        "fr": "Destinataire non précisé : un destinataire connu compte comme identifié, non de "
        "confiance (indiquez recipient=internal, trusted ou identified).",
    },
    "trusted_because": {
        "en": "No reason given for trusting the recipient: counted as identified, not trusted "
        "(say trusted_because=secrecy, contract or same_organisation).",
        "fr": "Aucun motif de confiance indiqué : destinataire compté comme identifié, non de "
        "confiance (indiquez trusted_because=secrecy, contract ou same_organisation).",
    },
    "contents": {
        "en": "Contents only partly known: the unknown part counts as sensitive data (DPC 4).",
        "fr": "Contenu connu en partie seulement : la part inconnue compte comme données "
        "sensibles (DPC 4).",
    },
    "depend": {
        "en": "Whether the persons depend on the data not given: counted as no (say depend=yes "
        "for care, services or legal records).",
        "fr": "Dépendance des personnes envers les données non indiquée : comptée comme non "
        "(indiquez depend=yes pour des soins, des services ou des registres légaux).",
    },
}


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
    recipient: str | None = None
    trusted_because: str | None = None
    contents: str | None = None
    depend: bool | None = None

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
        """The vocabulary's keys, in its order; unknown is ``None`` (null)."""
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Inputs:
        """Rebuild from :meth:`to_json` output (e.g. a stored assessment), with the same checks.

        An assessment stored before the added keys existed has none of them: they stay unknown,
        so it reads exactly as it did."""
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


def _bad_value(key: str, raw: str, allowed: Message) -> UsageError:
    return UsageError(
        Message("assess.bad_value", key=key, raw=_shown(raw), allowed=allowed), field=key
    )


def _parse_value(key: str, value: str, raw: str) -> Any:
    if key == "data":
        names = [part.strip() for part in value.split(",") if part.strip()]
        bad = [n for n in names if n not in DATA_CATEGORIES]
        if bad or not names:
            allowed = ", ".join(DATA_CATEGORIES)
            raise _bad_value(
                key, raw, Message("assess.allowed.data", allowed=allowed, unknown=UNKNOWN)
            )
        return tuple(c for c in DATA_CATEGORIES if c in names)
    if key in COUNT_KEYS:
        if not _COUNT.fullmatch(value):
            raise _bad_value(key, raw, Message("assess.allowed.count", key=key, unknown=UNKNOWN))
        return int(value)
    if key in YES_NO_KEYS:
        if value in _YES:
            return True
        if value in _NO:
            return False
        raise _bad_value(key, raw, Message("assess.allowed.yes_no", unknown=UNKNOWN))
    levels = ", ".join(LEVELS[key])
    if value not in LEVELS[key]:
        raise _bad_value(key, raw, Message("assess.allowed.levels", levels=levels, unknown=UNKNOWN))
    return value


def _check_recipient(values: Mapping[str, Any]) -> None:
    """A recipient that contradicts ``confidentiality`` or ``trusted_because`` is refused."""
    recipient = values.get("recipient")
    conf = values.get("confidentiality")
    if recipient is not None and conf is not None and recipient not in RECIPIENTS_OF.get(conf, ()):
        fits = RECIPIENTS_OF.get(conf)
        if not fits:
            raise UsageError(
                Message("assess.recipient_leave_out", recipient=recipient, confidentiality=conf),
                field="recipient",
            )
        raise UsageError(
            Message(
                "assess.recipient_misfit",
                recipient=recipient,
                confidentiality=conf,
                allowed=", ".join(fits),
            ),
            field="recipient",
        )
    if values.get("trusted_because") is not None and recipient not in (None, "trusted"):
        raise UsageError(
            Message("assess.trusted_only", recipient=recipient), field="trusted_because"
        )


def parse_inputs(options: Mapping[str, str]) -> Inputs:
    """``key=value`` options (the one-line form or the modal) -> :class:`Inputs`.

    Keys and values are case-insensitive; ``unknown`` is accepted for every key and means the
    same as leaving the key out (``contents=unknown`` excepted: there it is a value, "the data
    exposed are not known"). Anything else outside the vocabulary raises
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
                Message("assess.unknown_key", key=_shown(raw_key_text), keys=keys),
                field=raw_key_text,
            )
        if key in seen:
            raise UsageError(Message("assess.given_twice", key=key), field=key)
        seen.add(key)
        raw = raw_value if isinstance(raw_value, str) else repr(raw_value)
        value = raw.strip().lower() if raw.isascii() else raw
        if value == UNKNOWN and key != "contents":
            continue
        values[key] = _parse_value(key, value, raw)
    _check_recipient(values)
    return Inputs(**values)


def vocabulary() -> list[tuple[str, str]]:
    """Each key with the values it takes, in the vocabulary's order (``help assess``)."""
    out: list[tuple[str, str]] = []
    for key in KEYS:
        if key == "data":
            out.append((key, ",".join(DATA_CATEGORIES)))
            continue
        if key in COUNT_KEYS:
            out.append((key, "N"))
            continue
        choices = ("yes", "no") if key in YES_NO_KEYS else LEVELS[key]
        out.append((key, "|".join(dict.fromkeys((*choices, UNKNOWN)))))
    return out

"""The words of a decision: the law's test, the outcome, the principles that carried it.

Kept apart from :mod:`incidentbot.core.decisions` so that module holds only the reasoning (and a
mutation run over it changes decisions, not sentences). Every text exists in English and French;
the export keeps the English one, Slack and the shell show the reader's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from incidentbot.core.enisa import Assessment
from incidentbot.core.model import Jurisdiction, Text, pick
from incidentbot.core.principles import PRINCIPLES

CATEGORY_WORDS: Mapping[str, Text] = {
    "political": {"en": "political opinions", "fr": "opinions politiques"},
    "health": {"en": "health", "fr": "santé"},
    "religious": {"en": "religious beliefs", "fr": "convictions religieuses"},
    "special_other": {"en": "other special-category data", "fr": "autres données particulières"},
    "children": {"en": "children's data", "fr": "données d'enfants"},
    "financial": {"en": "financial data", "fr": "données financières"},
    "identity_documents": {"en": "identity documents", "fr": "pièces d'identité"},
    "credentials": {"en": "credentials", "fr": "identifiants de connexion"},
    "vulnerable": {"en": "vulnerable persons", "fr": "personnes vulnérables"},
    "contact+identity": {
        "en": "name with address and date of birth",
        "fr": "nom avec adresse et date de naissance",
    },
}
_LANGS = ("en", "fr")
_REASON = {
    "en": "Any override needs a recorded reason.",
    "fr": "Toute dérogation exige un motif consigné.",
}
# What the lead may still decide, by (Canadian threshold, authority notified, persons told).
_GENERAL: Mapping[tuple[bool, bool, bool], Text] = {
    (False, True, True): {
        "en": "Art. 34(3): persons need not be told if the data were unintelligible, if later "
        "measures make the high risk unlikely, or (by a public notice) if telling each one is "
        "disproportionate. " + _REASON["en"],
        "fr": "Art. 34(3) : pas de communication aux personnes si les données étaient "
        "incompréhensibles, si des mesures ultérieures rendent le risque élevé improbable, ou "
        "(par une communication publique) si informer chacune est disproportionné. "
        + _REASON["fr"],
    },
    (False, True, False): {
        "en": "Tell the persons too if the risk turns out high; register only if the facts show "
        "the breach unlikely to result in a risk. " + _REASON["en"],
        "fr": "Informer aussi les personnes si le risque s'avère élevé ; registre seulement si "
        "les faits montrent la violation peu susceptible d'engendrer un risque. " + _REASON["fr"],
    },
    (False, False, False): {
        "en": "Notify anyway when in doubt: the authority will say whether the persons must be "
        "told. " + _REASON["en"],
        "fr": "Notifier tout de même en cas de doute : l'autorité dira s'il faut informer les "
        "personnes. " + _REASON["fr"],
    },
    (True, True, True): {
        "en": "No notice only if the information is not sensitive in this context or its "
        "misuse not likely. " + _REASON["en"],
        "fr": "Pas d'avis seulement si le renseignement n'est pas sensible dans ce contexte ou "
        "si son mauvais usage n'est pas probable. " + _REASON["fr"],
    },
    (True, False, False): {
        "en": "A voluntary notice is accepted. " + _REASON["en"],
        "fr": "Un avis volontaire est accepté. " + _REASON["fr"],
    },
}


@dataclass(frozen=True)
class Said:
    rule: Text
    reasons: tuple[Text, ...]
    may_override: Text


def gdpr_law(j: Jurisdiction) -> tuple[str, str]:
    """("GDPR", "RGPD"), or the UK's own name when the jurisdiction's law says UK GDPR."""
    if "uk gdpr" in pick(j.law, "en").lower():
        return "UK GDPR", "UK GDPR"
    return "GDPR", "RGPD"


def listed(items: Sequence[str], lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``et`` in French)."""
    last = " et " if lang == "fr" else " and "
    return last.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _words(categories: Sequence[str], lang: str) -> str:
    shown = []
    for c in categories:
        if c in CATEGORY_WORDS:
            shown.append(pick(CATEGORY_WORDS[c], lang))
        elif c.startswith("dpc_"):
            shown.append(
                f"données notées {c[4:]} en contexte"
                if lang == "fr"
                else f"data scored {c[4:]} in context"
            )
    return listed(shown, lang)


def _gdpr(j: Jurisdiction, authority: bool, persons: bool, rules: Sequence[str]) -> Text:
    law, loi = (
        ("UK GDPR", "UK GDPR") if "uk gdpr" in pick(j.law, "en").lower() else ("GDPR", "RGPD")
    )
    auth = j.authority
    head = {
        "en": f"{law} Art. 33(1): notify the {auth} unless the breach is unlikely to result in a "
        "risk; Art. 34(1): tell the persons too when the risk is high.",
        "fr": f"{loi} art. 33(1) : notifier l'autorité ({auth}) sauf si la violation est peu "
        "susceptible d'engendrer un risque ; art. 34(1) : informer aussi les personnes si le "
        "risque est élevé.",
    }
    if "NB" in rules:
        end = {
            "en": "Here: no personal data breach (Art. 4(12)), nothing to notify.",
            "fr": "Ici : pas de violation de données (art. 4(12)), rien à notifier.",
        }
    elif persons:
        end = {
            "en": f"Here: a high risk, so notify the {auth} and tell the persons.",
            "fr": f"Ici : un risque élevé, donc notifier l'autorité ({auth}) et informer les "
            "personnes.",
        }
    elif authority:
        waiver = {"en": "", "fr": ""}
        if "P8" in rules:
            waiver = {"en": " (Art. 34(3)(b))", "fr": " (art. 34(3)(b))"}
        end = {
            "en": f"Here: a risk, not a high one, so notify the {auth}; the persons need not be "
            f"told{waiver['en']}.",
            "fr": f"Ici : un risque, non élevé, donc notifier l'autorité ({auth}) ; pas de "
            f"communication aux personnes{waiver['fr']}.",
        }
    else:
        end = {
            "en": "Here: unlikely to result in a risk, so record it in the breach register "
            "(Art. 33(5)) only.",
            "fr": "Ici : peu susceptible d'engendrer un risque, donc l'inscrire au registre des "
            "violations (art. 33(5)) seulement.",
        }
    return {lang: f"{head[lang]} {end[lang]}" for lang in _LANGS}


def _canadian(j: Jurisdiction, notify: bool, sensitive: Sequence[str]) -> Text:
    auth = j.authority
    if j.threshold == "rrosh":
        head = {
            "en": f"PIPEDA s. 10.1(1) and (3): report to the {auth} and notify the persons when it "
            "is reasonable to believe the breach creates a real risk of significant harm, "
            "weighing the sensitivity of the information and the probability of its misuse "
            "(s. 10.1(8)).",
            "fr": f"LPRPDE, art. 10.1(1) et (3) : déclarer l'atteinte à l'autorité ({auth}) et "
            "aviser les personnes lorsqu'il est raisonnable de croire que l'atteinte présente un "
            "risque réel de préjudice grave, compte tenu de la sensibilité des renseignements et "
            "de la probabilité de leur mauvais usage (art. 10.1(8)).",
        }
        record = {"en": "keep a record of the breach (s. 10.3)", "fr": "consigner l'atteinte "
                  "(art. 10.3)"}  # fmt: skip
    else:
        head = {
            "en": f"P-39.1 s. 3.5: notify the {auth} and the persons concerned when an incident "
            "presents a risk of serious injury, weighing the sensitivity of the information, the "
            "consequences of its use and the likelihood of injurious use (s. 3.7).",
            "fr": f"P-39.1, art. 3.5 : aviser l'autorité ({auth}) et les personnes concernées "
            "lorsqu'un incident présente un risque qu'un préjudice sérieux soit causé, compte "
            "tenu de la sensibilité du renseignement, des conséquences appréhendées de son "
            "utilisation et de la probabilité qu'il soit utilisé à des fins préjudiciables "
            "(art. 3.7).",
        }
        record = {"en": "record the incident in the register (s. 3.8)", "fr": "inscrire "
                  "l'incident au registre (art. 3.8)"}  # fmt: skip
    if notify:
        end = {
            "en": f"Here: sensitive information ({_words(sensitive, 'en')}) and misuse likely, so "
            f"notify the {auth} and the persons.",
            "fr": f"Ici : renseignement sensible ({_words(sensitive, 'fr')}) et mauvais usage "
            f"probable, donc aviser l'autorité ({auth}) et les personnes.",
        }
    else:
        end = {
            "en": f"Here: no such risk, so no notice is due: {record['en']}.",
            "fr": f"Ici : pas de tel risque, donc aucun avis n'est dû : {record['fr']}.",
        }
    return {lang: f"{head[lang]} {end[lang]}" for lang in _LANGS}


def explain(
    j: Jurisdiction,
    assessment: Assessment,
    authority: bool,
    persons: bool,
    rules: Sequence[str],
    sensitive: Sequence[str],
) -> Said:
    """The rule sentence (the law, the outcome, the principles with their sources, what the lead
    may still override), the reasons (the score line, then one line per principle) and the
    override hint, in English and French."""
    if j.threshold in ("risk_of_serious_injury", "rrosh"):
        outcome = _canadian(j, authority, sensitive)
    else:
        outcome = _gdpr(j, authority, persons, rules)
    label = {"en": "Principles: ", "fr": "Principes : "}
    sep = {"en": "; ", "fr": " ; "}
    why = {
        lang: label[lang]
        + sep[lang].join(
            f"{r} {pick(PRINCIPLES[r].title, lang)} ({pick(PRINCIPLES[r].source, lang)})"
            for r in rules
        )
        + "."
        for lang in _LANGS
    }
    canadian = j.threshold in ("risk_of_serious_injury", "rrosh")
    shown = ("lower", "both") if persons else ("raise", "both") if not authority else None
    own = [
        r
        for r in rules
        if r.startswith("C") == canadian and (shown is None or PRINCIPLES[r].direction in shown)
    ]
    general = _GENERAL[(canadian, authority, persons)]
    hint = {
        lang: " ".join([pick(PRINCIPLES[r].override, lang) for r in own] + [general[lang]])
        for lang in _LANGS
    }
    may = {"en": "You may still override: ", "fr": "Vous pouvez encore déroger : "}
    rule = {lang: f"{outcome[lang]} {why[lang]} {may[lang]}{hint[lang]}" for lang in _LANGS}
    colon = {"en": ": ", "fr": " : "}
    reasons: list[Text] = [{lang: assessment.explain(lang) for lang in _LANGS}]
    for r in rules:
        p = PRINCIPLES[r]
        reasons.append(
            {
                lang: f"{r} {pick(p.title, lang)}{colon[lang]}{pick(p.rule, lang)} "
                f"({pick(p.source, lang)})"
                for lang in _LANGS
            }  # fmt: skip
        )
    return Said(rule, tuple(reasons), hint)

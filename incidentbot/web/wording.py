"""The web pages' sentences and labels, in English and French (the templates' catalogue).

Templates call ``t("key")`` with the page's language already bound; phase, step-status and
severity names come from :mod:`incidentbot.i18n` so that Slack, the shell and the page agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incidentbot import i18n

WORDS: dict[str, dict[str, str]] = {
    "timeline_of": {"en": "Timeline of {ref}", "fr": "Chronologie de {ref}"},
    "incidents": {"en": "Incidents", "fr": "Incidents"},
    "facts": {"en": "Facts", "fr": "Faits"},
    "title": {"en": "Title", "fr": "Titre"},
    "declared": {"en": "Declared", "fr": "Déclaré"},
    "detected": {"en": "Detected", "fr": "Détecté"},
    "closed_at": {"en": "Closed", "fr": "Clos le"},
    "checklist": {"en": "Checklist", "fr": "Liste des étapes"},
    "step": {"en": "Step", "fr": "Étape"},
    "phase": {"en": "Phase", "fr": "Phase"},
    "state": {"en": "State", "fr": "État"},
    "who": {"en": "Who", "fr": "Qui"},
    "when": {"en": "When", "fr": "Quand"},
    "note": {"en": "Note", "fr": "Note"},
    "due": {"en": "due {at}", "fr": "échéance {at}"},
    "time": {"en": "Time", "fr": "Heure"},
    "actor": {"en": "Actor", "fr": "Auteur"},
    "kind": {"en": "Kind", "fr": "Type"},
    "text": {"en": "Text", "fr": "Texte"},
    "slack": {"en": "Slack", "fr": "Slack"},
    "open_in_slack": {"en": "message", "fr": "message"},
    "any": {"en": "any", "fr": "tous"},
    "search": {"en": "Text contains", "fr": "Le texte contient"},
    "zone": {"en": "Time zone", "fr": "Fuseau horaire"},
    "apply": {"en": "Filter", "fr": "Filtrer"},
    "reset": {"en": "Clear filters", "fr": "Effacer les filtres"},
    "export": {"en": "Download", "fr": "Télécharger"},
    "shown": {
        "en": "{shown} of {total} events shown",
        "fr": "{shown} événements affichés sur {total}",
    },
    "filtered_by": {"en": "filtered by", "fr": "filtrés par"},
    "no_events": {
        "en": "No event matches these filters.",
        "fr": "Aucun événement ne correspond à ces filtres.",
    },
    "chain_ok": {
        "en": "The hash chain verifies: {count} events, none altered or removed.",
        "fr": "La chaîne de hachage est vérifiée : {count} événements, aucun modifié ni retiré.",
    },
    "chain_bad": {
        "en": "The hash chain does NOT verify: {problem}.",
        "fr": "La chaîne de hachage N'EST PAS vérifiée : {problem}.",
    },
    "chain_head": {
        "en": "Head hash (compare with incidentbot export {ref} --format json):",
        "fr": "Empreinte de tête (à comparer avec incidentbot export {ref} --format json) :",
    },
    "generated": {
        "en": "Produced on {at} for {actor}; times in {zone}.",
        "fr": "Produit le {at} pour {actor} ; heures en {zone}.",
    },
    "link_expires": {"en": "This link expires on {at}.", "fr": "Ce lien expire le {at}."},
    "drafts": {"en": "Drafts", "fr": "Projets de textes"},
    "draft": {"en": "Draft", "fr": "Projet"},
    "version": {"en": "Version", "fr": "Version"},
    "approved": {"en": "approved by {who}, {at}", "fr": "approuvé par {who}, {at}"},
    "not_approved": {"en": "not approved", "fr": "non approuvé"},
    "next_clock": {"en": "Next deadline", "fr": "Prochaine échéance"},
    "none": {"en": "none", "fr": "aucune"},
    "open_incidents": {"en": "Open incidents", "fr": "Incidents ouverts"},
    "closed_incidents": {"en": "Closed incidents", "fr": "Incidents clos"},
    "no_incidents": {"en": "None.", "fr": "Aucun."},
    "open_steps_n": {"en": "{n} open steps", "fr": "{n} étapes ouvertes"},
    "refused_title": {"en": "Link refused", "fr": "Lien refusé"},
    "error_title": {"en": "Error", "fr": "Erreur"},
    "not_found_title": {"en": "Not found", "fr": "Introuvable"},
    "not_found": {
        "en": "There is nothing at this address.",
        "fr": "Il n'y a rien à cette adresse.",
    },
    "server_error": {
        "en": "Something went wrong on the server; the error was logged. Try again later.",
        "fr": "Une erreur s'est produite sur le serveur ; elle a été journalisée. "
        "Réessayez plus tard.",
    },
    "kind.declared": {"en": "declared", "fr": "déclaration"},
    "kind.aware_set": {"en": "awareness time", "fr": "prise de connaissance"},
    "kind.step_done": {"en": "step done", "fr": "étape faite"},
    "kind.step_skipped": {"en": "step skipped", "fr": "étape passée"},
    "kind.step_assigned": {"en": "step assigned", "fr": "étape confiée"},
    "kind.role_assigned": {"en": "role assigned", "fr": "rôle attribué"},
    "kind.note": {"en": "note", "fr": "note"},
    "kind.severity_set": {"en": "severity", "fr": "gravité"},
    "kind.assessed": {"en": "assessment", "fr": "évaluation"},
    "kind.decision_override": {"en": "decision overridden", "fr": "décision modifiée"},
    "kind.notified": {"en": "regulator notified", "fr": "autorité notifiée"},
    "kind.draft_created": {"en": "draft", "fr": "projet de texte"},
    "kind.draft_approved": {"en": "draft approved", "fr": "projet approuvé"},
    "kind.refused": {"en": "refused", "fr": "refus"},
    "kind.closed": {"en": "closed", "fr": "clôture"},
    "kind.timeline_opened": {"en": "timeline opened", "fr": "chronologie consultée"},
    "opened_text": {
        "en": "Opened the timeline ({view}) from a signed link",
        "fr": "A consulté la chronologie ({view}) par un lien signé",
    },
}


def word(key: str, lang: str, /, **params: Any) -> str:
    """The sentence ``key`` in ``lang`` (English when French is missing), filled with params.

    Keys of :mod:`incidentbot.i18n` (``phase.*``, ``status.*``, ``severity.*``, ``label.*``)
    are found there; an unknown ``kind.*`` is shown as the kind itself.
    """
    entry = WORDS.get(key)
    if entry is None:
        if key.startswith("kind."):
            return key[5:]
        return i18n.t(key, lang, **params)
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


def bound(lang: str) -> Callable[..., str]:
    def t(key: str, /, **params: Any) -> str:
        return word(key, lang, **params)

    return t

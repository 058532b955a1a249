"""The catalogue of sentences the front ends show, in English and French.

``t(key, lang, **params)`` fills a sentence; a missing French sentence falls back to English.
Keep wording here (and in templates), not in the renderers' code.
"""

from __future__ import annotations

from typing import Any

CATALOGUE: dict[str, dict[str, str]] = {
    "step_done": {"en": "Step {step} of {ref} is done.", "fr": "Étape {step} de {ref} terminée."},
    "step_skipped": {
        "en": "Step {step} of {ref} was skipped.",
        "fr": "Étape {step} de {ref} passée.",
    },
    "step_assigned": {
        "en": "Step {step} of {ref} is assigned to {user}.",
        "fr": "Étape {step} de {ref} confiée à {user}.",
    },
    "role_assigned": {
        "en": "{user} is now {role} of {ref}.",
        "fr": "{user} est maintenant {role} de {ref}.",
    },
    "note_added": {
        "en": "Note added to the timeline of {ref}.",
        "fr": "Note ajoutée à la chronologie de {ref}.",
    },
    "note_exists": {
        "en": "That message is already in the timeline of {ref}.",
        "fr": "Ce message est déjà dans la chronologie de {ref}.",
    },
    "aware_set": {
        "en": "Awareness time of {ref} set to {at}; the regulators' clocks run from it.",
        "fr": "Prise de connaissance de {ref} fixée au {at} ; les délais courent à partir de là.",
    },
    "severity_set": {
        "en": "Severity of {ref} is now {severity}.",
        "fr": "Gravité de {ref} : {severity}.",
    },
    "notified": {
        "en": "{authority} notified for {ref}{reference}; its clock is stopped.",
        "fr": "{authority} notifiée pour {ref}{reference} ; son délai est arrêté.",
    },
    "override": {
        "en": "Decision for {jurisdiction} overridden: {decision}.",
        "fr": "Décision pour {jurisdiction} modifiée : {decision}.",
    },
    "approved": {
        "en": "{draft} approved by {user} (sha256 {hash}).",
        "fr": "{draft} approuvé par {user} (sha256 {hash}).",
    },
    "snoozed": {
        "en": "Reminder snoozed by {user} until {until}.",
        "fr": "Rappel reporté par {user} jusqu'au {until}.",
    },
    "fact_set": {"en": "Fact {key} of {ref} recorded.", "fr": "Fait {key} de {ref} enregistré."},
    "decision.document": {
        "en": "document internally only",
        "fr": "documenter en interne seulement",
    },
    "decision.authority": {"en": "notify the regulator", "fr": "aviser l'autorité"},
    "decision.persons": {"en": "tell the persons", "fr": "aviser les personnes"},
    "decision.both": {
        "en": "notify the regulator and the persons",
        "fr": "aviser l'autorité et les personnes",
    },
    "decision.overridden": {"en": "overridden", "fr": "décision modifiée"},
    "label.assessment": {"en": "assessment", "fr": "évaluation"},
    "closed": {"en": "{ref} is closed.", "fr": "{ref} est clos."},
    "declared": {"en": "{ref} declared: {title}", "fr": "{ref} déclaré : {title}"},
    "no_open": {"en": "No open incident.", "fr": "Aucun incident ouvert."},
    "clocks_not_started": {
        "en": "Clocks not started: set when you became aware (/incident aware WHEN).",
        "fr": "Délais non démarrés : indiquez la prise de connaissance (/incident connu QUAND).",
    },
    "phase.contain": {"en": "Contain", "fr": "Contenir"},
    "phase.assess": {"en": "Assess", "fr": "Évaluer"},
    "phase.notify": {"en": "Notify", "fr": "Notifier"},
    "phase.communicate": {"en": "Communicate", "fr": "Communiquer"},
    "phase.recover": {"en": "Recover", "fr": "Rétablir"},
    "status.pending": {"en": "open", "fr": "ouverte"},
    "status.done": {"en": "done", "fr": "faite"},
    "status.skipped": {"en": "skipped", "fr": "passée"},
    "severity.low": {"en": "low", "fr": "faible"},
    "severity.medium": {"en": "medium", "fr": "moyenne"},
    "severity.high": {"en": "high", "fr": "élevée"},
    "severity.very_high": {"en": "very high", "fr": "très élevée"},
    "label.lead": {"en": "Lead", "fr": "Responsable"},
    "label.severity": {"en": "Severity", "fr": "Gravité"},
    "label.playbook": {"en": "Playbook", "fr": "Procédure"},
    "label.aware": {"en": "Aware since", "fr": "Connu depuis"},
    "label.jurisdictions": {"en": "Jurisdictions", "fr": "Juridictions"},
    "label.clocks": {"en": "Clocks", "fr": "Délais"},
    "label.open_steps": {"en": "Open steps", "fr": "Étapes ouvertes"},
    "label.progress": {"en": "Progress", "fr": "Avancement"},
    "label.waits_for": {"en": "waits for", "fr": "attend"},
    "label.due": {"en": "due", "fr": "échéance"},
    "label.overdue": {"en": "OVERDUE", "fr": "EN RETARD"},
    "label.unassigned": {"en": "unassigned", "fr": "non attribuée"},
    "label.not_set": {"en": "not set", "fr": "non indiqué"},
    "label.status": {"en": "Status", "fr": "État"},
    "label.timeline": {"en": "Timeline", "fr": "Chronologie"},
    "label.full_timeline": {
        "en": "Full timeline (link valid until {until})",
        "fr": "Chronologie complète (lien valable jusqu'au {until})",
    },
    "label.of_events": {
        "en": "last {n} of {total} events",
        "fr": "{n} derniers de {total} événements",
    },
    "label.mandatory": {"en": "mandatory", "fr": "obligatoire"},
    "label.closed": {"en": "closed", "fr": "clos"},
    "label.open": {"en": "open", "fr": "ouvert"},
    "label.missing": {"en": "Missing facts", "fr": "Faits manquants"},
    "event.declared": {"en": "declared", "fr": "déclaration"},
    "event.aware_set": {"en": "awareness time", "fr": "prise de connaissance"},
    "event.channel_set": {"en": "channel created", "fr": "canal créé"},
    "event.step_done": {"en": "step done", "fr": "étape faite"},
    "event.step_skipped": {"en": "step skipped", "fr": "étape passée"},
    "event.step_assigned": {"en": "step assigned", "fr": "étape confiée"},
    "event.role_assigned": {"en": "role assigned", "fr": "rôle attribué"},
    "event.note": {"en": "note", "fr": "note"},
    "event.severity_set": {"en": "severity", "fr": "gravité"},
    "event.fact_set": {"en": "fact recorded", "fr": "fait enregistré"},
    "event.assessed": {"en": "assessment", "fr": "évaluation"},
    "event.decision_override": {"en": "decision overridden", "fr": "décision modifiée"},
    "event.notified": {"en": "regulator notified", "fr": "autorité notifiée"},
    "event.draft_created": {"en": "draft", "fr": "projet de texte"},
    "event.draft_approved": {"en": "draft approved", "fr": "projet approuvé"},
    "event.reminder": {"en": "reminder", "fr": "rappel"},
    "event.reminder_snoozed": {"en": "reminder snoozed", "fr": "rappel reporté"},
    "event.refused": {"en": "refused", "fr": "refus"},
    "event.closed": {"en": "closed", "fr": "clôture"},
    "event.timeline_opened": {"en": "timeline opened", "fr": "chronologie consultée"},
}


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template

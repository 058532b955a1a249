"""Sentences only Slack shows (buttons, modals, App Home), in English and French.

``t`` looks here first, then in the shared catalogue (:mod:`incidentbot.i18n`).
Button texts stay under 75 characters and modal titles under 24 (Slack's limits).
"""

from __future__ import annotations

from typing import Any

from incidentbot import i18n

SLACK: dict[str, dict[str, str]] = {
    "button.done": {"en": "Done", "fr": "Fait"},
    "button.skip": {"en": "Skip", "fr": "Passer"},
    "button.assign": {"en": "Assign…", "fr": "Confier…"},
    "button.checklist": {"en": "Checklist", "fr": "Étapes"},
    "button.timeline": {"en": "Timeline", "fr": "Chronologie"},
    "button.deadlines": {"en": "Deadlines", "fr": "Échéances"},
    "modal.declare": {"en": "Declare an incident", "fr": "Déclarer un incident"},
    "modal.done": {"en": "Complete a step", "fr": "Terminer une étape"},
    "modal.skip": {"en": "Skip a step", "fr": "Passer une étape"},
    "modal.submit": {"en": "Submit", "fr": "Valider"},
    "modal.declare_submit": {"en": "Declare", "fr": "Déclarer"},
    "modal.cancel": {"en": "Cancel", "fr": "Annuler"},
    "field.title": {"en": "Title", "fr": "Titre"},
    "field.title_hint": {
        "en": "What happened, in a few words (no names of affected people).",
        "fr": "Ce qui s'est passé, en quelques mots (sans nom de personne concernée).",
    },
    "field.playbook": {"en": "Playbook", "fr": "Procédure"},
    "field.aware_date": {"en": "Aware since (date)", "fr": "Connu depuis (date)"},
    "field.aware_time": {"en": "Aware since (time)", "fr": "Connu depuis (heure)"},
    "field.aware_hint": {
        "en": "When the campaign knew with reasonable certainty that personal data were "
        "compromised: the regulators' clocks start here.",
        "fr": "Quand la campagne a su avec une certitude raisonnable que des données "
        "personnelles étaient compromises : les délais des autorités partent de là.",
    },
    "field.jurisdictions": {"en": "Jurisdictions", "fr": "Juridictions"},
    "field.jurisdictions_hint": {
        "en": "Leave empty to use the playbook's suggestion.",
        "fr": "Laissez vide pour reprendre la suggestion de la procédure.",
    },
    "field.lead": {"en": "Incident lead", "fr": "Responsable de l'incident"},
    "field.severity": {"en": "Initial severity", "fr": "Gravité initiale"},
    "field.note": {"en": "Note", "fr": "Note"},
    "field.note_optional": {
        "en": "Optional: what was done, when, by whom.",
        "fr": "Facultatif : ce qui a été fait, quand, par qui.",
    },
    "field.note_evidence": {
        "en": "Required as evidence: what was done, when, by whom.",
        "fr": "Exigée comme preuve : ce qui a été fait, quand, par qui.",
    },
    "field.reason": {"en": "Why it does not apply", "fr": "Pourquoi elle ne s'applique pas"},
    "field.assign_placeholder": {"en": "Assign to…", "fr": "Confier à…"},
    "field.choose": {"en": "Choose…", "fr": "Choisir…"},
    "error.reason": {
        "en": "A skip needs a reason: say why this step does not apply.",
        "fr": "Passer une étape exige une raison : dites pourquoi elle ne s'applique pas.",
    },
    "error.note_evidence": {
        "en": "This step needs a note as evidence: what was done, when and by whom.",
        "fr": "Cette étape exige une note comme preuve : ce qui a été fait, quand, par qui.",
    },
    "error.aware_future": {
        "en": "The awareness time is in the future; give the moment you became aware.",
        "fr": "La prise de connaissance est dans le futur ; indiquez quand vous l'avez su.",
    },
    "error.aware_half": {
        "en": "Give both the date and the time, or neither (the clocks then wait).",
        "fr": "Indiquez la date et l'heure, ou aucune des deux (les délais attendent).",
    },
    "error.internal": {
        "en": "Something went wrong on our side; what was recorded is safe. Try again in a "
        "moment, or use incidentbot shell.",
        "fr": "Un problème est survenu de notre côté ; ce qui a été enregistré est en sûreté. "
        "Réessayez dans un instant, ou utilisez incidentbot shell.",
    },
    "error.not_incident_channel": {
        "en": "This channel is not an incident's channel: run it in #inc-… or put the "
        "reference first (/incident INC-1 note …).",
        "fr": "Ce canal n'est pas celui d'un incident : lancez-le dans #inc-… ou mettez la "
        "référence en premier (/incident INC-1 note …).",
    },
    "error.assess_modal": {
        "en": "Give the assessment in one line: /incident assess data=contact,political "
        "persons=869 identifiable=full confidentiality=unknown_recipient malicious=yes",
        "fr": "Donnez l'évaluation sur une ligne : /incident evaluer data=contact,political "
        "persons=869 identifiable=full confidentiality=unknown_recipient malicious=yes",
    },
    "home.title": {"en": "Open incidents", "fr": "Incidents ouverts"},
    "home.mine": {"en": "Steps assigned to me", "fr": "Mes étapes"},
    "home.none_mine": {"en": "Nothing assigned to you.", "fr": "Rien ne vous est confié."},
    "home.next": {"en": "next deadline", "fr": "prochaine échéance"},
    "home.no_deadline": {"en": "no running clock", "fr": "aucun délai en cours"},
    "home.open_steps": {"en": "{n} open steps", "fr": "{n} étapes ouvertes"},
    "card.next": {"en": "Next deadline", "fr": "Prochaine échéance"},
    "card.due_left": {"en": "due {at} ({left} left)", "fr": "échéance {at} (reste {left})"},
    "card.overdue": {"en": "OVERDUE since {at}", "fr": "EN RETARD depuis {at}"},
    "card.target": {
        "en": "{words}, internal target {at}",
        "fr": "{words}, objectif interne {at}",
    },
    "card.more_steps": {"en": "… and {n} more", "fr": "… et {n} de plus"},
    "card.fallback": {
        "en": "{ref} — {title} (lead {lead}, severity {severity})",
        "fr": "{ref} — {title} (responsable {lead}, gravité {severity})",
    },
    "topic": {"en": "{ref} · next deadline: {next}", "fr": "{ref} · prochaine échéance : {next}"},
    "steps.blocked": {"en": "waits for {steps}", "fr": "attend {steps}"},
    "steps.by": {"en": "{status} by {who} {at}", "fr": "{status} par {who} {at}"},
    "steps.compact": {
        "en": "Too many steps for buttons: use /incident done STEP, skip STEP reason, assign "
        "STEP @user.",
        "fr": "Trop d'étapes pour des boutons : utilisez /incident fait ÉTAPE, passer ÉTAPE "
        "raison, assigner ÉTAPE @personne.",
    },
    "step_taken": {
        "en": "Step {step} of {ref} was already {status} by {who}; nothing was recorded twice.",
        "fr": "L'étape {step} de {ref} a déjà été {status} par {who} ; rien n'a été enregistré "
        "en double.",
    },
    "step_changed": {
        "en": "Step {step} of {ref} changed since this list was shown; here it is again.",
        "fr": "L'étape {step} de {ref} a changé depuis l'affichage ; voici la liste à jour.",
    },
    "expired_trigger": {
        "en": "Slack gave us too little time to open the form; please try again.",
        "fr": "Slack nous a laissé trop peu de temps pour ouvrir le formulaire ; réessayez.",
    },
    "captured": {
        "en": "Added to the timeline of {ref}.",
        "fr": "Ajouté à la chronologie de {ref}.",
    },
    "declared_dm": {
        "en": "{ref} declared: {title}. Its channel: {channel}",
        "fr": "{ref} déclaré : {title}. Son canal : {channel}",
    },
    "draft.files": {"en": "Files", "fr": "Fichiers"},
    "assess.result": {"en": "Assessment v{version}", "fr": "Évaluation v{version}"},
    "assess.notify": {"en": "notify the regulator", "fr": "notifier l'autorité"},
    "assess.internal": {"en": "document internally only", "fr": "documenter en interne"},
    "assess.persons": {"en": "and the persons", "fr": "et les personnes"},
}


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    entry = SLACK.get(key)
    if entry is None:
        return i18n.t(key, lang, **params)
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def lang_of_locale(locale: str | None, default: str) -> str:
    """``fr-CA`` -> ``fr``; anything but French or English -> ``default``."""
    if locale:
        head = locale.split("-", 1)[0].split("_", 1)[0].lower()
        if head in ("fr", "en"):
            return head
    return default

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
    "error.not_recorded": {
        "en": "Not recorded: the bot could not save this (its database refused the write). "
        "Nothing was changed; try again in a moment.",
        "fr": "Non enregistré : le bot n'a pas pu sauvegarder ceci (sa base de données a refusé "
        "l'écriture). Rien n'a été modifié ; réessayez dans un instant.",
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
    "assess.persons_only": {
        "en": "notify the persons only",
        "fr": "notifier les personnes seulement",
    },
    "assess.score": {"en": "Score", "fr": "Score"},
    "assess.assumed": {
        "en": "Assumed (an unknown fact counts at its worse value)",
        "fr": "Hypothèses (un fait inconnu compte à sa pire valeur)",
    },
    "assess.band_changed": {
        "en": "Severity was {before}, now {after}.",
        "fr": "La gravité était {before}, elle est maintenant {after}.",
    },
    "assess.overridden": {
        "en": "overridden by {who}: “{reason}” (computed: {computed})",
        "fr": "modifiée par {who} : « {reason} » (calculée : {computed})",
    },
    "assess.posted": {
        "en": "Assessment v{version} of {ref} posted in {channel}.",
        "fr": "Évaluation v{version} de {ref} publiée dans {channel}.",
    },
    "button.override": {"en": "Override", "fr": "Modifier"},
    "button.notified": {"en": "Mark {authority} notified", "fr": "{authority} notifiée"},
    "button.approve": {"en": "Approve", "fr": "Approuver"},
    "modal.assess": {"en": "Assess the breach", "fr": "Évaluer la violation"},
    "modal.assess_submit": {"en": "Assess", "fr": "Évaluer"},
    "modal.override": {"en": "Override a decision", "fr": "Changer une décision"},
    "modal.notified": {"en": "Regulator notified", "fr": "Autorité notifiée"},
    "modal.record": {"en": "Record", "fr": "Enregistrer"},
    "field.data": {"en": "Data involved", "fr": "Données concernées"},
    "field.data_hint": {
        "en": "Leave empty if not known yet (counted as sensitive). Political opinions are "
        "special-category data under the GDPR, Art. 9(1): a party's member, donor or volunteer "
        "list reveals them, so choose “political opinions” for any such list.",
        "fr": "Laissez vide si vous ne savez pas encore (compté comme sensible). Les opinions "
        "politiques sont une catégorie particulière de données au sens du RGPD, art. 9(1) : "
        "une liste de membres, de donateurs ou de bénévoles d'un parti les révèle ; choisissez "
        "« opinions politiques » pour une telle liste.",
    },
    "field.persons": {"en": "Number of persons", "fr": "Nombre de personnes"},
    "field.records": {"en": "Number of records", "fr": "Nombre d'enregistrements"},
    "field.count_hint": {
        "en": "A whole number (e.g. 869), or unknown. Leave empty if not known.",
        "fr": "Un nombre entier (par ex. 869), ou unknown. Laissez vide si inconnu.",
    },
    "field.identifiable": {
        "en": "How easily can the persons be identified?",
        "fr": "Les personnes sont-elles faciles à identifier ?",
    },
    "field.confidentiality": {"en": "Confidentiality", "fr": "Confidentialité"},
    "field.integrity": {"en": "Integrity", "fr": "Intégrité"},
    "field.availability": {"en": "Availability", "fr": "Disponibilité"},
    "field.context": {"en": "Context of the data", "fr": "Contexte des données"},
    "field.context_hint": {
        "en": "Lower: already public, trivial or known to be wrong. Higher: much data on each "
        "person, or a controller whose nature reveals more (a party reveals opinions).",
        "fr": "Atténuant : déjà public, anodin ou connu comme faux. Aggravant : beaucoup de "
        "données par personne, ou un responsable dont la nature en révèle plus (un parti "
        "révèle des opinions).",
    },
    "field.malicious": {"en": "Malicious?", "fr": "Malveillant ?"},
    "field.encrypted": {"en": "Encrypted?", "fr": "Chiffré ?"},
    "field.encrypted_hint": {
        "en": "Yes only for state-of-the-art encryption with the key not compromised.",
        "fr": "Oui seulement pour un chiffrement à l'état de l'art dont la clé est intacte.",
    },
    "field.backup": {"en": "Usable backup?", "fr": "Sauvegarde utilisable ?"},
    "field.vulnerable": {"en": "Vulnerable persons?", "fr": "Personnes vulnérables ?"},
    "field.recovered": {"en": "Data recovered?", "fr": "Données récupérées ?"},
    "field.recovered_hint": {
        "en": "Yes if the data were retrieved, or a trusted recipient confirmed deleting them, "
        "before any misuse.",
        "fr": "Oui si les données ont été récupérées, ou leur effacement confirmé par un "
        "destinataire de confiance, avant tout usage abusif.",
    },
    "field.unknown": {"en": "Unknown", "fr": "Inconnu"},
    "field.yes": {"en": "Yes", "fr": "Oui"},
    "field.no": {"en": "No", "fr": "Non"},
    "field.notify_authority": {
        "en": "Notify the regulator ({authority})?",
        "fr": "Notifier l'autorité ({authority}) ?",
    },
    "field.notify_persons": {"en": "Notify the persons?", "fr": "Notifier les personnes ?"},
    "field.override_reason": {
        "en": "Why you decide otherwise",
        "fr": "Pourquoi vous décidez autrement",
    },
    "field.override_hint": {
        "en": "Required; kept in the timeline with the computed decision.",
        "fr": "Obligatoire ; conservé dans la chronologie avec la décision calculée.",
    },
    "field.reference": {"en": "Regulator's case reference", "fr": "Référence du dossier"},
    "field.reference_hint": {
        "en": "Optional: the number the regulator gave your notification.",
        "fr": "Facultatif : le numéro que l'autorité a donné à votre notification.",
    },
    "error.override_reason": {
        "en": "An override needs a reason: say why you decide otherwise.",
        "fr": "Un changement de décision exige une raison : dites pourquoi.",
    },
    "draft.title": {"en": "{ref} · draft {name}", "fr": "{ref} · brouillon {name}"},
    "draft.part": {"en": "part {n} of {total}", "fr": "partie {n} sur {total}"},
    "draft.missing_hint": {
        "en": "Each marker in the text is a missing fact; supply it, then draft again:",
        "fr": "Chaque marqueur dans le texte est un fait manquant ; fournissez-le puis "
        "relancez le brouillon :",
    },
    "draft.diff": {
        "en": "Changes since v{version}: {added} lines added, {removed} removed",
        "fr": "Changements depuis la v{version} : {added} lignes ajoutées, {removed} retirées",
    },
    "draft.files_follow": {
        "en": "The Markdown and Word files follow: {names}",
        "fr": "Les fichiers Markdown et Word suivent : {names}",
    },
    "draft.approved_already": {
        "en": "Approved by {who}.",
        "fr": "Approuvé par {who}.",
    },
    "draft.upload_failed": {
        "en": "Slack did not take the files of {name}; the draft is saved. Run /incident draft "
        "again to resend them (no new version is made if nothing changed).",
        "fr": "Slack n'a pas accepté les fichiers de {name} ; le brouillon est enregistré. "
        "Relancez /incident brouillon pour les renvoyer (sans nouvelle version si rien n'a "
        "changé).",
    },
    "snoozed": {
        "en": "Reminders for {item} of {ref} snoozed until {until}.",
        "fr": "Rappels de {item} pour {ref} suspendus jusqu'au {until}.",
    },
    "register.summary": {
        "en": "The register holds {n} incidents: {notified} notified to a regulator, "
        "{internal} documented internally only. The CSV is in your messages with the bot.",
        "fr": "Le registre compte {n} incidents : {notified} notifiés à une autorité, "
        "{internal} documentés en interne seulement. Le CSV est dans vos messages avec le bot.",
    },
    "register.comment": {
        "en": "The breach register (CSV), as of {at}.",
        "fr": "Le registre des violations (CSV), au {at}.",
    },
}

# The assessment's vocabulary (DESIGN.md) as the modal shows it: key.value -> (en, fr).
_VALUES: dict[str, tuple[str, str]] = {
    "data.contact": ("Contact details", "Coordonnées"),
    "data.identity": ("Identity (name, date of birth)", "Identité (nom, date de naissance)"),
    "data.identity_documents": ("Identity documents", "Pièces d'identité"),
    "data.financial": ("Financial (donations, bank, card)", "Financières (dons, banque, carte)"),
    "data.credentials": ("Passwords and credentials", "Mots de passe et identifiants"),
    "data.behavioural": ("Behavioural (habits, activity)", "Comportement (habitudes, activité)"),
    "data.location": ("Location", "Localisation"),
    "data.health": ("Health", "Santé"),
    "data.political": (
        "Political opinions (member, donor lists)",
        "Opinions politiques (membres, donateurs)",
    ),
    "data.religious": ("Religious beliefs", "Convictions religieuses"),
    "data.special_other": (
        "Other special categories (Art. 9)",
        "Autres catégories particulières (art. 9)",
    ),
    "data.children": ("Children's data", "Données d'enfants"),
    "data.employment": ("Employment", "Emploi"),
    "data.other": ("Other", "Autres"),
    "identifiable.negligible": ("Negligible", "Négligeable"),
    "identifiable.limited": ("Limited", "Limitée"),
    "identifiable.significant": ("Significant", "Importante"),
    "identifiable.full": ("Full (names, e-mails)", "Totale (noms, courriels)"),
    "confidentiality.none": ("Not affected", "Non atteinte"),
    "confidentiality.known_recipient": (
        "Known or trusted recipient",
        "Destinataire connu ou de confiance",
    ),
    "confidentiality.unknown_recipient": (
        "Unknown or many recipients",
        "Destinataires inconnus ou nombreux",
    ),
    "integrity.none": ("Not affected", "Non atteinte"),
    "integrity.recoverable": ("Altered, recoverable", "Altérée, récupérable"),
    "integrity.unrecoverable": ("Altered beyond recovery", "Altérée sans retour"),
    "availability.none": ("Not affected", "Non atteinte"),
    "availability.temporary": ("Temporarily lost", "Perdue temporairement"),
    "availability.permanent": ("Permanently lost", "Perdue définitivement"),
    "context.lower": ("Lower (public, trivial)", "Atténuant (public, anodin)"),
    "context.normal": ("Normal", "Normal"),
    "context.higher": ("Higher (reveals more)", "Aggravant (en révèle plus)"),
}
SLACK.update({f"value.{k}": {"en": en, "fr": fr} for k, (en, fr) in _VALUES.items()})


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

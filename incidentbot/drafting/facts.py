"""The facts a draft can use (:data:`FACTS`, with the command that supplies each), the kinds
of drafts, and the sentences derived from an assessment (data categories, consequences, advice)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from incidentbot.core.model import (
    pick,
)
from incidentbot.i18n import t

KINDS = ("press", "regulator", "notice", "staff", "vendor", "report")
LANGUAGES = ("en", "fr")
NEEDS_JURISDICTION = frozenset({"regulator"})
SUBMISSIONS = ("initial", "complementary")
"""Phased notification (GDPR Art. 33(4), Reg. s. 4, BSSR s. 2(2)): a regulator variant."""

SUFFIX = ".md.j2"
GUIDANCE_PREFIX = "> "

# Babel locales: en_GB joins lists without the serial comma ("a, b and c").
LOCALES = {"en": "en_GB", "fr": "fr"}
DATETIME_PATTERNS = {"en": "d MMMM y 'at' HH:mm", "fr": "d MMMM y 'à' H 'h' mm"}
DATE_PATTERN = "d MMMM y"
MARKERS = {"en": "[MISSING: {}]", "fr": "[À COMPLÉTER : {}]"}
PERIOD = {"en": "from {} to {}", "fr": "du {} au {}"}

# Names a template may use besides the facts: set by render() itself.
RENDER_NAMES = frozenset({"lang", "kind", "variant", "jurisdiction"})


Hint = str | tuple[str, Mapping[str, "Hint"]]
"""Where a fact comes from: a command or a setting (words the reader types), or a catalogue
sentence joining hints (``("hint.or", {"a": ..., "b": ...})``)."""

# The words of a hint's command as a French reader types them (core/commands/lexicon.py's aliases).
_FR_WORDS: Mapping[str, str] = {
    "fact": "élément", "measure": "mesure", "planned": "prévue", "assess": "évaluer",
    "aware": "connu", "notified": "notifié", "declare": "déclarer", "assign": "assigner",
    "draft": "brouillon", "timeline": "chronologie", "done": "fait", "persons": "personnes",
    "regulator": "autorité", "TEXT": "TEXTE", "WHEN": "QUAND", "WHEN[/WHEN]": "QUAND[/QUAND]",
    "JURISDICTION": "JURIDICTION", "KIND": "TYPE", "STEP": "ÉTAPE", "@user": "@personne", "KEY=VALUE": "CLÉ=VALEUR",
    "TITLE": "TITRE", "playbook=PLAYBOOK": "playbook=PROCÉDURE",
    "jurisdiction=...": "juridiction=...", "reference": "référence", "[reference]": "[référence]",
    "yes": "oui",
}  # fmt: skip


def hint_text(hint: Hint, lang: str) -> str:
    """A hint in the reader's language: a command with the words they type, a setting as it is
    written in the configuration, or a catalogue sentence joining hints."""
    if isinstance(hint, tuple):
        key, parts = hint
        return t(key, lang, **{name: hint_text(part, lang) for name, part in parts.items()})
    if lang == "fr" and hint.startswith("/incident "):
        return " ".join(_FR_WORDS.get(word, word) for word in hint.split(" "))
    return hint


DEADLINE_WORDS: dict[str, tuple[str, str]] = {
    # a deadline rule's kind (jurisdictions.yaml), worded for a letter: (en, fr)
    "hours": ("within {n} hours", "dans un délai de {n} heures"),
    "promptly": ("promptly", "avec diligence"),
    "as_soon_as_feasible": ("as soon as feasible", "dès que possible"),
    "without_undue_delay": ("without undue delay", "dans les meilleurs délais"),
}


@dataclass(frozen=True)
class Fact:
    name: str
    description: Mapping[str, str]
    hint: Hint

    def describe(self, lang: str) -> str:
        return pick(self.description, lang)

    @property
    def supplied_by(self) -> str:
        """The hint in English (the reader's language: :meth:`supplied`)."""
        return hint_text(self.hint, "en")

    def supplied(self, lang: str) -> str:
        return hint_text(self.hint, lang)


@dataclass(frozen=True)
class MissingFact:
    name: str
    description: str  # in the draft's language
    supplied_by: str
    title: Mapping[str, str] = field(default_factory=dict)  # the jurisdiction's own name

    def worded(self, lang: str) -> tuple[str, str]:
        """The fact's name and the command that supplies it, in the reader's language (the
        person typing the commands, not the draft's reader)."""
        fact = FACTS.get(self.name)
        if fact is None:
            return self.description, self.supplied_by
        return (pick(self.title, lang) if self.title else fact.describe(lang)), fact.supplied(lang)


@dataclass(frozen=True)
class Rendered:
    text: str
    template: str
    missing: tuple[MissingFact, ...]
    facts_used: frozenset[str]


def _set(key: str, value: str = "TEXT") -> str:
    """The command that stores a free fact of the incident (``incident.facts[key]``)."""
    return f"/incident fact {key} {value}"


_CATALOGUE: tuple[tuple[str, str, str, Hint], ...] = (
    ("incident_ref", "incident reference", "référence de l'incident", "/incident declare TITLE"),
    ("title", "title of the incident", "titre de l'incident", "/incident declare TITLE"),
    ("description", "description of what happened", "description des faits", _set("description")),
    ("playbook_title", "playbook followed", "procédure suivie", "/incident declare TITLE playbook=PLAYBOOK"),
    ("organization_name", "name of the organization", "nom de l'organisation",
     "config [organization] name"),
    ("organization_id", "organization number",
     "numéro d'identification de l'organisation",
     "config [organization] id"),
    ("organization_address", "postal address of the organization",
     "adresse postale de l'organisation", "config [organization] address"),
    ("organization_kind", "what the organization is (party, campaign, public body)",
     "nature de l'organisation (parti, campagne, organisme public)", "config [organization] kind"),
    ("party_files", "whether the files are a party's or a campaign's",
     "fichiers d'un parti ou d'une campagne", "config [organization] kind"),
    ("legal_representative", "legal representative", "représentant légal",
     "config [organization] legal_representative"),
    ("contact_name", "contact person", "personne à contacter", "config [organization] contact_name"),
    ("contact_email", "contact e-mail address", "courriel de la personne à contacter",
     "config [organization] contact_email"),
    ("contact_phone", "contact telephone number", "téléphone de la personne à contacter",
     "config [organization] contact_phone"),
    ("dpo_name", "data protection officer", "délégué à la protection des données",
     "config [organization] dpo_name"),
    ("dpo_email", "e-mail address of the data protection officer",
     "courriel du délégué à la protection des données", "config [organization] dpo_email"),
    ("lead_name", "incident lead", "responsable de l'incident", "/incident assign lead @user"),
    ("aware_at", "date the organization became aware", "date de prise de connaissance",
     "/incident aware WHEN"),
    ("detected_at", "date the incident was first detected", "date de première détection",
     _set("detected_at", "WHEN")),
    ("occurred_at", "date or period of the incident", "date ou période de l'incident",
     _set("occurred_at", "WHEN[/WHEN]")),
    ("declared_at", "date the incident was declared", "date de déclaration de l'incident",
     "/incident declare TITLE"),
    ("today", "date of the draft", "date du projet", ("hint.clock", {})),
    ("timezone", "time zone of the times shown", "fuseau horaire des heures indiquées",
     ("hint.or_env", {"setting": "config timezone", "env": "INCIDENTBOT_TZ"})),
    ("jurisdiction_name", "jurisdiction", "juridiction", "/incident draft KIND JURISDICTION"),
    ("authority", "regulator (short name)", "autorité de contrôle (sigle)",
     "playbooks/jurisdictions.yaml authority"),
    ("authority_name", "regulator", "autorité de contrôle",
     "playbooks/jurisdictions.yaml authority_name"),
    ("authority_contact", "regulator's address for notices", "coordonnées de l'autorité",
     "playbooks/jurisdictions.yaml contact"),
    ("law", "applicable law", "loi applicable", "playbooks/jurisdictions.yaml law"),
    ("data_categories", "categories of personal data", "catégories de données personnelles",
     "/incident assess data=contact,financial,..."),
    ("special_category", "whether special-category data are involved",
     "présence de données sensibles", "/incident assess data=..."),
    ("persons_count", "number of persons affected", "nombre de personnes concernées",
     "/incident assess persons=N"),
    ("persons_in_quebec", "number of persons residing in Québec",
     "nombre de personnes concernées résidant au Québec", _set("persons_in_quebec", "N")),
    ("records_count", "number of records affected", "nombre d'enregistrements concernés",
     "/incident assess records=N"),
    ("circumstances", "circumstances of the incident", "circonstances de l'incident",
     _set("description")),
    ("cause", "cause of the incident", "cause de l'incident", _set("cause")),
    ("consequences", "likely consequences for the persons",
     "conséquences probables pour les personnes", ("hint.and_score", {"command": "/incident assess data=..."})),
    ("risk_elements", "elements of the risk assessment", "éléments d'appréciation du risque",
     "/incident assess KEY=VALUE"),
    ("severity_band", "severity level", "niveau de gravité", "/incident assess KEY=VALUE"),
    ("severity_explain", "severity calculation", "calcul de la gravité", "/incident assess KEY=VALUE"),
    ("measures_taken", "measures taken", "mesures prises", "/incident measure TEXT"),
    ("measures_planned", "measures planned", "mesures prévues", "/incident measure planned TEXT"),
    ("authority_statements", "what may be said about notifying the regulators",
     "ce qui peut être dit de la notification aux autorités",
     ("hint.and", {"a": "/incident assess KEY=VALUE", "b": "/incident notified JURISDICTION"})),
    ("persons_statement", "what may be said about telling the persons",
     "ce qui peut être dit de l'information des personnes",
     ("hint.and", {"a": "/incident assess KEY=VALUE", "b": "/incident notified JURISDICTION persons"})),
    ("other_authorities", "other regulators already notified", "autres autorités déjà notifiées",
     "/incident notified JURISDICTION"),
    ("no_breach", "whether no breach occurred", "absence de violation",
     "/incident assess confidentiality=none integrity=none availability=none"),
    ("steps_record", "steps done or skipped, with their notes (internal)",
     "étapes faites ou passées, avec leurs notes (interne)", "/incident done STEP note"),
    ("persons_notification", "notice to the persons (decision and date)",
     "information des personnes (décision et date)",
     ("hint.decision_and", {"assess": "/incident assess KEY=VALUE", "fact": _set("persons_notified_at", "WHEN")})),
    ("persons_advice", "what the persons can do", "mesures conseillées aux personnes",
     ("hint.or", {"a": "/incident assess data=...", "b": _set("persons_advice")})),
    ("others_informed", "other persons or bodies informed", "autres personnes ou organismes avisés",
     _set("others_informed")),
    ("notified_at", "date the regulator was notified", "date de la notification à l'autorité",
     "/incident notified JURISDICTION [reference]"),
    ("authority_reference", "regulator's case reference", "numéro de dossier de l'autorité",
     "/incident notified JURISDICTION reference"),
    ("overdue", "whether the legal deadline has passed", "dépassement du délai légal",
     "/incident aware WHEN"),
    ("delay_reasons", "reasons for the delay", "motifs du retard", _set("delay_reasons")),
    ("submission", "initial or complementary notification",
     "notification initiale ou complémentaire",
     "/incident draft regulator JURISDICTION [initial|complementary]"),
    ("notify_deadline", "how soon the regulator must be told", "délai pour aviser l'autorité",
     "playbooks/jurisdictions.yaml deadline"),
    ("voluntary", "voluntary notice (the decision in force is not to notify)",
     "avis volontaire (la décision en vigueur est de ne pas notifier)",
     "/incident assess KEY=VALUE"),
    ("decisions", "notification decisions and their reasons",
     "décisions de notification et leurs motifs", "/incident assess KEY=VALUE"),
    ("timeline", "timeline of the incident", "chronologie de l'incident", "/incident timeline"),
    ("letterhead", "letterhead", "en-tête", "config [organization] letterhead"),
    ("signature", "signature block", "bloc de signature", "config [organization] signature"),
    ("press_contact", "press contact", "contact presse", "config [organization] press_contact"),
    ("vendor_name", "name of the vendor or processor", "nom du prestataire ou sous-traitant",
     _set("vendor_name")),
    ("rental_purpose", "use for which the file was rented", "usage pour lequel le fichier a été loué",
     _set("rental_purpose")),
    ("staff_involvement", "staff involvement and their data-protection training",
     "implication du personnel et sa formation", _set("staff_involvement")),
    ("complaint_process", "how to complain to the organization",
     "procédure de plainte auprès de l'organisation", "config [organization] contact_complaint_process"),
    ("lessons", "what changes after the incident", "ce qui change après l'incident",
     _set("lessons")),
    ("election_silence_starts", "start of the electoral silence period",
     "début de la période de réserve électorale", _set("election_silence_starts", "WHEN")),
    ("in_silence", "whether the electoral silence period has started",
     "période de réserve électorale commencée", _set("election_silence_starts", "WHEN")),
    ("jurisdiction_ids", "jurisdictions of the incident", "juridictions de l'incident",
     "/incident declare TITLE jurisdiction=..."),
    ("statutory_note", "who the law binds in this jurisdiction",
     "à qui la loi s'applique dans cette juridiction", "playbooks/jurisdictions.yaml statutory_note"),
    ("hack_and_leak", "whether documents were stolen and published",
     "documents volés et publiés", ("hint.playbook_or", {"command": _set("hack_and_leak", "yes")})),
)  # fmt: skip

FACTS: Mapping[str, Fact] = {
    name: Fact(name, {"en": en, "fr": fr}, supplied_by) for name, en, fr, supplied_by in _CATALOGUE
}

# --- wording derived from the assessment: labels, consequences, advice (en, fr) -------------

DATA_LABELS: Mapping[str, tuple[str, str]] = {
    "contact": ("contact details (name, address, e-mail, telephone)",
                "coordonnées (nom, adresse, courriel, téléphone)"),
    "identity": ("identification data (such as date of birth)",
                 "données d'identification (telles que la date de naissance)"),
    "identity_documents": ("identity documents", "pièces d'identité"),
    "financial": ("financial data (donations, payment details)",
                  "données financières (dons, moyens de paiement)"),
    "credentials": ("login credentials", "identifiants de connexion"),
    "behavioural": ("behavioural data", "données comportementales"),
    "location": ("location data", "données de localisation"),
    "health": ("health data", "données de santé"),
    "political": ("data revealing political opinions (support, membership or donations)",
                  "données révélant des opinions politiques (soutien, adhésion ou dons)"),
    "religious": ("data revealing religious or philosophical beliefs",
                  "données révélant des convictions religieuses ou philosophiques"),
    "special_other": ("other special-category data", "autres données sensibles"),
    "children": ("data about children", "données concernant des enfants"),
    "employment": ("employment data", "données professionnelles"),
    "other": ("other personal data", "autres données personnelles"),
}  # fmt: skip
SPECIAL = frozenset({"political", "religious", "health", "special_other"})
ORGANIZATION_KINDS = ("party", "campaign", "public_body", "other")
"""What the organisation is (``[organization] kind``): a party or a campaign keeps files that
reveal political support; a public body (a Région, a city) or another organisation does not, and
its notices never speak of "your support"."""
NEUTRAL_LABELS: Mapping[str, tuple[str, str]] = {
    "political": ("data revealing political opinions", "données révélant des opinions politiques"),
}
"""Labels for an organisation that is not a party or a campaign (``[organization] kind``)."""

CONSEQUENCES: Mapping[str, tuple[str, str]] = {
    "contact": ("Unwanted contact, phishing or scams using the contact details",
                "Sollicitations non désirées, hameçonnage ou escroqueries à partir des "
                "coordonnées"),
    "identity": ("Identity theft or fraud", "Usurpation d'identité ou fraude"),
    "identity_documents": ("Identity theft or fraud", "Usurpation d'identité ou fraude"),
    "financial": ("Financial loss or fraud", "Pertes financières ou fraude"),
    "credentials": ("Takeover of online accounts", "Prise de contrôle de comptes en ligne"),
    "behavioural": ("Profiling or targeted manipulation", "Profilage ou manipulation ciblée"),
    "location": ("Risks to physical safety", "Atteintes à la sécurité physique"),
    "health": ("Disclosure of health information and possible discrimination",
               "Divulgation d'informations de santé et risque de discrimination"),
    "political": ("Disclosure of political opinions, with a risk of discrimination, pressure "
                  "or damage to reputation",
                  "Divulgation d'opinions politiques, avec un risque de discrimination, de "
                  "pressions ou d'atteinte à la réputation"),
    "religious": ("Disclosure of beliefs and possible discrimination",
                  "Divulgation de convictions et risque de discrimination"),
    "special_other": ("Disclosure of sensitive information and possible discrimination",
                      "Divulgation d'informations sensibles et risque de discrimination"),
    "children": ("Harm to children, who are more vulnerable",
                 "Préjudice pour des enfants, plus vulnérables"),
    "employment": ("Damage to professional opportunities",
                   "Atteinte aux perspectives professionnelles"),
}  # fmt: skip

BANDS: Mapping[str, tuple[str, str, str, str]] = {
    # ENISA severity levels (ENISA 2013 methodology, section 5): label en, label fr, meaning en, meaning fr
    "low": ("low", "faible",
            "The people concerned are unlikely to be affected, or only by minor "
            "inconveniences.",
            "Les personnes concernées ne devraient pas être affectées, ou seulement par des "
            "désagréments mineurs."),
    "medium": ("medium", "moyenne",
               "The people concerned may face significant inconveniences that they can "
               "overcome with some difficulty.",
               "Les personnes concernées peuvent subir des désagréments importants, qu'elles "
               "pourront surmonter avec quelques difficultés."),
    "high": ("high", "élevée",
             "The people concerned may face significant consequences that they should "
             "overcome, but with serious difficulty.",
             "Les personnes concernées peuvent subir des conséquences importantes, qu'elles "
             "devraient surmonter, mais avec de sérieuses difficultés."),
    "very_high": ("very high", "très élevée",
                  "The people concerned may face significant, even irreversible, consequences "
                  "that they may not overcome.",
                  "Les personnes concernées peuvent subir des conséquences importantes, voire "
                  "irréversibles, qu'elles pourraient ne pas surmonter."),
}  # fmt: skip

ADVICE: Mapping[str, tuple[str, str]] = {
    "contact": ("Be wary of messages or calls that mention us or your support and ask for "
                "personal or bank details; do not open links or attachments you did not expect.",
                "Méfiez-vous des messages ou appels qui nous mentionnent ou évoquent votre "
                "soutien et vous demandent des informations personnelles ou bancaires ; "
                "n'ouvrez pas de lien ni de pièce jointe inattendus."),
    "financial": ("Check your bank and card statements and tell your bank at once about any "
                  "payment you do not recognise.",
                  "Surveillez vos relevés bancaires et de carte, et signalez sans attendre à "
                  "votre banque toute opération que vous ne reconnaissez pas."),
    "credentials": ("Change your password for this service and anywhere you used the same "
                    "one, and turn on two-step verification.",
                    "Changez votre mot de passe pour ce service et partout où vous l'avez "
                    "réutilisé, et activez la validation en deux étapes."),
    "identity": ("Watch for signs of identity theft, such as mail about accounts or loans "
                 "you did not request.",
                 "Soyez attentif aux signes d'usurpation d'identité, comme un courrier "
                 "concernant un compte ou un crédit que vous n'avez pas demandé."),
    "political": ("If someone contacts you about your political support in a way that worries "
                  "you, tell us and, if needed, the police.",
                  "Si quelqu'un vous contacte au sujet de votre engagement politique d'une "
                  "manière qui vous inquiète, prévenez-nous et, au besoin, la police."),
}  # fmt: skip
ADVICE = {**ADVICE, "identity_documents": ADVICE["identity"]}
NEUTRAL_ADVICE: Mapping[str, tuple[str, str]] = {
    "contact": ("Be wary of messages or calls that mention us and ask for personal or bank "
                "details; do not open links or attachments you did not expect.",
                "Méfiez-vous des messages ou appels qui nous mentionnent et vous demandent des "
                "informations personnelles ou bancaires ; n'ouvrez pas de lien ni de pièce "
                "jointe inattendus."),
    "political": ("If someone contacts you about your political opinions in a way that worries "
                  "you, tell us and, if needed, the police.",
                  "Si quelqu'un vous contacte au sujet de vos opinions politiques d'une manière "
                  "qui vous inquiète, prévenez-nous et, au besoin, la police."),
}  # fmt: skip
"""Advice for an organisation that is not a party or a campaign: nobody's "support"."""

LIKELIHOOD: Mapping[tuple[str, str], tuple[str, str]] = {
    ("confidentiality", "unknown_recipient"): (
        "the data were exposed to unknown recipients",
        "les données ont été exposées à des destinataires inconnus"),
    ("confidentiality", "known_recipient"): (
        "the data reached an identified recipient",
        "les données ont été transmises à un destinataire identifié"),
    ("malicious", "yes"): ("the incident results from a deliberate act",
                           "l'incident résulte d'un acte malveillant"),
    ("encrypted", "no"): ("the data were not encrypted", "les données n'étaient pas chiffrées"),
    ("encrypted", "yes"): ("the data were encrypted and the key was not compromised",
                           "les données étaient chiffrées et la clé n'a pas été compromise"),
    ("identifiable", "full"): ("the persons are directly identifiable",
                               "les personnes sont directement identifiables"),
    ("identifiable", "significant"): ("the persons are easily identifiable",
                                      "les personnes sont facilement identifiables"),
    ("recovered", "yes"): ("the data were recovered or deleted before any misuse",
                           "les données ont été récupérées ou supprimées avant tout usage"),
}  # fmt: skip
SCORE = ("severity score (ENISA method): {}", "score de gravité (méthode ENISA) : {}")
SENSITIVE = (
    "the data reveal political opinions or other special-category data",
    "les données révèlent des opinions politiques ou d'autres données sensibles",
)

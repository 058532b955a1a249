"""Drafts: the letters, notices and statements of an incident, rendered from Jinja2 templates.

Why it is built this way:

- Templates render in Jinja2's ``SandboxedEnvironment`` with autoescape off (the output is
  Markdown text, not HTML). Facts are *values*: text a user typed (``{{ 7*7 }}``, ``<!channel>``)
  is printed as it is and never rendered again.
- A fact the incident does not hold is never printed blank. :class:`MarkerUndefined` prints a
  visible marker (``[MISSING: number of persons affected]`` /
  ``[À COMPLÉTER : nombre de personnes concernées]``) and records the fact, so the result lists
  what is missing and the command that supplies it. A value that is present but ``None`` or ``""``
  counts as missing; an empty list prints the marker where the template passes it through
  ``required``, ``list`` or ``number``.
- Notes for the author are Markdown lines starting with ``> ``: visible, clearly marked, and
  removed in one go with :func:`strip_guidance`.
- Template lookup goes through a list of folders, the campaign's own first, so a campaign can
  override any template or add a variant without touching code.

The catalogue of facts lives here (:data:`FACTS`) because ``templates check`` and the missing
list both need it; the wording of the drafts lives in ``templates/``.
"""

from __future__ import annotations

import contextvars
import difflib
import hashlib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import docx
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from dateutil.parser import isoparse
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from jinja2 import (
    ChainableUndefined,
    FileSystemLoader,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment

from incidentbot.core.model import (
    Incident,
    Jurisdiction,
    Playbook,
    Step,
    StepStatus,
    TimelineEvent,
    pick,
)
from incidentbot.errors import ConfigError, UsageError

KINDS = ("press", "regulator", "notice", "staff", "vendor", "report")
LANGUAGES = ("en", "fr")
NEEDS_JURISDICTION = frozenset({"regulator"})
SUBMISSIONS = ("initial", "complementary")
"""Phased notification (GDPR Art. 33(4), Reg. s. 4, BSSR s. 2(2)): a regulator variant."""

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SUFFIX = ".md.j2"
GUIDANCE_PREFIX = "> "

# Babel locales: en_GB joins lists without the serial comma ("a, b and c").
_LOCALES = {"en": "en_GB", "fr": "fr"}
_DATETIME_PATTERNS = {"en": "d MMMM y 'at' HH:mm", "fr": "d MMMM y 'à' H 'h' mm"}
_DATE_PATTERN = "d MMMM y"
_MARKERS = {"en": "[MISSING: {}]", "fr": "[À COMPLÉTER : {}]"}
_PERIOD = {"en": "from {} to {}", "fr": "du {} au {}"}

# Names a template may use besides the facts: set by render() itself.
RENDER_NAMES = frozenset({"lang", "kind", "variant", "jurisdiction"})


@dataclass(frozen=True)
class Fact:
    name: str
    description: Mapping[str, str]
    supplied_by: str

    def describe(self, lang: str) -> str:
        return pick(self.description, lang)


@dataclass(frozen=True)
class MissingFact:
    name: str
    description: str
    supplied_by: str


@dataclass(frozen=True)
class Rendered:
    text: str
    template: str
    missing: tuple[MissingFact, ...]
    facts_used: frozenset[str]


def _set(key: str, value: str = "TEXT") -> str:
    """The command that stores a free fact of the incident (``incident.facts[key]``)."""
    return f"/incident fact {key} {value}"


_CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    ("incident_ref", "incident reference", "référence de l'incident", "/incident declare"),
    ("title", "title of the incident", "titre de l'incident", "/incident declare [title]"),
    ("description", "description of what happened", "description des faits", _set("description")),
    ("playbook_title", "playbook followed", "procédure suivie", "/incident declare (playbook)"),
    ("organization_name", "name of the organization", "nom de l'organisation",
     "config [organization] name"),
    ("organization_id", "organization number (SIREN in France, NEQ in Québec)",
     "numéro d'identification (SIREN en France, NEQ au Québec)",
     "config [organization] id (or [organization.ids] fr=..., qc=...)"),
    ("organization_address", "postal address of the organization",
     "adresse postale de l'organisation", "config [organization] address"),
    ("legal_representative", "legal representative", "représentant légal",
     "config [organization] legal_representative"),
    ("contact_name", "contact person", "personne à contacter", "config [contact] name"),
    ("contact_email", "contact e-mail address", "courriel de la personne à contacter",
     "config [contact] email"),
    ("contact_phone", "contact telephone number", "téléphone de la personne à contacter",
     "config [contact] phone"),
    ("dpo_name", "data protection officer", "délégué à la protection des données",
     "config [dpo] name"),
    ("dpo_email", "e-mail address of the data protection officer",
     "courriel du délégué à la protection des données", "config [dpo] email"),
    ("lead_name", "incident lead", "responsable de l'incident", "/incident assign lead @user"),
    ("aware_at", "date the organization became aware", "date de prise de connaissance",
     "/incident aware WHEN"),
    ("detected_at", "date the incident was first detected", "date de première détection",
     _set("detected_at", "WHEN")),
    ("occurred_at", "date or period of the incident", "date ou période de l'incident",
     _set("occurred_at", "WHEN[/WHEN]")),
    ("declared_at", "date the incident was declared", "date de déclaration de l'incident",
     "/incident declare"),
    ("today", "date of the draft", "date du projet", "the clock"),
    ("timezone", "time zone of the times shown", "fuseau horaire des heures indiquées",
     "INCIDENTBOT_TZ"),
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
     _set("description") + " and /incident note TEXT"),
    ("cause", "cause of the incident", "cause de l'incident", _set("cause")),
    ("consequences", "likely consequences for the persons",
     "conséquences probables pour les personnes", "/incident assess data=... (and the score)"),
    ("risk_elements", "elements of the risk assessment", "éléments d'appréciation du risque",
     "/incident assess"),
    ("severity_band", "severity level", "niveau de gravité", "/incident assess"),
    ("severity_explain", "severity calculation", "calcul de la gravité", "/incident assess"),
    ("measures_taken", "measures taken", "mesures prises", "/incident done STEP note"),
    ("measures_planned", "measures planned", "mesures prévues", "the playbook's open steps"),
    ("persons_notification", "notice to the persons (decision and date)",
     "information des personnes (décision et date)",
     "/incident assess (decision) and " + _set("persons_notified_at", "WHEN")),
    ("persons_advice", "what the persons can do", "mesures conseillées aux personnes",
     "/incident assess data=... or " + _set("persons_advice")),
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
    ("decisions", "notification decisions and their reasons",
     "décisions de notification et leurs motifs", "/incident assess"),
    ("timeline", "timeline of the incident", "chronologie de l'incident", "/incident timeline"),
    ("letterhead", "letterhead", "en-tête", "config [letterhead]"),
    ("signature", "signature block", "bloc de signature", "config [signature]"),
    ("press_contact", "press contact", "contact presse", "config [press] contact"),
    ("vendor_name", "name of the vendor or processor", "nom du prestataire ou sous-traitant",
     _set("vendor_name")),
    ("staff_involvement", "staff involvement and their data-protection training",
     "implication du personnel et sa formation", _set("staff_involvement")),
    ("complaint_process", "how to complain to the organization",
     "procédure de plainte auprès de l'organisation", "config [contact] complaint_process"),
    ("lessons", "what changes after the incident", "ce qui change après l'incident",
     _set("lessons")),
    ("election_silence_starts", "start of the electoral silence period",
     "début de la période de réserve électorale", _set("election_silence_starts", "WHEN")),
    ("hack_and_leak", "whether documents were stolen and published",
     "documents volés et publiés", "the playbook, or " + _set("hack_and_leak", "yes")),
)  # fmt: skip

FACTS: Mapping[str, Fact] = {
    name: Fact(name, {"en": en, "fr": fr}, supplied_by) for name, en, fr, supplied_by in _CATALOGUE
}

# --- wording derived from the assessment: labels, consequences, advice (en, fr) -------------

_DATA_LABELS: Mapping[str, tuple[str, str]] = {
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
_SPECIAL = frozenset({"political", "religious", "health", "special_other"})

_CONSEQUENCES: Mapping[str, tuple[str, str]] = {
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

_BANDS: Mapping[str, tuple[str, str, str, str]] = {
    # ENISA severity levels (severity.md §5): label en, label fr, meaning en, meaning fr
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

_ADVICE: Mapping[str, tuple[str, str]] = {
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
_ADVICE = {**_ADVICE, "identity_documents": _ADVICE["identity"]}

_LIKELIHOOD: Mapping[tuple[str, str], tuple[str, str]] = {
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
_SCORE = ("severity score (ENISA method): {}", "score de gravité (méthode ENISA) : {}")
_SENSITIVE = (
    "the data reveal political opinions or other special-category data",
    "les données révèlent des opinions politiques ou d'autres données sensibles",
)


# --- missing facts ---------------------------------------------------------------------------


@dataclass
class _State:
    lang: str
    tz: tzinfo
    missing: dict[str, MissingFact] = field(default_factory=dict)


_STATE: contextvars.ContextVar[_State | None] = contextvars.ContextVar("_STATE", default=None)


def _marker(name: str) -> str:
    """The visible marker for a missing fact, recorded in the current render."""
    state = _STATE.get()
    lang = state.lang if state else "en"
    fact = FACTS.get(name)
    description = fact.describe(lang) if fact else name
    if state is not None and name not in state.missing:
        supplied = fact.supplied_by if fact else ""
        state.missing[name] = MissingFact(name, description, supplied)
    return _MARKERS.get(lang, _MARKERS["en"]).format(description)


class MarkerUndefined(ChainableUndefined):
    """An undefined fact: prints its marker (and records it) instead of an empty string.

    ``{% if fact %}`` stays false without recording anything, so optional facts cost nothing.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return _marker(self._undefined_name or "?")


class FactList(list[Any]):
    """A list-valued fact that knows its name, so an empty one prints its marker."""

    def __init__(self, name: str, items: Any = ()):
        super().__init__(items)
        self.fact = name


def _missing_name(value: Any) -> str | None:
    if isinstance(value, MarkerUndefined):
        return value._undefined_name or "?"
    if isinstance(value, FactList) and not value:
        return value.fact
    if value is None or value == "":
        return "?"
    return None


# --- filters ---------------------------------------------------------------------------------


def _state() -> _State:
    return _STATE.get() or _State("en", UTC)


def _as_datetime(value: Any) -> datetime | date | str:
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    if "/" in text:
        return text
    try:
        return date.fromisoformat(text) if len(text) == 10 else isoparse(text)
    except ValueError:
        return text  # free text such as "early November 2017": printed as given


def _format_when(value: Any, *, time: bool) -> str:
    state = _state()
    locale = _LOCALES.get(state.lang, "en_GB")
    when = _as_datetime(value)
    if isinstance(when, datetime):
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        if not time:
            return format_date(when.astimezone(state.tz).date(), _DATE_PATTERN, locale=locale)
        pattern = _DATETIME_PATTERNS.get(state.lang, _DATETIME_PATTERNS["en"])
        return format_datetime(when, pattern, tzinfo=state.tz, locale=locale)
    if isinstance(when, date):
        return format_date(when, _DATE_PATTERN, locale=locale)
    return when


def date_filter(value: Any, time: bool = True) -> str:
    """A date, a datetime, an ISO string or a period ``{start, end}``, in the reader's language."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    value = _when(value)
    if isinstance(value, Mapping) and "start" in value:
        start, end = value.get("start"), value.get("end")
        if not end:
            return _format_when(start, time=time)
        template = _PERIOD.get(_state().lang, _PERIOD["en"])
        return template.format(_format_when(start, time=time), _format_when(end, time=time))
    return _format_when(value, time=time)


def number_filter(value: Any) -> str:
    """A whole or decimal number in the reader's language ("1 234" in French)."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(value, locale=_LOCALES.get(_state().lang, "en_GB"))


def list_filter(value: Any) -> str:
    """Items joined for the language: "a, b and c" / "a, b et c"."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    if isinstance(value, str):
        return value
    items = [str(item) for item in value]
    return format_list(items, locale=_LOCALES.get(_state().lang, "en_GB"))


def required_filter(value: Any) -> list[Any]:
    """A list to loop over: the items, or the one marker when the fact is missing or empty."""
    name = _missing_name(value)
    if name is not None:
        return [str(value) if isinstance(value, MarkerUndefined) else _marker(name)]
    if isinstance(value, str):
        return [value]
    return list(value)


# --- the context -----------------------------------------------------------------------------


def _yes(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"yes", "true", "1", "oui", "y"}


def _flag(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().lower()


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(" ", "").replace(",", "")
    return int(text) if text.isdigit() else None


def _text_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item not in (None, "")]


def _when(value: Any) -> Any:
    """A fact typed as a date: a datetime, a date, a ``{start, end}`` period, or free text."""
    if value is None or value == "" or isinstance(value, datetime | date | Mapping):
        return value
    if isinstance(value, list | tuple) and len(value) == 2:
        return {"start": _as_datetime(value[0]), "end": _as_datetime(value[1])}
    text = str(value)
    if "/" in text:
        start, end = (part.strip() for part in text.split("/", 1))
        parsed = (_as_datetime(start), _as_datetime(end))
        if not any(isinstance(p, str) for p in parsed):
            return {"start": parsed[0], "end": parsed[1]}
    return _as_datetime(text)


def _localised(value: Any, lang: str) -> Any:
    return pick(value, lang) if isinstance(value, Mapping) else value


def _data_keys(assessment: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> list[str]:
    inputs = (assessment or {}).get("inputs") or {}
    raw = inputs.get("data", facts.get("data"))
    if isinstance(raw, str):
        return [key.strip() for key in raw.split(",") if key.strip()]
    return [str(key) for key in raw or ()]


def build_context(
    *,
    incident: Incident,
    steps: Sequence[Step],
    events: Sequence[TimelineEvent],
    assessment: Mapping[str, Any] | None,
    decisions: Sequence[Mapping[str, Any]],
    jurisdiction: Jurisdiction | None,
    playbook: Playbook | None,
    notifications: Mapping[str, Mapping[str, Any]],
    config: Mapping[str, Any],
    lang: str,
    tz: tzinfo,
    now: datetime,
) -> dict[str, Any]:
    """The facts of one incident, for one jurisdiction and language; ``None`` where unknown.

    ``notifications`` maps a jurisdiction id to ``{"notified_at", "reference", ...}``; a
    ``notified_at`` makes the regulator letter a complementary notification.
    ``config`` holds ``organization`` (name, id or ids, address, legal_representative),
    ``contact`` (name, email, phone), ``dpo`` (name, email), ``press`` (contact), and
    ``letterhead`` / ``signature`` (text, or ``{en, fr}``).
    """
    i = 0 if lang == "en" else 1
    facts = incident.facts
    inputs = (assessment or {}).get("inputs") or {}
    jid = jurisdiction.id if jurisdiction else None
    org = config.get("organization") or {}
    contact = config.get("contact") or {}
    dpo = config.get("dpo") or {}
    press = config.get("press") or {}

    keys = _data_keys(assessment, facts)
    band = str((assessment or {}).get("band") or "")
    consequences = _text_list(facts.get("consequences")) or [
        _CONSEQUENCES[k][i] for k in dict.fromkeys(keys) if k in _CONSEQUENCES
    ]
    if consequences and band in _BANDS:
        consequences.append(_BANDS[band][2 + i])

    flags = [(k, _flag(v)) for k, v in inputs.items()]
    risk = [_LIKELIHOOD[flag][i] for flag in flags if flag in _LIKELIHOOD]
    if _SPECIAL & set(keys):
        risk.insert(0, _SENSITIVE[i])
    explain = (assessment or {}).get("explain") or (assessment or {}).get("explanation")
    risk.extend(_SCORE[i].format(line) for line in _text_list(explain))

    advice = _text_list(facts.get("persons_advice")) or [
        _ADVICE[k][i] for k in dict.fromkeys(keys) if k in _ADVICE
    ]

    notes = [e.text for e in events if e.kind == "note" and e.text]
    description = facts.get("description")
    circumstances = "\n\n".join(_text_list(description or incident.title) + notes)

    notification = notifications.get(jid or "", {}) if jid else {}
    notified_at = _when(notification.get("notified_at"))
    submission = "complementary" if notified_at else "initial"
    overdue = False
    if jurisdiction is not None and jurisdiction.deadline.kind == "hours":
        start = getattr(incident, jurisdiction.deadline.start, None) or incident.aware_at
        if start is not None and jurisdiction.deadline.hours is not None:
            due = start + timedelta(hours=jurisdiction.deadline.hours)
            sent = notified_at if isinstance(notified_at, datetime) else now
            overdue = sent > due

    shaped = [_decision(d) for d in decisions]
    mine = [d for d in shaped if d["jurisdiction"] == jid] if jid else shaped
    persons_notification = None
    persons_at = _when(facts.get("persons_notified_at"))
    if mine or persons_at:
        persons_notification = {
            "decision": bool(persons_at) or any(d["persons"] for d in mine),
            "notified_at": persons_at,
            "planned": facts.get("persons_notice_planned"),
            "exception": facts.get("persons_exception"),
        }

    hack = _yes(facts.get("hack_and_leak"))
    if hack is None and playbook is not None:
        hack = playbook.id.replace("-", "_").startswith("hack_and_leak")

    return {
        "incident_ref": incident.ref,
        "title": incident.title,
        "description": description,
        "playbook_title": pick(playbook.title, lang) if playbook else None,
        "organization_name": _localised(org.get("name"), lang),
        "organization_id": (org.get("ids") or {}).get(jid) or org.get("id"),
        "organization_address": _localised(org.get("address"), lang),
        "legal_representative": org.get("legal_representative"),
        "contact_name": contact.get("name"),
        "contact_email": contact.get("email"),
        "contact_phone": contact.get("phone"),
        "dpo_name": dpo.get("name"),
        "dpo_email": dpo.get("email"),
        "lead_name": facts.get("lead_name") or incident.roles.get("lead") or incident.lead,
        "aware_at": incident.aware_at,
        "detected_at": incident.detected_at or _when(facts.get("detected_at")),
        "occurred_at": _when(facts.get("occurred_at")),
        "declared_at": incident.declared_at,
        "today": now,
        "timezone": getattr(tz, "key", None) or str(tz),
        "jurisdiction_name": pick(jurisdiction.name, lang) if jurisdiction else None,
        "authority": jurisdiction.authority if jurisdiction else None,
        "authority_name": pick(jurisdiction.authority_name, lang) if jurisdiction else None,
        "authority_contact": _text_list(list(jurisdiction.contact.values()))
        if jurisdiction
        else [],
        "law": pick(jurisdiction.law, lang) if jurisdiction else None,
        "data_categories": [_DATA_LABELS.get(k, (k, k))[i] for k in keys],
        "special_category": bool(_SPECIAL & set(keys)) if keys else None,
        "persons_count": _count(inputs.get("persons", facts.get("persons"))),
        "persons_in_quebec": _count(facts.get("persons_in_quebec")),
        "records_count": _count(inputs.get("records", facts.get("records"))),
        "circumstances": circumstances,
        "cause": facts.get("cause"),
        "consequences": consequences,
        "risk_elements": risk,
        "severity_band": _BANDS[band][i] if band in _BANDS else None,
        "severity_explain": "; ".join(_text_list(explain)) or None,
        "measures_taken": [
            s.note or pick(s.definition.title, lang) for s in steps if s.status is StepStatus.DONE
        ],
        "measures_planned": [pick(s.definition.title, lang) for s in steps if s.is_open],
        "persons_notification": persons_notification,
        "persons_advice": advice,
        "others_informed": _text_list(facts.get("others_informed")),
        "notified_at": notified_at,
        "authority_reference": notification.get("reference"),
        "overdue": overdue,
        "delay_reasons": facts.get("delay_reasons"),
        "submission": submission,
        "decisions": shaped,
        "timeline": [
            {"at": e.at, "actor": e.actor, "kind": e.kind, "text": e.text} for e in events
        ],
        "letterhead": _localised(config.get("letterhead"), lang),
        "signature": _localised(config.get("signature"), lang),
        "press_contact": _localised(press.get("contact"), lang),
        "vendor_name": facts.get("vendor_name"),
        "staff_involvement": facts.get("staff_involvement"),
        "complaint_process": _localised(contact.get("complaint_process"), lang),
        "lessons": facts.get("lessons"),
        "election_silence_starts": _when(facts.get("election_silence_starts")),
        "hack_and_leak": hack,
        "_tz": tz,
    }


def _decision(raw: Mapping[str, Any]) -> dict[str, Any]:
    override = raw.get("override") or {}
    return {
        "jurisdiction": raw.get("jurisdiction"),
        "authority": bool(raw.get("authority")),
        "persons": bool(raw.get("persons")),
        "rule": raw.get("rule") or "",
        "override_by": override.get("by"),
        "override_reason": override.get("reason"),
    }


def default_language(kind: str, jurisdiction: Jurisdiction | None, incident_lang: str) -> str:
    """The regulator's language for its letter (and for notices there); else the incident's."""
    if jurisdiction is not None and kind in ("regulator", "notice"):
        return jurisdiction.language
    return incident_lang


# --- rendering -------------------------------------------------------------------------------


class _AnyName(dict[str, Any]):
    """Filters or tests for analysis only: every name counts as known, so that
    ``meta.find_undeclared_variables`` lists the facts of a template that also uses an unknown
    filter (``check_templates`` reports that filter on its own)."""

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, str)


def _analysis_environment(dirs: Sequence[Path]) -> SandboxedEnvironment:
    env = _environment(dirs)
    env.filters = _AnyName(env.filters)
    env.tests = _AnyName(env.tests)
    return env


def _environment(dirs: Sequence[Path]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        undefined=MarkerUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date=date_filter, number=number_filter, list=list_filter, required=required_filter
    )
    return env


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


class Drafter:
    """Renders drafts from template folders searched in order (the campaign's own first)."""

    def __init__(self, *, template_dirs: Sequence[Path]):
        if not template_dirs:
            raise ConfigError("No template folder was given; pass at least the built-in one.")
        self.template_dirs = tuple(Path(d) for d in template_dirs)
        self._env = _environment(self.template_dirs)
        self._analysis = _analysis_environment(self.template_dirs)
        self._facts: dict[str, frozenset[str]] = {}

    def available(self, kind: str) -> list[str]:
        """Template names of ``kind`` without the suffix, e.g. ``qc.fr`` or ``holding.en``."""
        names = {
            p.name[: -len(SUFFIX)]
            for d in self.template_dirs
            for p in (d / kind).glob("*" + SUFFIX)
            if not p.name.startswith("_")
        }
        return sorted(names)

    def find(self, kind: str, *, jurisdiction: str | None, lang: str, variant: str | None) -> str:
        """The relative path of the template to use, or a UsageError naming the choices."""
        if kind not in KINDS:
            raise UsageError(
                f'Unknown draft kind "{kind}": use /incident draft KIND, KIND one of '
                + ", ".join(KINDS) + ".",
                message_fr=f"Type de projet inconnu « {kind} » : utilisez /incident draft TYPE,"
                " TYPE parmi " + ", ".join(KINDS) + ".",
            )  # fmt: skip
        if lang not in LANGUAGES:
            raise UsageError(
                f'Unknown language "{lang}": use en or fr.',
                message_fr=f"Langue inconnue « {lang} » : utilisez en ou fr.",
            )
        choices = ", ".join(self.available(kind)) or "none"
        if kind in NEEDS_JURISDICTION and not jurisdiction:
            raise UsageError(
                f"The {kind} draft needs a jurisdiction: /incident draft {kind} JURISDICTION "
                f"[LANG]; templates: {choices}.",
                message_fr=f"Le projet {kind} demande une juridiction : /incident draft {kind} "
                f"JURIDICTION [LANGUE] ; modèles : {choices}.",
            )
        candidates = []
        if jurisdiction and variant:
            candidates.append(f"{jurisdiction}.{variant}.{lang}")
        if jurisdiction:
            candidates.append(f"{jurisdiction}.{lang}")
        if variant:
            candidates.append(f"{variant}.{lang}")
        if kind not in NEEDS_JURISDICTION:
            candidates.append(f"default.{lang}")
        if variant and not (kind == "regulator" and variant in SUBMISSIONS):
            known = any(variant in c.split(".")[:-1] for c in candidates if self._exists(kind, c))
            if not known:
                raise UsageError(
                    f'There is no "{variant}" variant of the {kind} draft; templates: {choices}.',
                    message_fr=f"Il n'existe pas de variante « {variant} » du projet {kind} ; "
                    f"modèles : {choices}.",
                )
        for name in candidates:
            if self._exists(kind, name):
                return f"{kind}/{name}{SUFFIX}"
        where = f" for {jurisdiction}" if jurisdiction else ""
        raise UsageError(
            f"There is no {kind} template{where} in {lang}; templates: {choices}.",
            message_fr=f"Aucun modèle {kind}{' pour ' + jurisdiction if jurisdiction else ''} "
            f"en {lang} ; modèles : {choices}.",
        )

    def _exists(self, kind: str, name: str) -> bool:
        return any((d / kind / f"{name}{SUFFIX}").is_file() for d in self.template_dirs)

    def render(
        self,
        kind: str,
        *,
        context: Mapping[str, Any],
        jurisdiction: str | None,
        lang: str,
        variant: str | None = None,
    ) -> Rendered:
        path = self.find(kind, jurisdiction=jurisdiction, lang=lang, variant=variant)
        values: dict[str, Any] = {}
        for name, value in context.items():
            if value is None or value == "" or name.startswith("_"):
                continue
            values[name] = FactList(name, value) if isinstance(value, list | tuple) else value
        if kind == "regulator" and variant in SUBMISSIONS:
            values["submission"] = variant
        values.update(lang=lang, kind=kind, variant=variant, jurisdiction=jurisdiction)
        state = _State(lang, context.get("_tz") or UTC)
        token = _STATE.set(state)
        try:
            text = self._env.get_template(path).render(values)
            if path not in self._facts:
                self._facts[path] = frozenset(_names(self._analysis, path) & FACTS.keys())
        except (TemplateError, OverflowError) as error:
            raise ConfigError(
                f"The template {path} cannot be rendered: {error}. "
                "Run `incidentbot templates check` to see its problems.",
                message_fr=f"Le modèle {path} ne peut pas être produit : {error}. "
                "Lancez `incidentbot templates check` pour voir ses problèmes.",
            ) from error
        finally:
            _STATE.reset(token)
        return Rendered(_tidy(text), path, tuple(state.missing.values()), self._facts[path])


# --- checking templates ----------------------------------------------------------------------


def _template_files(directory: Path) -> Iterator[tuple[str, Path]]:
    for kind in KINDS:
        for path in sorted((directory / kind).rglob("*.j2")):
            yield path.relative_to(directory).as_posix(), path


def _names(env: SandboxedEnvironment, name: str, seen: set[str] | None = None) -> set[str]:
    """Undeclared names of a template and of the templates it includes, imports or extends."""
    seen = seen if seen is not None else set()
    seen.add(name)
    if env.loader is None:
        raise ConfigError("The template environment has no loader.")
    source, filename, _ = env.loader.get_source(env, name)
    ast = env.parse(source, name, filename)
    names = set(meta.find_undeclared_variables(ast)) - RENDER_NAMES
    for ref in meta.find_referenced_templates(ast):
        if ref and ref not in seen:
            names |= _names(env, ref, seen)
    return names


def template_facts(dirs: Sequence[Path]) -> dict[str, list[str]]:
    """The facts each template uses, by relative path (the first folder's file wins)."""
    env = _analysis_environment(dirs)
    result: dict[str, list[str]] = {}
    for directory in dirs:
        for rel, _ in _template_files(Path(directory)):
            if rel not in result:
                try:
                    result[rel] = sorted(_names(env, rel))
                except TemplateError:
                    result[rel] = []  # check_templates reports why
    return result


def check_templates(dirs: Sequence[Path]) -> list[str]:
    """Problems in every template of ``dirs``: syntax errors, unknown facts or filters."""
    env = _analysis_environment(dirs)
    known = {nodes.Filter: _environment(dirs).filters, nodes.Test: _environment(dirs).tests}
    allowed = FACTS.keys() | RENDER_NAMES | env.globals.keys()
    problems: list[str] = []
    for directory in map(Path, dirs):
        if not directory.is_dir():
            problems.append(f"{directory}: no such folder")
            continue
        for rel, path in _template_files(directory):
            try:
                ast = env.parse(path.read_text(encoding="utf-8"), rel, str(path))
            except TemplateSyntaxError as error:
                problems.append(f"{path}:{error.lineno}: {error.message}")
                continue
            for name in sorted(set(meta.find_undeclared_variables(ast)) - allowed):
                problems.append(f'{path}: unknown fact "{name}"')
            for node in ast.find_all((nodes.Filter, nodes.Test)):
                if node.name not in known[type(node)]:
                    what = "filter" if isinstance(node, nodes.Filter) else "test"
                    problems.append(f'{path}:{node.lineno}: unknown {what} "{node.name}"')
            for ref in meta.find_referenced_templates(ast):
                if ref and not any((Path(d) / ref).is_file() for d in dirs):
                    problems.append(f'{path}: includes "{ref}", which does not exist')
    return problems


# --- output helpers --------------------------------------------------------------------------


def strip_guidance(text: str) -> str:
    """The draft without its notes to the author (the lines starting with ``> ``)."""
    kept = [line for line in text.split("\n") if not line.startswith(GUIDANCE_PREFIX.rstrip())]
    return _tidy("\n".join(kept))


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")


def to_docx(rendered_text: str, *, title: str) -> bytes:
    """A Word document of a draft: headings, paragraphs, bullets; notes to the author shaded."""
    document = docx.Document()
    document.core_properties.title = title
    block: list[str] = []

    def flush() -> None:
        if block:
            paragraph = document.add_paragraph()
            for n, line in enumerate(block):
                run = paragraph.add_run(line)
                if n < len(block) - 1:
                    run.add_break()
            block.clear()

    for line in rendered_text.split("\n"):
        heading, bullet = _HEADING.match(line), _BULLET.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            document.add_heading(heading.group(2), level=min(len(heading.group(1)), 4))
        elif bullet:
            flush()
            document.add_paragraph(bullet.group(1), style="List Bullet")
        elif line.startswith(">"):
            flush()
            paragraph = document.add_paragraph()
            run = paragraph.add_run(line[1:].lstrip())
            run.italic = True
            run.font.size = Pt(9)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), "FFF2CC")
            paragraph._p.get_or_add_pPr().append(shading)
        else:
            block.append(line)
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pieces(text: str, limit: int, level: int = 0) -> list[str]:
    """``text`` cut at paragraphs, then lines, then spaces, then anywhere: each piece <= limit."""
    if len(text) <= limit:
        return [text]
    if level == 0:
        parts = re.split(r"(?<=\n\n)(?=[^\n])", text)
    elif level == 1:
        parts = re.split(r"(?<=\n)(?=.)", text, flags=re.S)
    elif level == 2:
        parts = re.findall(r"\s+|\S+", text)
    else:
        return [text[n : n + limit] for n in range(0, len(text), limit)]
    out: list[str] = []
    for part in parts:
        out.extend(_pieces(part, limit, level + 1) if len(part) > limit else [part])
    return out


def split_for_slack(text: str, limit: int = 2900) -> list[str]:
    """Chunks of at most ``limit`` characters that join back to ``text`` exactly.

    Cuts fall between paragraphs when possible, then between lines, then between words; a word
    is cut only when it alone is longer than ``limit``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return chunks


def diff(old: str, new: str) -> str:
    """A compact unified diff between two versions of a draft (one line of context)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "previous", "new", n=1, lineterm=""
    )
    return "\n".join(lines)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

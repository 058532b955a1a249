"""The `/incident ...` grammar: command text in, a typed frozen command out.

``parse`` reads the text Slack (or the shell) gives after ``/incident`` and returns one of the
dataclasses below, or raises :class:`~incidentbot.errors.UsageError` with one sentence, in English
and French, that names the bad word and shows the right form.

Choices worth knowing:

* An incident reference (``INC-7``, any case) may come first; it is normalised to ``INC-7``.
  A reference alone (``/incident INC-7``) means ``status`` of that incident.
* Subcommands, step ids, roles, jurisdictions, draft kinds and option keys are case-insensitive
  and lower-cased; French aliases (``fait``, ``étapes``, ``clore`` ...) and the accent-less
  spellings a hurried typist uses are accepted.
* Free text (a note, a done note, a skip reason, a notified reference, a declare title, a
  severity reason, an awareness time) is sliced from the original string, never re-joined from
  tokens: spacing, quotes, ``<!channel>``, template braces, RTL marks and emoji stay exactly as
  typed; only leading and trailing whitespace is dropped. Echoing it safely is the front ends'
  job (Slack escaping, the Jinja2 sandbox), not the parser's.
* ``key=value`` words (``declare``, ``assess``) may quote their value with straight or curly
  quotes (``aware="2026-11-20 14:00"``, ``title=“Donor file”``, ``title=«Fichier»``). A quote
  closes at a matching quote followed by a space or the end of the text, so apostrophes inside a
  value (``title='l'équipe'``) do not end it early.
* ``draft KIND [JURISDICTION] [LANG]``: ``fr`` is both a jurisdiction and a language. With two
  extra words the first is the jurisdiction and the second the language; with one extra word it
  is the jurisdiction, except ``en``, which can only be a language.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeAlias

from incidentbot.errors import UsageError

# --------------------------------------------------------------------------- commands


@dataclass(frozen=True, kw_only=True)
class _Command:
    ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class Help(_Command):
    topic: str | None = None


@dataclass(frozen=True, kw_only=True)
class Declare(_Command):
    """``title`` comes from the free words or from ``title=``; ``options`` never holds it."""

    title: str | None = None
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class ListIncidents(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Status(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Steps(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Deadlines(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Close(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Register(_Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Done(_Command):
    step: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Skip(_Command):
    step: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Assign(_Command):
    """``target`` is a step id or a role; ``user`` a Slack user id or a name as typed."""

    target: str
    user: str


@dataclass(frozen=True, kw_only=True)
class Note(_Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class Aware(_Command):
    """``when`` is the raw time text; :func:`incidentbot.core.when.parse_when` reads it."""

    when: str


@dataclass(frozen=True, kw_only=True)
class Assess(_Command):
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class Notified(_Command):
    jurisdiction: str
    reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class Timeline(_Command):
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class Draft(_Command):
    kind: str
    jurisdiction: str | None = None
    lang: str | None = None


@dataclass(frozen=True, kw_only=True)
class Approve(_Command):
    draft: str


@dataclass(frozen=True, kw_only=True)
class Severity(_Command):
    level: str
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Fact(_Command):
    """``fact KEY value``: a fact the drafts need (cause, vendor_name, delay_reasons...)."""

    key: str
    value: str


Command: TypeAlias = (
    Help
    | Declare
    | ListIncidents
    | Status
    | Steps
    | Deadlines
    | Close
    | Register
    | Done
    | Skip
    | Assign
    | Note
    | Aware
    | Assess
    | Notified
    | Timeline
    | Draft
    | Approve
    | Severity
    | Fact
)

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Sub:
    name: str
    aliases: tuple[str, ...]
    form_en: str
    form_fr: str
    about_en: str
    about_fr: str


_SUBS: tuple[_Sub, ...] = (
    _Sub("help", ("aide",), "help [SUBCOMMAND]", "aide [SOUS-COMMANDE]",
         "this list, or the form of one subcommand",
         "cette liste, ou la forme d'une sous-commande"),
    _Sub("declare", ("déclarer", "declarer"), "declare [title] [key=value ...]",
         "déclarer [titre] [clé=valeur ...]",
         "declare an incident (options: title, playbook, aware, detected, jurisdiction, lead, "
         "severity, tz, lang, private)",
         "déclarer un incident (options : title, playbook, aware, detected, jurisdiction, lead, "
         "severity, tz, lang, private)"),
    _Sub("list", ("liste",), "list", "liste",
         "open incidents with their next deadline", "incidents ouverts et leur prochaine échéance"),
    _Sub("status", ("état", "etat"), "status", "état",
         "the incident card: progress, severity, clocks, open steps",
         "la fiche de l'incident : avancement, gravité, délais, étapes ouvertes"),
    _Sub("steps", ("étapes", "etapes"), "steps", "étapes",
         "the checklist", "la liste des étapes"),
    _Sub("done", ("fait", "terminé", "termine"), "done STEP [note]", "fait ÉTAPE [note]",
         "complete a step, with an optional note", "terminer une étape, avec une note facultative"),
    _Sub("skip", ("passer",), "skip STEP reason", "passer ÉTAPE raison",
         "skip a step (a reason is required)", "passer une étape (une raison est exigée)"),
    _Sub("assign", ("assigner",), "assign STEP|ROLE @user", "assigner ÉTAPE|RÔLE @personne",
         "give a step or a role to someone", "confier une étape ou un rôle à quelqu'un"),
    _Sub("note", (), "note text", "note texte",
         "add a note to the timeline", "ajouter une note à la chronologie"),
    _Sub("aware", ("connu",), "aware WHEN", "connu QUAND",
         "when the campaign became aware (starts the regulators' clocks), e.g. "
         "20/11/2026 14h00, yesterday 18:00, 3 hours ago",
         "quand la campagne en a eu connaissance (lance les délais des autorités), p. ex. "
         "20/11/2026 14h00, hier 18h00, il y a 3 heures"),
    _Sub("assess", ("évaluer", "evaluer"), "assess [key=value ...]", "évaluer [clé=valeur ...]",
         "the assessment: a form, or data=... persons=... identifiable=... in one line",
         "l'évaluation : un formulaire, ou data=... persons=... identifiable=... sur une ligne"),
    _Sub("notified", ("notifié", "notifie"), "notified JURISDICTION [reference]",
         "notifié JURIDICTION [référence]",
         "the regulator was notified: stops its clock, keeps the case reference",
         "l'autorité a été notifiée : arrête son délai, garde la référence du dossier"),
    _Sub("deadlines", ("échéances", "echeances"), "deadlines", "échéances",
         "each regulator's clock: due time, time left, notified or not",
         "le délai de chaque autorité : échéance, temps restant, notifiée ou non"),
    _Sub("timeline", ("chronologie",), "timeline [N]", "chronologie [N]",
         "the last N events (1 to 1000) and a link to the full timeline",
         "les N derniers événements (1 à 1000) et un lien vers la chronologie complète"),
    _Sub("draft", ("brouillon",), "draft KIND [JURISDICTION] [LANG]",
         "brouillon TYPE [JURIDICTION] [LANGUE]",
         "draft a text; KIND: press, regulator, notice, staff, vendor, report; LANG: en or fr. "
         "With one extra word it is the jurisdiction (fr = France), except en; with two, "
         "jurisdiction then language (draft regulator fr en)",
         "rédiger un texte ; TYPE : press, regulator, notice, staff, vendor, report ; LANGUE : "
         "en ou fr. Un seul mot en plus est la juridiction (fr = France), sauf en ; avec deux, "
         "la juridiction puis la langue (brouillon regulator qc fr)"),
    _Sub("approve", ("approuver",), "approve DRAFT", "approuver BROUILLON",
         "approve a draft version, e.g. regulator-fr-fr-v2",
         "approuver une version de brouillon, p. ex. regulator-fr-fr-v2"),
    _Sub("severity", ("gravité", "gravite"), "severity LEVEL [reason]", "gravité NIVEAU [raison]",
         "set the severity (low, medium, high, very_high) with a reason",
         "fixer la gravité (low, medium, high, very_high) avec une raison"),
    _Sub("fact", ("élément", "element"), "fact KEY value", "élément CLÉ valeur",
         "record a fact the drafts need: description, cause, occurred_at, vendor_name, "
         "persons_in_quebec, others_informed, delay_reasons, election_silence_starts",
         "noter un fait utile aux brouillons : description, cause, occurred_at, vendor_name, "
         "persons_in_quebec, others_informed, delay_reasons, election_silence_starts"),
    _Sub("close", ("clore", "fermer"), "close", "clore",
         "close the incident (refused while mandatory steps are open)",
         "clore l'incident (refusé tant que des étapes obligatoires sont ouvertes)"),
    _Sub("register", ("registre",), "register", "registre",
         "the register of incidents the law asks the campaign to keep",
         "le registre des incidents que la loi demande de tenir"),
)  # fmt: skip

USAGE: Mapping[str, str] = MappingProxyType({s.name: s.form_en for s in _SUBS})
"""Subcommand -> its English form, e.g. ``"done": "done STEP [note]"``."""

USAGE_FR: Mapping[str, str] = MappingProxyType({s.name: s.form_fr for s in _SUBS})
"""Subcommand -> its French form, e.g. ``"done": "fait ÉTAPE [note]"``."""

_BY_NAME: Mapping[str, _Sub] = {s.name: s for s in _SUBS}
_ALIASES: Mapping[str, str] = {alias: s.name for s in _SUBS for alias in (s.name, *s.aliases)}

# Words people reach for that are not ours: point them at the right subcommand.
_HINTS: Mapping[str, str] = {
    "finish": "done", "finished": "done", "complete": "done", "completed": "done",
    "check": "done", "ok": "done", "new": "declare", "open": "declare", "start": "declare",
    "create": "declare", "nouveau": "declare", "ouvrir": "declare", "resolve": "close",
    "end": "close", "fin": "close", "comment": "note", "log": "timeline", "history": "timeline",
    "historique": "timeline", "ls": "list", "info": "status", "show": "status",
    "checklist": "steps", "give": "assign", "owner": "assign", "confier": "assign",
    "notify": "notified", "notifier": "notified", "due": "deadlines", "délais": "deadlines",
    "delais": "deadlines", "write": "draft", "rédiger": "draft", "rediger": "draft",
    "valider": "approve", "sign": "approve", "when": "aware", "quand": "aware",
}  # fmt: skip

DECLARE_KEYS: tuple[str, ...] = (
    "title", "playbook", "aware", "detected", "jurisdiction", "lead", "severity", "tz", "lang",
    "private",
)  # fmt: skip

_DECLARE_KEY_ALIASES: Mapping[str, str] = {
    "titre": "title", "connu": "aware", "détecté": "detected", "detecte": "detected",
    "juridiction": "jurisdiction", "responsable": "lead", "gravité": "severity",
    "gravite": "severity", "fuseau": "tz", "langue": "lang", "privé": "private", "prive": "private",
}  # fmt: skip

DRAFT_KINDS: tuple[str, ...] = ("press", "regulator", "notice", "staff", "vendor", "report")

_KIND_ALIASES: Mapping[str, str] = {
    "presse": "press", "autorité": "regulator", "autorite": "regulator",
    "régulateur": "regulator", "regulateur": "regulator", "avis": "notice",
    "personnel": "staff", "équipe": "staff", "equipe": "staff", "fournisseur": "vendor",
    "prestataire": "vendor", "rapport": "report",
}  # fmt: skip

LANGS: tuple[str, ...] = ("en", "fr")
TIMELINE_MAX = 1000

# --------------------------------------------------------------------------- lexing

_WORD = re.compile(r"\S+")
_REF = re.compile(r"(?i:inc)-0*([0-9]+)")
_KEY = re.compile(r"([^\W\d][\w-]*)=")
_ID = re.compile(r"[^\W][\w.:-]*")
_MENTION = re.compile(r"<@([A-Za-z0-9]+)(?:\|[^>]*)?>")
_QUOTES: Mapping[str, str] = {
    '"': '"”“',
    "“": '”“"',
    "”": '”"',
    "„": '“”"',
    "'": "'’‘",
    "‘": "’‘'",
    "’": "’'",
    "«": "»",
}
_SHOWN = 40


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    key: str | None = None
    value: str | None = None


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def _show(word: str) -> str:
    """A user's word, shortened for an error message."""
    return word if len(word) <= _SHOWN else word[: _SHOWN - 1] + "…"


def _words(text: str, pos: int) -> list[_Word]:
    return [_Word(m.start(), m.end()) for m in _WORD.finditer(text, pos)]


def _kv_words(text: str, pos: int, sub: str) -> list[_Word]:
    """Words from ``pos``; ``key=value`` ones carry their key and (unquoted) value."""
    out: list[_Word] = []
    n = len(text)
    while True:
        m = _WORD.search(text, pos)
        if m is None:
            return out
        start = m.start()
        key = _KEY.match(text, start)
        if key is None:
            out.append(_Word(start, m.end()))
            pos = m.end()
            continue
        vstart = key.end()
        if vstart < n and text[vstart] in _QUOTES:
            closers = _QUOTES[text[vstart]]
            close = next(
                (
                    i
                    for i in range(vstart + 1, n)
                    if text[i] in closers and (i + 1 == n or text[i + 1].isspace())
                ),
                None,
            )
            if close is None:
                word = _show(key.group(0))
                raise UsageError(
                    f'The quote after "{word}" is never closed: '
                    f'/incident {sub} key="value with spaces"',
                    message_fr=f"Le guillemet après « {word} » n'est jamais fermé : "
                    f'/incident {_BY_NAME[sub].aliases[0]} clé="valeur avec espaces"',
                )
            value, end = text[vstart + 1 : close], close + 1
        else:
            value, end = text[vstart : m.end()], m.end()
        out.append(_Word(start, end, _fold(key.group(1)), value))
        pos = end


def _rest(text: str, pos: int) -> str:
    return text[pos:].strip()


# --------------------------------------------------------------------------- errors


def _form(sub: str, lang: str) -> str:
    return "/incident " + (USAGE_FR if lang == "fr" else USAGE)[sub]


def _missing(sub: str, what_en: str, what_fr: str) -> UsageError:
    fr_name = (_BY_NAME[sub].aliases or (sub,))[0]
    return UsageError(
        f"{sub} needs {what_en}: {_form(sub, 'en')}",
        message_fr=f"{fr_name} demande {what_fr} : {_form(sub, 'fr')}",
    )


def _extra(sub: str, word: str) -> UsageError:
    fr_name = (_BY_NAME[sub].aliases or (sub,))[0]
    return UsageError(
        f'{sub} does not take "{_show(word)}": {_form(sub, "en")}',
        message_fr=f"{fr_name} n'accepte pas « {_show(word)} » : {_form(sub, 'fr')}",
    )


def _unknown(word: str) -> UsageError:
    folded = _fold(word)[:_SHOWN]
    guess = _HINTS.get(folded)
    if guess is None:
        close = difflib.get_close_matches(folded, list(_ALIASES), n=1, cutoff=0.75)
        guess = _ALIASES[close[0]] if close else "help"
    return UsageError(
        f'Unknown subcommand "{_show(word)}". Try: {_form(guess, "en")}',
        message_fr=f"Sous-commande inconnue « {_show(word)} ». Essayez : {_form(guess, 'fr')}",
    )


# --------------------------------------------------------------------------- subcommands

_Parser = Callable[[str, int, str | None], Command]


def _no_args(cls: Callable[..., Command], sub: str) -> _Parser:
    def parse_sub(text: str, pos: int, ref: str | None) -> Command:
        words = _words(text, pos)
        if words:
            raise _extra(sub, text[words[0].start : words[0].end])
        return cls(ref=ref)

    return parse_sub


def _help(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        return Help(ref=ref)
    word = text[words[0].start : words[0].end]
    topic = _ALIASES.get(_fold(word))
    if topic is None:
        raise UsageError(
            f'There is no subcommand "{_show(word)}" to explain. Try: /incident help',
            message_fr=f"Il n'y a pas de sous-commande « {_show(word)} » à expliquer. "
            "Essayez : /incident aide",
        )
    if len(words) > 1:
        raise _extra("help", text[words[1].start : words[1].end])
    return Help(ref=ref, topic=topic)


def _declare(text: str, pos: int, ref: str | None) -> Command:
    options: dict[str, str] = {}
    runs: list[str] = []
    run_start: int | None = None
    run_end = 0
    for w in _kv_words(text, pos, "declare"):
        if w.key is None:
            if run_start is None:
                run_start = w.start
            run_end = w.end
            continue
        if run_start is not None:
            runs.append(text[run_start:run_end])
            run_start = None
        key = _DECLARE_KEY_ALIASES.get(w.key, w.key)
        if key not in DECLARE_KEYS:
            raise UsageError(
                f'Unknown option "{_show(w.key)}" for declare; allowed: '
                f"{', '.join(DECLARE_KEYS)}: /incident declare [title] [key=value ...]",
                message_fr=f"Option « {_show(w.key)} » inconnue pour déclarer ; permises : "
                f"{', '.join(DECLARE_KEYS)} : /incident déclarer [titre] [clé=valeur ...]",
            )
        if key in options:
            raise UsageError(
                f'The option "{key}" is given twice: /incident declare [title] [key=value ...]',
                message_fr=f"L'option « {key} » est donnée deux fois : "
                "/incident déclarer [titre] [clé=valeur ...]",
            )
        options[key] = w.value or ""
    if run_start is not None:
        runs.append(text[run_start:run_end])
    free = " ".join(runs) or None
    given = options.pop("title", None)
    if free is not None and given is not None:
        raise UsageError(
            f'The title is given twice ("{_show(free)}" and title=): '
            "/incident declare [title] [key=value ...]",
            message_fr=f"Le titre est donné deux fois (« {_show(free)} » et title=) : "
            "/incident déclarer [titre] [clé=valeur ...]",
        )
    title = free if free is not None else (given.strip() or None if given is not None else None)
    return Declare(ref=ref, title=title, options=MappingProxyType(options))


def _step_and_text(text: str, pos: int) -> tuple[str | None, str]:
    words = _words(text, pos)
    if not words:
        return None, ""
    first = words[0]
    return _fold(text[first.start : first.end]), _rest(text, first.end)


def _done(text: str, pos: int, ref: str | None) -> Command:
    step, note = _step_and_text(text, pos)
    if step is None:
        raise _missing("done", "a step id", "l'identifiant d'une étape")
    return Done(ref=ref, step=step, note=note or None)


def _skip(text: str, pos: int, ref: str | None) -> Command:
    step, reason = _step_and_text(text, pos)
    if step is None:
        raise _missing("skip", "a step id and a reason", "l'identifiant d'une étape et une raison")
    if not reason:
        raise UsageError(
            f'A skip needs a reason; say why "{_show(step)}" is skipped: {_form("skip", "en")}',
            message_fr=f"Passer une étape demande une raison ; dites pourquoi « {_show(step)} » "
            f"est passée : {_form('skip', 'fr')}",
        )
    return Skip(ref=ref, step=step, reason=reason)


def _user(raw: str) -> str:
    mention = _MENTION.fullmatch(raw)
    if mention is not None:
        return mention.group(1)
    bad = raw.startswith("<") or raw in ("@", "") or len(raw.split()) != 1
    name = raw[1:] if raw.startswith("@") else raw
    if bad or not name:
        raise UsageError(
            f'"{_show(raw)}" is not a person to assign: {_form("assign", "en")}',
            message_fr=f"« {_show(raw)} » n'est pas une personne à qui confier : "
            f"{_form('assign', 'fr')}",
        )
    return name


def _assign(text: str, pos: int, ref: str | None) -> Command:
    target, who = _step_and_text(text, pos)
    if target is None or not who:
        raise _missing(
            "assign", "a step or role and a person", "une étape ou un rôle et une personne"
        )
    return Assign(ref=ref, target=target, user=_user(who))


def _note(text: str, pos: int, ref: str | None) -> Command:
    body = _rest(text, pos)
    if not body:
        raise _missing("note", "some text", "un texte")
    return Note(ref=ref, text=body)


def _aware(text: str, pos: int, ref: str | None) -> Command:
    when = _rest(text, pos)
    if not when:
        raise _missing("aware", "a time", "une heure")
    return Aware(ref=ref, when=when)


def _assess(text: str, pos: int, ref: str | None) -> Command:
    options: dict[str, str] = {}
    for w in _kv_words(text, pos, "assess"):
        if w.key is None:
            word = _show(text[w.start : w.end])
            raise UsageError(
                f'assess takes key=value words and "{word}" is not one: '
                "/incident assess data=contact persons=120 identifiable=full",
                message_fr=f"évaluer prend des mots clé=valeur et « {word} » n'en est pas un : "
                "/incident évaluer data=contact persons=120 identifiable=full",
            )
        if w.key in options:
            raise UsageError(
                f'The key "{_show(w.key)}" is given twice: {_form("assess", "en")}',
                message_fr=f"La clé « {_show(w.key)} » est donnée deux fois : "
                f"{_form('assess', 'fr')}",
            )
        options[w.key] = w.value or ""
    return Assess(ref=ref, options=MappingProxyType(options))


def _notified(text: str, pos: int, ref: str | None) -> Command:
    jurisdiction, reference = _step_and_text(text, pos)
    if jurisdiction is None:
        raise _missing("notified", "a jurisdiction (fr, qc, ca, uk ...)", "une juridiction")
    return Notified(ref=ref, jurisdiction=jurisdiction, reference=reference or None)


def _timeline(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        return Timeline(ref=ref)
    word = text[words[0].start : words[0].end]
    digits = word.lstrip("0")
    if not word.isascii() or not word.isdigit() or not digits or len(digits) > 4:
        limit = 0
    else:
        limit = int(digits)
    if not 1 <= limit <= TIMELINE_MAX:
        raise UsageError(
            f'"{_show(word)}" is not a number of events from 1 to {TIMELINE_MAX}: '
            f"{_form('timeline', 'en')}",
            message_fr=f"« {_show(word)} » n'est pas un nombre d'événements de 1 à "
            f"{TIMELINE_MAX} : {_form('timeline', 'fr')}",
        )
    if len(words) > 1:
        raise _extra("timeline", text[words[1].start : words[1].end])
    return Timeline(ref=ref, limit=limit)


def _id_word(sub: str, word: str, what_en: str, what_fr: str) -> str:
    folded = _fold(word)
    if _ID.fullmatch(folded) is None:
        raise UsageError(
            f'"{_show(word)}" is not {what_en}: {_form(sub, "en")}',
            message_fr=f"« {_show(word)} » n'est pas {what_fr} : {_form(sub, 'fr')}",
        )
    return folded


def _draft(text: str, pos: int, ref: str | None) -> Command:
    words = [text[w.start : w.end] for w in _words(text, pos)]
    if not words:
        raise _missing("draft", f"a kind ({', '.join(DRAFT_KINDS)})", "un type")
    folded = _fold(words[0])
    kind = _KIND_ALIASES.get(folded, folded)
    if kind not in DRAFT_KINDS:
        raise UsageError(
            f'Unknown draft kind "{_show(words[0])}"; kinds: {", ".join(DRAFT_KINDS)}: '
            f"{_form('draft', 'en')}",
            message_fr=f"Type de brouillon « {_show(words[0])} » inconnu ; types : "
            f"{', '.join(DRAFT_KINDS)} : {_form('draft', 'fr')}",
        )
    extra = words[1:]
    if len(extra) > 2:
        raise _extra("draft", extra[2])
    jurisdiction: str | None = None
    lang: str | None = None
    if len(extra) == 2:
        jurisdiction = _id_word("draft", extra[0], "a jurisdiction id", "une juridiction")
        lang = _fold(extra[1])
    elif len(extra) == 1:
        word = _fold(extra[0])
        if word == "en":
            lang = word
        else:
            jurisdiction = _id_word("draft", extra[0], "a jurisdiction id", "une juridiction")
    if lang is not None and lang not in LANGS:
        raise UsageError(
            f'"{_show(extra[1])}" is not a language (en or fr): {_form("draft", "en")}',
            message_fr=f"« {_show(extra[1])} » n'est pas une langue (en ou fr) : "
            f"{_form('draft', 'fr')}",
        )
    return Draft(ref=ref, kind=kind, jurisdiction=jurisdiction, lang=lang)


def _approve(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        raise _missing("approve", "a draft name", "le nom d'un brouillon")
    if len(words) > 1:
        raise _extra("approve", text[words[1].start : words[1].end])
    return Approve(ref=ref, draft=_fold(text[words[0].start : words[0].end]))


def _severity(text: str, pos: int, ref: str | None) -> Command:
    level, reason = _step_and_text(text, pos)
    if level is None:
        raise _missing("severity", "a level (low, medium, high, very_high)", "un niveau")
    return Severity(ref=ref, level=level, reason=reason or None)


def _fact(text: str, pos: int, ref: str | None) -> Command:
    key, value = _step_and_text(text, pos)
    if key is None:
        raise _missing("fact", "a key and a value", "une clé et une valeur")
    if not value:
        raise _missing("fact", f"a value for {key}", f"une valeur pour {key}")
    return Fact(ref=ref, key=key, value=value)


_PARSERS: Mapping[str, _Parser] = {
    "help": _help,
    "declare": _declare,
    "list": _no_args(ListIncidents, "list"),
    "status": _no_args(Status, "status"),
    "steps": _no_args(Steps, "steps"),
    "deadlines": _no_args(Deadlines, "deadlines"),
    "close": _no_args(Close, "close"),
    "register": _no_args(Register, "register"),
    "done": _done,
    "skip": _skip,
    "assign": _assign,
    "note": _note,
    "aware": _aware,
    "assess": _assess,
    "notified": _notified,
    "timeline": _timeline,
    "draft": _draft,
    "approve": _approve,
    "severity": _severity,
    "fact": _fact,
}

# --------------------------------------------------------------------------- public


def parse(text: str) -> Command:
    """Read the text after ``/incident``; raise :class:`UsageError` when it is not a command.

    Lone surrogates (bad UTF-8 sent as JSON escapes) are replaced first, as the store does for a
    note, so a step id, a reason or a user typed with one is refused or kept like any other text.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    words = _WORD.finditer(text)
    first = next(words, None)
    ref: str | None = None
    if first is not None and (m := _REF.fullmatch(first.group())) is not None:
        ref = "INC-" + (m.group(1) or "0")
        first = next(words, None)
        if first is None:
            return Status(ref=ref)
    if first is None:
        return Help(ref=ref)
    name = _ALIASES.get(_fold(first.group()))
    if name is None:
        raise _unknown(first.group())
    return _PARSERS[name](text, first.end(), ref)


def usage_text(lang: str, topic: str | None = None) -> str:
    """The help listing in ``lang`` (``en`` or ``fr``), or the lines for one ``topic``."""
    fr = lang == "fr"
    subs = _SUBS if topic is None else (_BY_NAME[_ALIASES.get(_fold(topic), "help")],)
    if fr:
        head = "Usage : /incident [INC-n] SOUS-COMMANDE ... (INC-n hors du canal de l'incident)"
    else:
        head = "Usage: /incident [INC-n] SUBCOMMAND ... (INC-n outside the incident's channel)"
    lines = [head]
    for s in subs:
        if fr:
            also = f" (aussi : {s.name})" if s.aliases else ""
            lines.append(f"/incident {s.form_fr} — {s.about_fr}{also}")
        else:
            also = f" (also: {', '.join(s.aliases)})" if s.aliases else ""
            lines.append(f"/incident {s.form_en} — {s.about_en}{also}")
    return "\n".join(lines)

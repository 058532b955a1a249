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
from typing import Any, TypeAlias

from incidentbot.errors import UsageError
from incidentbot.i18n import Message, render

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
    """``steps`` lists the checklist; ``steps STEP`` shows that one step in detail."""

    step: str | None = None


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
class Measure(_Command):
    """``measure [planned] TEXT``: a measure worded for the outside (the drafts quote it)."""

    text: str
    planned: bool = False


@dataclass(frozen=True, kw_only=True)
class Aware(_Command):
    """``when`` is the raw time text; :func:`incidentbot.core.when.parse_when` reads it."""

    when: str


@dataclass(frozen=True, kw_only=True)
class Assess(_Command):
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class Notified(_Command):
    """``notified JUR [persons] [REFERENCE] [note=TEXT]``: everything after ``note=`` is the
    evidence note for the notify step, kept as typed."""

    jurisdiction: str
    reference: str | None = None
    note: str | None = None


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


@dataclass(frozen=True, kw_only=True)
class Invite(_Command):
    """``invite @user``: a member of the (private) incident from now on."""

    user: str


@dataclass(frozen=True, kw_only=True)
class Exclude(_Command):
    """``exclude @user``: refused everything about the incident, whatever their role."""

    user: str


@dataclass(frozen=True, kw_only=True)
class Private(_Command):
    """``private`` (members only) or ``private no`` (visible again; the lead's decision)."""

    private: bool = True


@dataclass(frozen=True, kw_only=True)
class Links(_Command):
    """``links revoke``: every signed link to the incident stops opening."""


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
    | Measure
    | Aware
    | Assess
    | Notified
    | Timeline
    | Draft
    | Approve
    | Severity
    | Fact
    | Invite
    | Exclude
    | Private
    | Links
)

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Sub:
    """A subcommand and its aliases; its form and its help line are in the catalogue
    (``commands.form.NAME``, ``commands.about.NAME``, ``commands.name.NAME``)."""

    name: str
    aliases: tuple[str, ...]


_SUBS: tuple[_Sub, ...] = (
    _Sub("help", ("aide",)),
    _Sub("declare", ("déclarer", "declarer")),
    _Sub("list", ("liste",)),
    _Sub("status", ("état", "etat")),
    _Sub("steps", ("étapes", "etapes")),
    _Sub("done", ("fait", "terminé", "termine")),
    _Sub("skip", ("passer",)),
    _Sub("assign", ("assigner",)),
    _Sub("note", ()),
    _Sub("measure", ("mesure",)),
    _Sub("aware", ("connu",)),
    _Sub("assess", ("évaluer", "evaluer")),
    _Sub("notified", ("notifié", "notifie")),
    _Sub("deadlines", ("échéances", "echeances")),
    _Sub("timeline", ("chronologie",)),
    _Sub("draft", ("brouillon",)),
    _Sub("approve", ("approuver",)),
    _Sub("severity", ("gravité", "gravite")),
    _Sub("fact", ("élément", "element")),
    _Sub("close", ("clore", "fermer")),
    _Sub("register", ("registre",)),
    _Sub("invite", ("inviter",)),
    _Sub("exclude", ("exclure",)),
    _Sub("private", ("privé", "prive")),
    _Sub("links", ("liens",)),
)

SUBCOMMANDS: tuple[str, ...] = tuple(s.name for s in _SUBS)
"""The subcommands' names; their forms are the catalogue's ``commands.form.NAME``."""

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
DRAFT_VARIANTS: frozenset[str] = frozenset(
    {"initial", "complementary", "holding", "hack_and_leak", "broker", "subprocessor"}
)
"""Words that name a variant where a language could stand (``draft regulator fr complementary``)."""
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
                raise UsageError(
                    Message("commands.quote_unclosed", word=_show(key.group(0)), sub=_name(sub))
                )
            value, end = text[vstart + 1 : close], close + 1
        else:
            value, end = text[vstart : m.end()], m.end()
        out.append(_Word(start, end, _fold(key.group(1)), value))
        pos = end


def _rest(text: str, pos: int) -> str:
    return text[pos:].strip()


# --------------------------------------------------------------------------- errors


def _form(sub: str) -> Message:
    return Message(f"commands.form.{sub}")


def _name(sub: str) -> Message:
    return Message(f"commands.name.{sub}")


def _refusal(msgid: str, form: str, /, **params: Any) -> UsageError:
    """A refusal that ends with the right form of the subcommand ``form``."""
    return UsageError(Message(f"commands.{msgid}", form=_form(form), **params))


def _missing(sub: str, what: str, **params: Any) -> UsageError:
    return _refusal("missing", sub, sub=_name(sub), what=Message(f"commands.what.{what}", **params))


def _extra(sub: str, word: str) -> UsageError:
    return _refusal("extra", sub, sub=_name(sub), word=_show(word))


def _unknown(word: str) -> UsageError:
    folded = _fold(word)[:_SHOWN]
    guess = _HINTS.get(folded)
    if guess is None:
        close = difflib.get_close_matches(folded, list(_ALIASES), n=1, cutoff=0.75)
        guess = _ALIASES[close[0]] if close else "help"
    return _refusal("unknown", guess, word=_show(word))


# --------------------------------------------------------------------------- subcommands

_Parser = Callable[[str, int, str | None], Command]


def _no_args(cls: Callable[..., Command], sub: str) -> _Parser:
    def parse_sub(text: str, pos: int, ref: str | None) -> Command:
        words = _words(text, pos)
        if words:
            raise _extra(sub, text[words[0].start : words[0].end])
        return cls(ref=ref)

    return parse_sub


def _steps(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        return Steps(ref=ref)
    if len(words) > 1:
        raise _extra("steps", text[words[1].start : words[1].end])
    return Steps(ref=ref, step=_id_word("steps", text[words[0].start : words[0].end], "step"))


def _help(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        return Help(ref=ref)
    word = text[words[0].start : words[0].end]
    topic = _ALIASES.get(_fold(word))
    if topic is None:
        raise UsageError(Message("commands.help_unknown", word=_show(word)))
    if len(words) > 1:
        raise _extra("help", text[words[1].start : words[1].end])
    return Help(ref=ref, topic=topic)


_TIME_KEYS = frozenset({"aware", "detected"})
_TIME_TAIL = re.compile(r"\d{1,2}(?:[:h]\d{0,2})?(?:\s|$)|(?:am|pm|heures?|hours?|ago)\b", re.I)


def _declare(text: str, pos: int, ref: str | None) -> Command:
    options: dict[str, str] = {}
    runs: list[str] = []
    run_start: int | None = None
    run_end = 0
    previous: str | None = None
    for w in _kv_words(text, pos, "declare"):
        if w.key is None and previous in _TIME_KEYS and _TIME_TAIL.match(text, w.start):
            # aware=hier 18h00: the time would silently end up in the title
            raise _refusal(
                "declare_unquoted", "declare", key=previous, word=_show(text[w.start : w.end])
            )
        previous = _DECLARE_KEY_ALIASES.get(w.key, w.key) if w.key else None
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
            raise _refusal(
                "declare_option", "declare", word=_show(w.key), keys=", ".join(DECLARE_KEYS)
            )
        if key in options:
            raise _refusal("declare_twice", "declare", key=key)
        options[key] = w.value or ""
    if run_start is not None:
        runs.append(text[run_start:run_end])
    free = " ".join(runs) or None
    given = options.pop("title", None)
    if free is not None and given is not None:
        raise _refusal("title_twice", "declare", title=_show(free))
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
        raise _missing("done", "step")
    return Done(ref=ref, step=step, note=note or None)


def _skip(text: str, pos: int, ref: str | None) -> Command:
    step, reason = _step_and_text(text, pos)
    if step is None:
        raise _missing("skip", "step_reason")
    if not reason:
        raise _refusal("skip_reason", "skip", step=_show(step))
    return Skip(ref=ref, step=step, reason=reason)


def _user(raw: str) -> str:
    mention = _MENTION.fullmatch(raw)
    if mention is not None:
        return mention.group(1)
    bad = raw.startswith("<") or raw in ("@", "") or len(raw.split()) != 1
    name = raw[1:] if raw.startswith("@") else raw
    if bad or not name:
        raise _refusal("not_a_person", "assign", word=_show(raw))
    return name


def _person(sub: str) -> _Parser:
    def parse_sub(text: str, pos: int, ref: str | None) -> Command:
        words = _words(text, pos)
        if not words:
            raise _missing(sub, "person")
        if len(words) > 1:
            raise _extra(sub, text[words[1].start : words[1].end])
        user = _user(text[words[0].start : words[0].end])
        return Invite(ref=ref, user=user) if sub == "invite" else Exclude(ref=ref, user=user)

    return parse_sub


_YES = frozenset({"yes", "oui", "on", "true"})
_NO = frozenset({"no", "non", "off", "false"})


def _private(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        return Private(ref=ref)
    if len(words) > 1:
        raise _extra("private", text[words[1].start : words[1].end])
    word = _fold(text[words[0].start : words[0].end])
    if word not in _YES | _NO:
        raise _extra("private", text[words[0].start : words[0].end])
    return Private(ref=ref, private=word in _YES)


def _links(text: str, pos: int, ref: str | None) -> Command:
    words = [_fold(text[w.start : w.end]) for w in _words(text, pos)]
    if not words:
        raise _missing("links", "revoke")
    if words[0] not in ("revoke", "révoquer", "revoquer"):
        raise _extra("links", words[0])
    if len(words) > 1:
        raise _extra("links", words[1])
    return Links(ref=ref)


def _assign(text: str, pos: int, ref: str | None) -> Command:
    target, who = _step_and_text(text, pos)
    if target is None or not who:
        raise _missing("assign", "step_person")
    return Assign(ref=ref, target=target, user=_user(who))


def _note(text: str, pos: int, ref: str | None) -> Command:
    body = _rest(text, pos)
    if not body:
        raise _missing("note", "text")
    return Note(ref=ref, text=body)


_PLANNED = frozenset({"planned", "prévue", "prevue", "planifiée", "planifiee", "envisagée"})


def _measure(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    planned = bool(words) and _fold(text[words[0].start : words[0].end]) in _PLANNED
    body = _rest(text, words[0].end) if planned else _rest(text, pos)
    if not body:
        raise _missing("measure", "text")
    return Measure(ref=ref, text=body, planned=planned)


def _aware(text: str, pos: int, ref: str | None) -> Command:
    when = _rest(text, pos)
    if not when:
        raise _missing("aware", "time")
    return Aware(ref=ref, when=when)


def _assess(text: str, pos: int, ref: str | None) -> Command:
    options: dict[str, str] = {}
    for w in _kv_words(text, pos, "assess"):
        if w.key is None:
            raise UsageError(Message("commands.assess_word", word=_show(text[w.start : w.end])))
        if w.key in options:
            raise _refusal("assess_twice", "assess", key=_show(w.key))
        options[w.key] = w.value or ""
    return Assess(ref=ref, options=MappingProxyType(options))


def _notified(text: str, pos: int, ref: str | None) -> Command:
    jurisdiction, reference = _step_and_text(text, pos)
    if jurisdiction is None:
        raise _missing("notified", "jurisdiction")
    note: str | None = None
    marker = _NOTE.search(reference)
    if marker is not None:
        note = reference[marker.end() :].strip()
        reference = reference[: marker.start()].strip()
        if not note:
            raise UsageError(Message("notifications.note_empty", jurisdiction=jurisdiction))
    return Notified(ref=ref, jurisdiction=jurisdiction, reference=reference or None, note=note)


_NOTE = re.compile(r"(?:^|(?<=\s))note=", re.IGNORECASE)


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
        raise _refusal("timeline_count", "timeline", word=_show(word), max=TIMELINE_MAX)
    if len(words) > 1:
        raise _extra("timeline", text[words[1].start : words[1].end])
    return Timeline(ref=ref, limit=limit)


def _id_word(sub: str, word: str, what: str) -> str:
    folded = _fold(word)
    if _ID.fullmatch(folded) is None:
        raise _refusal("not_id", sub, word=_show(word), what=Message(f"commands.what.{what}"))
    return folded


def _draft(text: str, pos: int, ref: str | None) -> Command:
    words = [text[w.start : w.end] for w in _words(text, pos)]
    if not words:
        raise _missing("draft", "kind", kinds=", ".join(DRAFT_KINDS))
    folded = _fold(words[0])
    kind = _KIND_ALIASES.get(folded, folded)
    if kind not in DRAFT_KINDS:
        raise _refusal("draft_kind", "draft", word=_show(words[0]), kinds=", ".join(DRAFT_KINDS))
    extra = words[1:]
    if len(extra) > 2:
        raise _extra("draft", extra[2])
    jurisdiction: str | None = None
    lang: str | None = None
    if len(extra) == 2:
        jurisdiction = _id_word("draft", extra[0], "jurisdiction_id")
        lang = _fold(extra[1])
    elif len(extra) == 1:
        word = _fold(extra[0])
        if word == "en":
            lang = word
        else:
            jurisdiction = _id_word("draft", extra[0], "jurisdiction_id")
    if lang is not None and lang not in LANGS and lang not in DRAFT_VARIANTS:
        raise _refusal("draft_lang", "draft", word=_show(extra[1]))
    return Draft(ref=ref, kind=kind, jurisdiction=jurisdiction, lang=lang)


def _approve(text: str, pos: int, ref: str | None) -> Command:
    words = _words(text, pos)
    if not words:
        raise _missing("approve", "draft")
    if len(words) > 1:
        raise _extra("approve", text[words[1].start : words[1].end])
    return Approve(ref=ref, draft=_fold(text[words[0].start : words[0].end]))


def _severity(text: str, pos: int, ref: str | None) -> Command:
    level, reason = _step_and_text(text, pos)
    if level is None:
        raise _missing("severity", "level")
    return Severity(ref=ref, level=level, reason=reason or None)


def _fact(text: str, pos: int, ref: str | None) -> Command:
    key, value = _step_and_text(text, pos)
    if key is None:
        raise _missing("fact", "key_value")
    if not value:
        raise _missing("fact", "value_for", key=key)
    return Fact(ref=ref, key=key, value=value)


_PARSERS: Mapping[str, _Parser] = {
    "help": _help,
    "declare": _declare,
    "list": _no_args(ListIncidents, "list"),
    "status": _no_args(Status, "status"),
    "steps": _steps,
    "deadlines": _no_args(Deadlines, "deadlines"),
    "close": _no_args(Close, "close"),
    "register": _no_args(Register, "register"),
    "done": _done,
    "skip": _skip,
    "assign": _assign,
    "note": _note,
    "measure": _measure,
    "aware": _aware,
    "assess": _assess,
    "notified": _notified,
    "timeline": _timeline,
    "draft": _draft,
    "approve": _approve,
    "severity": _severity,
    "fact": _fact,
    "invite": _person("invite"),
    "exclude": _person("exclude"),
    "private": _private,
    "links": _links,
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


def usage(topic: str | None = None) -> list[Message]:
    """The help listing, one :class:`Message` a line, or the lines for one ``topic``."""
    subs = _SUBS if topic is None else (_BY_NAME[_ALIASES.get(_fold(topic), "help")],)
    lines = [Message("commands.usage.head")]
    for s in subs:
        form, about = _form(s.name), Message(f"commands.about.{s.name}")
        if s.aliases:
            lines.append(
                Message(
                    "commands.usage.line_also",
                    form=form,
                    about=about,
                    aliases=", ".join(s.aliases),
                    name=s.name,
                )
            )
        else:
            lines.append(Message("commands.usage.line", form=form, about=about))
    return lines


def usage_text(lang: str, topic: str | None = None) -> str:
    """:func:`usage` worded in ``lang`` (for front ends that want the text); ``help assess``
    adds the assessment's keys and the values each takes."""
    lines = [render(line, lang) for line in usage(topic)]
    if topic is not None and _ALIASES.get(_fold(topic)) == "assess":
        from incidentbot.core.assess_inputs import vocabulary

        lines.append(render(Message("commands.usage.assess_keys"), lang))
        lines += [f"  {key}={values}" for key, values in vocabulary()]
    return "\n".join(lines)

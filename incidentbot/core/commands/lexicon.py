"""The grammar's words (subcommands, aliases, option keys, draft kinds), how text is cut into words, and the usage errors that name a bad word."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from incidentbot.errors import UsageError
from incidentbot.i18n import Message

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

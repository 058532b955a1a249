"""One parser a subcommand, and ``parse``/``usage``: text in, a typed command (or a usage error) out."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from incidentbot.core.commands.lexicon import (
    _ALIASES,
    _DECLARE_KEY_ALIASES,
    _ID,
    _KIND_ALIASES,
    _MENTION,
    DECLARE_KEYS,
    DRAFT_KINDS,
    DRAFT_VARIANTS,
    LANGS,
    TIMELINE_MAX,
    _extra,
    _fold,
    _kv_words,
    _missing,
    _refusal,
    _rest,
    _show,
    _words,
)
from incidentbot.core.commands.types import (
    Approve,
    Assess,
    Assign,
    Aware,
    Close,
    Command,
    Deadlines,
    Declare,
    Done,
    Draft,
    Exclude,
    Fact,
    Help,
    Invite,
    Links,
    ListIncidents,
    Measure,
    Note,
    Notified,
    Private,
    Register,
    Severity,
    Skip,
    Status,
    Steps,
    Timeline,
)
from incidentbot.errors import UsageError
from incidentbot.i18n import Message

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

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

from incidentbot.core.commands.grammar import _PARSERS
from incidentbot.core.commands.lexicon import (
    _ALIASES,
    _BY_NAME,
    _REF,
    _SUBS,
    _WORD,
    DECLARE_KEYS,
    DRAFT_KINDS,
    DRAFT_VARIANTS,
    LANGS,
    SUBCOMMANDS,
    TIMELINE_MAX,
    _fold,
    _form,
    _unknown,
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
from incidentbot.i18n import Message, render

__all__ = [
    "Approve",
    "Assess",
    "Assign",
    "Aware",
    "Close",
    "Command",
    "DECLARE_KEYS",
    "DRAFT_KINDS",
    "DRAFT_VARIANTS",
    "Deadlines",
    "Declare",
    "Done",
    "Draft",
    "Exclude",
    "Fact",
    "Help",
    "Invite",
    "LANGS",
    "Links",
    "ListIncidents",
    "Measure",
    "Note",
    "Notified",
    "Private",
    "Register",
    "SUBCOMMANDS",
    "Severity",
    "Skip",
    "Status",
    "Steps",
    "TIMELINE_MAX",
    "Timeline",
    "parse",
    "usage",
    "usage_text",
]


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

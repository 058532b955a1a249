"""The one message catalogue: every sentence a user reads, in English and French.

The wording lives in gettext catalogues under ``incidentbot/locale/``::

    locale/incidentbot.pot                     the message ids (with the English as a comment)
    locale/en/LC_MESSAGES/incidentbot.po       English
    locale/fr/LC_MESSAGES/incidentbot.po       French

Message ids are stable keys (``step_done``, ``commands.unknown``, ``value.data.contact``), not
English sentences, so a change of English wording does not orphan the French. The ``.po`` files
are compiled in memory with Babel the first time a language is used (nothing to build: a fresh
clone and ``pip install .`` work as they are); importing this module reads no file, so the pure
core may import :class:`Message`.

The API:

``_(msgid, lang, **params)`` / ``t(...)``
    the sentence in ``lang`` filled with ``params`` (``str.format`` fields); French falls back
    to English, an unknown id comes back as itself. ``context`` picks a msgctxt first (the Slack
    and web catalogues had a few ids of their own: ``slack``, ``web``).
``gettext(msgid, lang)``
    the raw sentence, French typography applied (:mod:`incidentbot.typography`), unfilled.
``ngettext(msgid, n, lang, **params)``
    the plural form for ``n`` (``{n}`` is filled with ``n``, grouped the French way).
``Message(msgid, **params)``
    a sentence to render later, for code that does not know the reader's language (the core,
    errors raised deep down): :class:`~incidentbot.errors.IncidentbotError` accepts one, and
    the edge calls ``error.text(lang)``. A parameter may itself be a :class:`Message` (rendered
    in the same language), and so may a ``{"en": ..., "fr": ...}`` mapping (the text of a
    playbook or a jurisdiction, picked in the reader's language); ``str(message)`` is English,
    for logs.

Adding or converting a sentence (contributors): pick a key named after the module or the thing
(``reports.register.title``), add it to the three files (``.pot``, ``en`` and ``fr``; both
translations are required, ``tests/test_i18n.py`` fails otherwise) with
``python tools/catalogue.py add KEY --en ... --fr ...`` (``find TEXT`` first: reuse a sentence
that is already worded rather than wording it twice), then call
``_("reports.register.title", lang)`` where the language is known, or return / raise
``Message("...", name=value)`` where it is not. Write French with plain spaces before ``: ; ! ?``
and inside « »: the catalogue puts the no-break spaces in. ``tests/test_i18n.py`` also scans the
converted modules for English sentences built in code; the files not converted yet are listed in
its ``NOT_CONVERTED`` allow-list, which should only ever shrink.

``incidentbot.slack.i18n.t`` and ``incidentbot.web.wording.word`` / ``bound`` are thin aliases of
:func:`t` kept for the modules that still import them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from incidentbot.typography import number, spaced

if TYPE_CHECKING:
    import gettext as _gettext

DOMAIN = "incidentbot"
LANGS: tuple[str, ...] = ("en", "fr")
DEFAULT_LANG = "en"

# Ids the unconverted modules still use for a sentence the catalogue now words once: the same
# decision (or label) was worded two ways in two catalogues. The merge of the service rebuild
# replaces these ids in the callers; then this table goes.
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "assess.notify": "decision.authority",
        "assess.internal": "decision.document",
        "assess.persons_only": "decision.persons",
        "home.title": "open_incidents",
        "card.next": "next_clock",
        "button.timeline": "label.timeline",
        "home.open_steps": "open_steps_n",
    }
)


@dataclass(frozen=True)
class _Catalogue:
    translations: _gettext.GNUTranslations
    known: frozenset[tuple[str | None, str]]
    plural: frozenset[str]


def _locale_file(lang: str) -> bytes:
    from importlib.resources import files

    return (files("incidentbot") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()


@functools.cache
def _catalogue(lang: str) -> _Catalogue:
    """Compile ``lang``'s ``.po`` into a GNU translations object, once per process."""
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(_locale_file(lang)), locale=lang, domain=DOMAIN)
    known = frozenset(
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and (not isinstance(m.string, tuple) or all(m.string))
    )
    plural = frozenset(m.id[0] for m in catalog if m.pluralizable and isinstance(m.id, tuple))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _Catalogue(gettext.GNUTranslations(buffer), known, plural)


def _find(msgid: str, lang: str, context: str | None) -> tuple[_Catalogue, str | None, str] | None:
    msgid = ALIASES.get(msgid, msgid)
    for language in (lang, DEFAULT_LANG) if lang != DEFAULT_LANG else (DEFAULT_LANG,):
        if language not in LANGS:
            continue
        cat = _catalogue(language)
        for ctx in (context, None) if context else (None,):
            if (ctx, msgid) in cat.known:
                return cat, ctx, language
    return None


@functools.lru_cache(maxsize=4096)
def gettext(msgid: str, lang: str = DEFAULT_LANG, /, *, context: str | None = None) -> str:
    """The sentence ``msgid`` in ``lang`` (typography applied), unfilled; ``msgid`` if unknown."""
    found = _find(msgid, lang, context)
    if found is None:
        return msgid
    cat, ctx, language = found
    key = ALIASES.get(msgid, msgid)
    tr = cat.translations
    text = tr.pgettext(ctx, key) if ctx else tr.gettext(key)
    return spaced(text, language)


def ngettext(msgid: str, n: int, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The form of ``msgid`` for ``n`` in ``lang``, filled with ``n`` and ``params``."""
    found = _find(msgid, lang, None)
    if found is None:
        return msgid
    cat, _ctx, language = found
    key = ALIASES.get(msgid, msgid)
    text = spaced(cat.translations.ngettext(key, key, n), language)
    return _fill(text, language, {"n": n, **params})


def _fill(text: str, lang: str, params: Mapping[str, Any]) -> str:
    if not params:
        return text
    return text.format(**{k: _value(v, lang) for k, v in params.items()})


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Message) or callable(getattr(value, "render", None)):
        return value.render(lang)  # a Message, or any object that words itself in ``lang``
    if isinstance(value, Mapping):  # a {lang: text} of a playbook or a jurisdiction
        return value.get(lang) or value.get(DEFAULT_LANG) or next(iter(value.values()), "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang)
    return value


def t(msgid: str, lang: str = DEFAULT_LANG, /, *, context: str | None = None, **params: Any) -> str:
    """The sentence ``msgid`` in ``lang``, filled with ``params``.

    A plural message given ``n`` takes the form for ``n`` (:func:`ngettext`).
    """
    count = params.get("n")
    if isinstance(count, int) and ALIASES.get(msgid, msgid) in _catalogue(DEFAULT_LANG).plural:
        return ngettext(msgid, count, lang, **{k: v for k, v in params.items() if k != "n"})
    return _fill(gettext(msgid, lang, context=context), lang, params)


_ = t


@dataclass(frozen=True, init=False)
class Message:
    """A sentence to be worded later, in the reader's language: ``Message("id", ref="INC-1")``.

    ``count`` makes it a plural message (:func:`ngettext`).
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    count: int | None = None

    def __init__(self, msgid: str, /, *, count: int | None = None, **params: Any) -> None:
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", MappingProxyType(dict(params)))
        object.__setattr__(self, "count", count)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        if self.count is not None:
            return ngettext(self.msgid, self.count, lang, **self.params)
        return t(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)


def render(text: str | Message, lang: str = DEFAULT_LANG) -> str:
    """A :class:`Message` in ``lang``; a plain string as it is."""
    return text.render(lang) if isinstance(text, Message) else text


def lang_or_default(lang: str | None) -> str:
    """``lang`` if the catalogue has it, else English."""
    return lang if lang in LANGS else DEFAULT_LANG

"""Rendering: the sandboxed Jinja2 environment, the markers for missing facts, the filters,
and :class:`Drafter`, which finds a template in the campaign's folders first."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from dateutil.parser import isoparse
from jinja2 import (
    ChainableUndefined,
    FileSystemLoader,
    TemplateError,
    meta,
)
from jinja2.sandbox import SandboxedEnvironment

from incidentbot.core.model import pick
from incidentbot.core.when import parse_zone
from incidentbot.drafting.facts import (
    DATE_PATTERN,
    DATETIME_PATTERNS,
    FACTS,
    KINDS,
    LANGUAGES,
    LOCALES,
    MARKERS,
    NEEDS_JURISDICTION,
    PERIOD,
    RENDER_NAMES,
    SUBMISSIONS,
    SUFFIX,
    MissingFact,
    Rendered,
)
from incidentbot.drafting.markdown import UserText, escape, finalize
from incidentbot.drafting.output import tidy
from incidentbot.errors import ConfigError, UsageError
from incidentbot.i18n import Message

# --- missing facts ---------------------------------------------------------------------------


@dataclass
class _State:
    lang: str
    tz: tzinfo
    missing: dict[str, MissingFact] = field(default_factory=dict)
    titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # jurisdiction's names


_STATE: contextvars.ContextVar[_State | None] = contextvars.ContextVar("_STATE", default=None)


def _marker(name: str) -> str:
    """The visible marker for a missing fact, recorded in the current render."""
    state = _STATE.get()
    lang = state.lang if state else "en"
    fact = FACTS.get(name)
    title = state.titles.get(name) if state else None
    description = pick(title, lang) if title else (fact.describe(lang) if fact else name)
    if state is not None and name not in state.missing:
        supplied = fact.supplied(lang) if fact else ""
        state.missing[name] = MissingFact(name, description, supplied, title or {})
    return MARKERS.get(lang, MARKERS["en"]).format(description)


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


@dataclass(frozen=True)
class ZonedTime:
    """A time that belongs to a zone (a French electoral silence starts at Paris midnight):
    the ``date`` filter shows it on that zone's clock and names the zone."""

    at: datetime
    zone: str

    def __str__(self) -> str:
        return self.at.isoformat()


def _state() -> _State:
    return _STATE.get() or _State("en", UTC)


def as_datetime(value: Any) -> datetime | date | str:
    if isinstance(value, datetime | date):
        return value
    text = str(value).strip()
    if "/" in text or _MONTH.fullmatch(text):
        return text  # a period, or a month: printed by _format_when
    try:
        return date.fromisoformat(text) if len(text) == 10 else isoparse(text)
    except ValueError:
        return text  # free text such as "early November 2017": printed as given


def _premier(text: str, lang: str) -> str:
    """French writes the first day of a month as an ordinal: « 1er décembre »."""
    if lang == "fr" and text.startswith("1 "):
        return "1er " + text[2:]
    return text


def _format_when(value: Any, *, time: bool) -> str:
    return _premier(_format_when_plain(value, time=time), _state().lang)


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _format_when_plain(value: Any, *, time: bool) -> str:
    state = _state()
    locale = LOCALES.get(state.lang, "en_GB")
    when = as_datetime(value)
    month = _MONTH.fullmatch(when) if isinstance(when, str) else None
    if month is not None and 1 <= int(month.group(2)) <= 12:
        first = date(int(month.group(1)), int(month.group(2)), 1)
        return format_date(first, "MMMM y", locale=locale)
    if isinstance(when, datetime):
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        if not time:
            return format_date(when.astimezone(state.tz).date(), DATE_PATTERN, locale=locale)
        pattern = DATETIME_PATTERNS.get(state.lang, DATETIME_PATTERNS["en"])
        return format_datetime(when, pattern, tzinfo=state.tz, locale=locale)
    if isinstance(when, date):
        return format_date(when, DATE_PATTERN, locale=locale)
    return when


def date_filter(value: Any, time: bool = True) -> str:
    """A date, a datetime, an ISO string or a period ``{start, end}``, in the reader's language."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    if isinstance(value, ZonedTime):
        state = _state()
        token = _STATE.set(replace(state, tz=parse_zone(value.zone)))
        try:
            return f"{_format_when(value.at, time=time)} ({value.zone})"
        finally:
            _STATE.reset(token)
    value = as_when(value)
    if isinstance(value, Mapping) and "start" in value:
        start, end = value.get("start"), value.get("end")
        if not end:
            return _format_when(start, time=time)
        template = PERIOD.get(_state().lang, PERIOD["en"])
        return template.format(_format_when(start, time=time), _format_when(end, time=time))
    return _format_when(value, time=time)


def number_filter(value: Any) -> str:
    """A whole or decimal number in the reader's language ("1 234" in French)."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(value, locale=LOCALES.get(_state().lang, "en_GB"))


def list_filter(value: Any) -> str:
    """Items joined for the language: "a, b and c" / "a, b et c"."""
    name = _missing_name(value)
    if name is not None:
        return str(value) if isinstance(value, MarkerUndefined) else _marker(name)
    if isinstance(value, str):
        return value
    # typed items are escaped here: the joined string is no longer marked typed
    items = [escape(item) if isinstance(item, UserText) else str(item) for item in value]
    return format_list(items, locale=LOCALES.get(_state().lang, "en_GB"))


def required_filter(value: Any) -> list[Any]:
    """A list to loop over: the items, or the one marker when the fact is missing or empty."""
    name = _missing_name(value)
    if name is not None:
        return [str(value) if isinstance(value, MarkerUndefined) else _marker(name)]
    if isinstance(value, str):
        return [value]
    return list(value)


# --- rendering -------------------------------------------------------------------------------


class _AnyName(dict[str, Any]):
    """Filters or tests for analysis only: every name counts as known, so that
    ``meta.find_undeclared_variables`` lists the facts of a template that also uses an unknown
    filter (``check_templates`` reports that filter on its own)."""

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, str)


def analysis_environment(dirs: Sequence[Path]) -> SandboxedEnvironment:
    env = environment(dirs)
    env.filters = _AnyName(env.filters)
    env.tests = _AnyName(env.tests)
    return env


def environment(dirs: Sequence[Path]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        undefined=MarkerUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters.update(
        date=date_filter, number=number_filter, list=list_filter, required=required_filter
    )
    return env


class Drafter:
    """Renders drafts from template folders searched in order (the campaign's own first)."""

    def __init__(self, *, template_dirs: Sequence[Path]):
        if not template_dirs:
            raise ConfigError(Message("render.no_dirs"))
        self.template_dirs = tuple(Path(d) for d in template_dirs)
        self._env = environment(self.template_dirs)
        self._analysis = analysis_environment(self.template_dirs)
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
            raise UsageError(Message("render.unknown_kind", kind=kind, kinds=", ".join(KINDS)))
        if lang not in LANGUAGES:
            raise UsageError(Message("render.unknown_lang", lang=lang))
        choices: str | Message = ", ".join(self.available(kind)) or Message("render.none")
        if kind in NEEDS_JURISDICTION and not jurisdiction:
            raise UsageError(Message("render.needs_jurisdiction", kind=kind, choices=choices))
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
                    Message("render.no_variant", variant=variant, kind=kind, choices=choices)
                )
        for name in candidates:
            if self._exists(kind, name):
                return f"{kind}/{name}{SUFFIX}"
        if jurisdiction:
            raise UsageError(
                Message(
                    "render.no_template_for",
                    kind=kind,
                    jurisdiction=jurisdiction,
                    lang=lang,
                    choices=choices,
                )
            )
        raise UsageError(Message("render.no_template", kind=kind, lang=lang, choices=choices))

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
        state = _State(lang, context.get("_tz") or UTC, titles=context.get("_titles") or {})
        token = _STATE.set(state)
        try:
            text = self._env.get_template(path).render(values)
            if path not in self._facts:
                self._facts[path] = frozenset(names_used(self._analysis, path) & FACTS.keys())
        except (TemplateError, OverflowError) as error:
            raise ConfigError(Message("render.cannot_render", path=path, error=error)) from error
        finally:
            _STATE.reset(token)
        return Rendered(tidy(text), path, tuple(state.missing.values()), self._facts[path])


def as_when(value: Any) -> Any:
    """A fact typed as a date: a datetime, a date, a ``{start, end}`` period, or free text."""
    if value is None or value == "" or isinstance(value, datetime | date | Mapping):
        return value
    if isinstance(value, list | tuple) and len(value) == 2:
        return {"start": as_datetime(value[0]), "end": as_datetime(value[1])}
    text = str(value)
    if "/" in text:
        start, end = (part.strip() for part in text.split("/", 1))
        parsed = (as_datetime(start), as_datetime(end))
        if not any(isinstance(p, str) for p in parsed):
            return {"start": parsed[0], "end": parsed[1]}
    return as_datetime(text)


def template_files(directory: Path) -> Iterator[tuple[str, Path]]:
    for kind in KINDS:
        for path in sorted((directory / kind).rglob("*.j2")):
            yield path.relative_to(directory).as_posix(), path


def names_used(env: SandboxedEnvironment, name: str, seen: set[str] | None = None) -> set[str]:
    """Undeclared names of a template and of the templates it includes, imports or extends."""
    seen = seen if seen is not None else set()
    seen.add(name)
    if env.loader is None:
        raise ConfigError(Message("render.no_loader"))
    source, filename, _ = env.loader.get_source(env, name)
    ast = env.parse(source, name, filename)
    names = set(meta.find_undeclared_variables(ast)) - RENDER_NAMES
    for ref in meta.find_referenced_templates(ast):
        if ref and ref not in seen:
            names |= names_used(env, ref, seen)
    return names

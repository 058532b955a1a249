"""The schema's tables (keys, kinds, limits), durations, and the report that collects every problem with its file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from incidentbot.core.model import (
    PHASES,
    Role,
)
from incidentbot.core.severity import AUTHORITY_RULES, PERSONS_RULES
from incidentbot.i18n import Message, render

KeyPath = tuple[str | int, ...]
What = Message | str  # what a problem is about, worded in the reader's language
LineOf = Callable[[KeyPath], int]

LANGUAGES: tuple[str, ...] = ("en", "fr")
"""Every text in a playbook or jurisdiction is given in both languages."""

DRAFT_KINDS: tuple[str, ...] = ("press", "regulator", "notice", "staff", "vendor", "report")
DEADLINE_STARTS: tuple[str, ...] = ("aware_at", "detected_at")
# Threshold ids are the ones core.severity has a rule for (one source of truth):
# unlikely_risk (GDPR / UK GDPR Art. 33(1): notify unless unlikely to result in a risk),
# high_risk (Art. 34(1)), risk_of_serious_injury (Québec P-39.1 s. 3.5, factors s. 3.7),
# rrosh (PIPEDA s. 10.1(1), (7), (8): real risk of significant harm).
THRESHOLDS: tuple[str, ...] = tuple(sorted(AUTHORITY_RULES))
PERSONS_THRESHOLDS: tuple[str, ...] = tuple(sorted(PERSONS_RULES))
ROLES: tuple[str, ...] = tuple(r.value for r in Role)
PHASE_NAMES: tuple[str, ...] = tuple(p.value for p in PHASES)

SLACK_OPTION_MAX = 75
"""Slack's limit for an option's text and description in a select menu."""

# fmt: off
PLAYBOOK_KEYS = ("id", "title", "description", "guidance", "jurisdictions", "steps", "private")
PLAYBOOK_REQUIRED = ("id", "title", "description", "steps")
STEP_KEYS = ("id", "phase", "title", "guidance", "owner", "due", "requires", "draft",
             "mandatory", "evidence")
STEP_REQUIRED = ("id", "phase", "title", "guidance", "owner")
JURISDICTION_REQUIRED = ("name", "authority", "authority_name", "law", "deadline",
                         "persons_deadline", "threshold", "persons_threshold", "language")
JURISDICTION_KEYS = JURISDICTION_REQUIRED + (
    "register_retention_months", "notice_fields", "persons_fields", "persons_exceptions",
    "phased", "statutory_note", "citations", "contact", "timezone", "titles")
DEADLINE_KEYS = ("kind", "hours", "target_hours", "start", "late_requires")
DEADLINE_KINDS = ("hours", "promptly", "as_soon_as_feasible", "without_undue_delay")
# fmt: on

_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELD = re.compile(r"[a-z][a-z0-9_]*")
_JURISDICTION_ID = re.compile(r"[a-z][a-z0-9_-]*")
_EXTRA_LANGUAGE = re.compile(r"[a-z]{2}")
_DURATION = re.compile(r"(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?")


# --- durations ---------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """``2h``, ``30m``, ``1h30m``, ``3d``, ``72h`` -> a timedelta.

    Days, hours and minutes, each a whole number, in that order, at least one of them.
    """
    if not isinstance(text, str):
        raise ValueError(Message("pb.duration_type", value=repr(text)))
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(Message("pb.duration_bad", text=text))
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes)
    except OverflowError:
        raise ValueError(Message("pb.duration_long", text=text)) from None


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(hours=1, minutes=30)`` -> ``1h30m``."""
    if value < timedelta(0) or value % timedelta(minutes=1):
        raise ValueError(f"{value} is not a whole, non-negative number of minutes")
    minutes = value // timedelta(minutes=1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = (f"{days}d" if days else "") + (f"{hours}h" if hours else "")
    text += f"{minutes}m" if minutes or not text else ""
    return text


# --- problems ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line (0 when it concerns the whole file)."""

    file: str
    line: int
    message: str | Message = field(compare=False)

    def text(self, lang: str = "en") -> str:
        """``file:line: what is wrong``, worded in ``lang``."""
        message = render(self.message, lang)
        if self.line > 0:
            return f"{self.file}:{self.line}: {message}"
        return f"{self.file}: {message}"

    def __str__(self) -> str:
        return self.text("en")


class _Report:
    """Collects problems for one source; every check goes on after reporting."""

    def __init__(self, source: str, line_of: LineOf) -> None:
        self.source = source
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, path: KeyPath, message: Message) -> None:
        try:
            line = int(self.line_of(path))
        except (KeyError, IndexError, TypeError, ValueError):
            line = 0
        self.problems.append(Problem(self.source, line, message))

    # -- shapes --

    def mapping(self, value: Any, path: KeyPath, what: What) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, Message("pb.not_mapping", what=what, kind=_kind(value)))
        return None

    def keys(
        self,
        data: Mapping[Any, Any],
        path: KeyPath,
        what: What,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    path + (key,),
                    Message(
                        "pb.unknown_key",
                        key=key,
                        what=what,
                        hint=_did_you_mean(key, allowed),
                        allowed=", ".join(allowed),
                    ),
                )
        for key in required:
            if key not in data:
                self.add(path, Message("pb.missing_key", what=what, key=key))

    def text(
        self, value: Any, path: KeyPath, what: What, *, max_len: int | None = None
    ) -> dict[str, str] | None:
        """A bilingual text: a mapping with a non-empty ``en`` and ``fr``."""
        if not isinstance(value, Mapping):
            self.add(path, Message("pb.not_bilingual", what=what, kind=_kind(value)))
            return None
        ok = True
        result: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES and not (
                isinstance(lang, str) and _EXTRA_LANGUAGE.fullmatch(lang)
            ):
                self.add(path + (lang,), Message("pb.unknown_language", lang=lang, what=what))
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.add(path + (lang,), Message("pb.empty_text", what=what, lang=lang))
                ok = False
            else:
                if max_len is not None and len(text.strip()) > max_len:
                    self.add(
                        path + (lang,),
                        Message(
                            "pb.too_long",
                            what=what,
                            lang=lang,
                            length=len(text.strip()),
                            max=max_len,
                        ),
                    )
                    ok = False
                result[lang] = text.strip()
        for lang in LANGUAGES:
            if lang not in value:
                language = Message(f"pb.language.{lang}")
                self.add(path, Message("pb.no_language", what=what, language=language))
                ok = False
        return result if ok else None

    def string(self, value: Any, path: KeyPath, what: What) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.add(path, Message("pb.not_string", what=what, kind=_kind(value)))
        return None

    def boolean(self, value: Any, path: KeyPath, what: What) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(path, Message("pb.not_boolean", what=what, kind=_kind(value)))
        return None

    def number(self, value: Any, path: KeyPath, what: What) -> float | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        self.add(path, Message("pb.not_hours", what=what, kind=_kind(value)))
        return None

    def choice(self, value: Any, path: KeyPath, what: What, allowed: tuple[str, ...]) -> str | None:
        if not isinstance(value, str):
            self.add(
                path,
                Message("pb.choice_type", what=what, allowed=", ".join(allowed), kind=_kind(value)),
            )
            return None
        norm = value.strip().lower()
        if norm in allowed:
            return norm
        self.add(
            path,
            Message(
                "pb.choice_unknown",
                what=what,
                value=value,
                hint=_did_you_mean(norm, allowed),
                allowed=", ".join(allowed),
            ),
        )
        return None

    def ident(self, value: Any, path: KeyPath, what: What, pattern: re.Pattern[str]) -> str | None:
        if not isinstance(value, str):
            self.add(path, Message("pb.ident_type", what=what, kind=_kind(value)))
            return None
        norm = value.strip().lower()
        if pattern.fullmatch(norm):
            return norm
        example = "assess-risk" if pattern is _KEBAB else "data_description"
        self.add(path, Message("pb.ident_bad", what=what, value=value, example=example))
        return None

    def id_list(
        self, value: Any, path: KeyPath, what: What, pattern: re.Pattern[str]
    ) -> list[tuple[int, str]] | None:
        """A list of ids, each with its index in the list (to point at its line)."""
        if not isinstance(value, list):
            self.add(path, Message("pb.list_type", what=what, kind=_kind(value)))
            return None
        items: list[tuple[int, str]] = []
        for index, item in enumerate(value):
            norm = self.ident(item, path + (index,), Message("pb.what.entry", what=what), pattern)
            if norm is not None:
                items.append((index, norm))
        return items


def _kind(value: Any) -> Message:
    if value is None:
        return Message("pb.kind.nothing")
    if isinstance(value, bool):
        return Message("pb.kind.boolean", value=str(value).lower())
    if isinstance(value, str):
        return Message("pb.kind.text", value=value)
    if isinstance(value, int | float):
        return Message("pb.kind.number", value=str(value))
    if isinstance(value, Mapping):
        return Message("pb.kind.mapping")
    if isinstance(value, list | tuple):
        return Message("pb.kind.list")
    return Message("pb.kind.other", name=type(value).__name__)


def _did_you_mean(value: Any, allowed: Iterable[str]) -> Message | str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value.lower(), list(allowed), n=1)
    return Message("pb.did_you_mean", word=close[0]) if close else ""


def _of(key: str, what: What) -> Message:
    return Message("pb.what.key_of", key=key, what=what)


def _the(key: str, what: What) -> Message:
    return Message("pb.what.the_key_of", key=key, what=what)

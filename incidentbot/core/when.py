"""Reading the time people type: "when did the campaign become aware?".

``parse_when`` turns ``20/11/2026 14h00``, ``yesterday 18:00``, ``il y a 3 heures`` or ISO-8601
into an aware UTC datetime; ``parse_zone`` checks an IANA zone name; ``format_local`` shows a
time back in a zone with its offset.

Choices, and why:

* **A strict grammar, not dateutil's guessing.** ``dateutil.parser.parse`` accepts almost
  anything (``march``, ``5``, ``Donor file 12``) and fills what is missing from a default, and it
  reads two-digit years against the machine's clock. An awareness time starts legal clocks, so a
  misread is worse than a refusal: the forms below are recognised by regular expressions and
  anything else is refused with examples. The calendar check is ``datetime``'s own.
* **Day first, always** (``20/11/2026``, ``20-11-2026``, ``20.11.2026``; ``01/02/2026`` is the
  1st of February), as French and Québec staff write. Year first only in ISO order
  (``2026-11-20``). A two-digit year is 20YY.
* **Local times are read in ``tz``** unless the text carries an offset (``Z``, ``+01:00``,
  ``UTC``, ``UTC-5``), which then wins.
* **DST gap** (a wall time that never happened, e.g. ``2026-03-29 02:30`` in Europe/Paris): moved
  forward by the size of the gap with ``dateutil.tz.resolve_imaginary`` (02:30 -> 03:30 CEST),
  which is what a clock on the wall would have shown.
* **DST overlap** (a wall time that happened twice, e.g. ``2026-10-25 02:30`` in Europe/Paris):
  ``fold=0``, the first occurrence (still summer time). It is the earlier instant, so a
  regulator's clock computed from it never ends later than the law allows.
* **Relative times** (``3 hours ago``, ``il y a 2 jours``) are elapsed time before ``now``
  (2 days = 48 hours), whatever DST did in between. ``yesterday``/``hier`` and ``today``/
  ``aujourd'hui`` are calendar days in ``tz``; without an hour they mean 00:00, the earliest
  reading. A bare hour (``14h``, ``9:30``) means today.
* **Never in the future:** more than a minute after ``now`` is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from dateutil import tz as dateutil_tz

from incidentbot.errors import UsageError
from incidentbot.i18n import Message

TOLERANCE = timedelta(minutes=1)
"""How far after ``now`` a typed time may be (clock skew, a slow typist) before it is refused."""

_MONTHS: Mapping[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "février", "fevrier", "févr", "fevr", "fév", "fev"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre", "déc"),
        ),
        start=1,
    )
    for name in names
}

_TIME = (
    r"(?P<hour>\d{1,2})"
    r"(?:(?P<sep> ?h ?|:)(?P<minute>\d{2})?(?::(?P<second>\d{2})(?:\.\d{1,6})?)?)?"
    r"(?: ?(?P<ampm>[ap])\.?m\.?)?"
)
_ZONE = r"(?: ?(?P<zone>z|(?:utc|gmt)(?: ?[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}(?::?\d{2})?))?"
_AT = r"(?:t| |, ?| (?:at|à|a) )"
_DATES = (
    r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})",
    r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4}|\d{2})",
    r"(?P<day>\d{1,2})(?:er)? (?P<mname>[^\W\d]+)\.? (?P<year>\d{4})",
)
_ABSOLUTE = tuple(re.compile(rf"{d}(?:{_AT}{_TIME})?{_ZONE}") for d in _DATES)
_TIME_ONLY = re.compile(rf"{_TIME}{_ZONE}")
_RELATIVE_DAY = re.compile(
    rf"(?P<day>yesterday|today|hier|aujourd'hui)(?:(?:{_AT}|, (?:at|à|a) ){_TIME}{_ZONE})?"
)
_AGO_EN = re.compile(
    r"(?P<n>\d{1,7}|an?|one) ?(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w) ago"
)
_AGO_FR = re.compile(
    r"il y a (?P<n>\d{1,7}|une?) ?(?P<unit>minutes?|mins?|m|heures?|h|jours?|j|semaines?)"
)
_NOW = frozenset({"now", "right now", "maintenant", "à l'instant", "a l'instant"})
_DAY_OFFSET: Mapping[str, int] = {"yesterday": -1, "hier": -1, "today": 0, "aujourd'hui": 0}
_UNIT: Mapping[str, timedelta] = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "j": timedelta(days=1),
    "w": timedelta(weeks=1),
    "s": timedelta(weeks=1),
}
_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "'": "'", "‘": "’", "«": "»"}
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})


class _Unreadable(Exception):
    """The text follows no form we read (turned into a UsageError by ``parse_when``)."""


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _unreadable(text: str) -> UsageError:
    return UsageError(Message("when.unreadable", text=_shown(text)))


def _fold(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    return " ".join(text.split())


def _offset(zone: str | None) -> tzinfo | None:
    """The fixed zone of an explicit offset (``z``, ``utc``, ``+01:00``, ``utc-5``), if any."""
    if zone is None:
        return None
    sign_at = max(zone.find("+"), zone.find("-"))
    if sign_at < 0:
        return UTC
    digits = zone[sign_at + 1 :].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24) or int(minutes) >= 60:
        raise _Unreadable
    return timezone(-delta if zone[sign_at] == "-" else delta)


def _clock(m: re.Match[str]) -> time:
    """The time of day in a match of ``_TIME`` (00:00 when the text gave none)."""
    if m.group("hour") is None:
        return time(0, 0)
    hour = int(m.group("hour"))
    minute = int(m.group("minute") or 0)
    second = int(m.group("second") or 0)
    sep, ampm = m.group("sep"), m.group("ampm")
    if sep is None and ampm is None:
        raise _Unreadable  # a bare number is not a time: "yesterday 18" could be anything
    if sep == ":" and m.group("minute") is None:
        raise _Unreadable
    if ampm is not None:
        if not 1 <= hour <= 12:
            raise _Unreadable
        hour = hour % 12 + (12 if ampm == "p" else 0)
    return time(hour, minute, second)


def _at(day: date, clock: time, zone: tzinfo) -> datetime:
    """Wall time ``day clock`` in ``zone`` as UTC: gap moved forward, overlap read as fold=0."""
    local = datetime.combine(day, clock).replace(tzinfo=zone, fold=0)
    return dateutil_tz.resolve_imaginary(local).astimezone(UTC)


def _read(text: str, now: datetime, zone: tzinfo) -> datetime:
    if text in _NOW:
        return now
    if (m := _AGO_EN.fullmatch(text) or _AGO_FR.fullmatch(text)) is not None:
        n = m.group("n")
        count = int(n) if n.isdigit() else 1
        return now - count * _UNIT[m.group("unit")[0]]
    if (m := _RELATIVE_DAY.fullmatch(text)) is not None:
        offset = _offset(m.group("zone"))
        here = offset or zone
        day = now.astimezone(here).date() + timedelta(days=_DAY_OFFSET[m.group("day")])
        return _at(day, _clock(m), here)
    if (m := _TIME_ONLY.fullmatch(text)) is not None:
        here = _offset(m.group("zone")) or zone
        return _at(now.astimezone(here).date(), _clock(m), here)
    for pattern in _ABSOLUTE:
        if (m := pattern.fullmatch(text)) is None:
            continue
        groups = m.groupdict()
        if groups.get("mname") is not None:
            month = _MONTHS.get(groups["mname"])
            if month is None:
                raise _Unreadable
        else:
            month = int(groups["month"])
        year = int(groups["year"])
        if len(groups["year"]) == 2:
            year += 2000
        day = date(year, month, int(groups["day"]))
        return _at(day, _clock(m), _offset(m.group("zone")) or zone)
    raise _Unreadable


def parse_when(text: str, *, now: datetime, tz: tzinfo, future: bool = False) -> datetime:
    """The instant ``text`` names, as an aware UTC datetime; local times are read in ``tz``.

    ``now`` must be aware. Raises :class:`UsageError` for text in no known form, a date that is
    not on the calendar, or a time more than a minute after ``now`` (unless ``future``: a
    schedule, such as the start of the electoral silence).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    try:
        at = _read(_fold(text), now, tz)
    except (_Unreadable, OverflowError):
        raise _unreadable(text.strip()) from None
    except ValueError:  # the form is right but the calendar or the clock has no such value
        raise UsageError(Message("when.no_such_date", text=_shown(text.strip()))) from None
    if at > now + TOLERANCE and not future:
        raise UsageError(
            Message("when.future", text=_shown(text.strip()), now=format_local(now, tz, "en"))
        )
    return at


def parse_zone(name: str) -> tzinfo:
    """The zone of an IANA name (``Europe/Paris``, ``America/Toronto``, ``UTC``).

    Only names found in the system's tz database are accepted: not POSIX TZ strings
    (``EST5EDT4``), file paths, ``localtime`` or the leap-second ``right/`` zones, all of which
    ``dateutil.tz.gettz`` would otherwise read.
    """
    clean = name.strip()
    if clean.upper() in ("UTC", "Z"):
        return UTC
    zone = None
    if (
        len(clean) <= 64
        and _ZONE_NAME.fullmatch(clean)
        and clean.lower() not in _NOT_ZONES
        and not clean.startswith("right/")
    ):
        found = dateutil_tz.gettz(clean)
        if isinstance(found, dateutil_tz.tzfile | dateutil_tz.tzutc):
            zone = found
    if zone is None:
        raise UsageError(Message("when.unknown_zone", zone=_shown(clean)), field="tz")
    return zone


def format_local(at: datetime, tz: tzinfo, lang: str) -> str:
    """``2026-11-20 14:00 (UTC+01:00)``: ``at`` on the wall clock of ``tz``, with its offset.

    The same in French and English: ISO order and a 24-hour clock read the same in both.
    """
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    local = at.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    seconds = int(abs(offset).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    shown = f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
        f"{local.hour:02d}:{local.minute:02d} (UTC{sign}{shown})"
    )


def format_zoned(at: datetime, zone: str, lang: str) -> str:
    """``2026-12-03 00:00 (UTC+01:00, Europe/Paris)``: a time that belongs to a zone (the start
    of a French electoral silence is Paris midnight), on that zone's clock, naming it."""
    shown = format_local(at, parse_zone(zone), lang)
    return shown[:-1] + f", {zone})" if shown.endswith(")") else f"{shown} ({zone})"

"""French typography, numbers and dates, in one place.

The message catalogue (:mod:`incidentbot.i18n`) passes every French sentence through
:func:`french` before filling it, and the web templates use the same functions as filters, so
no renderer spaces punctuation by hand:

* a narrow no-break space (U+202F) before ``; ! ?`` and a no-break space (U+00A0) before ``:``
  (only where the sentence has a space there: ``14:00`` and ``https://`` stay as they are);
* « guillemets » with no-break spaces inside (:func:`quote`);
* dates with Babel, "1er décembre 2026" for the first of the month (:func:`date`);
* numbers grouped the French way, "2 300" with a narrow no-break space (:func:`number`).

Babel is imported when a number or a date is first formatted, not at import, so the pure core
can import :mod:`incidentbot.i18n` (and this module) without loading it. Only the catalogue's
own text is respaced: a user's words filled into a sentence are never
touched.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime

NBSP = "\u00a0"
NNBSP = "\u202f"

_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_BEFORE_MARK = re.compile(r"[ \u00a0\u202f]+([;!?])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def french(text: str) -> str:
    """``text`` with French spacing around ``: ; ! ?`` and inside « »."""
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_MARK.sub(NNBSP + r"\1", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    return _CLOSE_QUOTE.sub(NBSP + "»", text)


def spaced(text: str, lang: str) -> str:
    """:func:`french` for French, ``text`` unchanged for any other language."""
    return french(text) if lang == "fr" else text


def quote(text: str, lang: str) -> str:
    """« text » in French, “text” in English."""
    return f"«{NBSP}{text}{NBSP}»" if lang == "fr" else f"“{text}”"


def number(value: int | float, lang: str) -> str:
    """``2300`` -> ``2 300`` in French (narrow no-break space); digits as typed in English.

    English keeps plain digits because English readers copy numbers back into commands
    (``timeline 1000``); French prose groups them as the Imprimerie nationale asks.
    """
    if lang == "fr" and not isinstance(value, bool):
        from babel.numbers import format_decimal

        return format_decimal(value, locale=_LOCALES["fr"])
    return str(value)


def date(value: Date | datetime, lang: str) -> str:
    """``1er décembre 2026`` / ``2 décembre 2026`` in French, ``1 December 2026`` in English."""
    from babel.dates import format_date

    day = value.date() if isinstance(value, datetime) else value
    if lang == "fr" and day.day == 1:
        return "1er " + format_date(day, "MMMM y", locale=_LOCALES["fr"])
    return format_date(day, "d MMMM y", locale=_LOCALES.get(lang, "en_GB"))

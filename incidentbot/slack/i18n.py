"""Slack's view of the one catalogue (:mod:`incidentbot.i18n`).

``t`` is the catalogue's lookup with the ``slack`` message context tried first (the few ids
Slack words differently, such as ``snoozed``). Button texts stay under 75 characters and modal
titles under 24 (Slack's limits); the wording itself is in ``incidentbot/locale``.
"""

from __future__ import annotations

from typing import Any

from incidentbot import i18n


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    return i18n.t(key, lang, context="slack", **params)


def lang_of_locale(locale: str | None, default: str) -> str:
    """``fr-CA`` -> ``fr``; anything but French or English -> ``default``."""
    if locale:
        head = locale.split("-", 1)[0].split("_", 1)[0].lower()
        if head in i18n.LANGS:
            return head
    return default

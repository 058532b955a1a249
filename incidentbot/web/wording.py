"""The web pages' view of the one catalogue (:mod:`incidentbot.i18n`).

Templates call ``t("key")`` with the page's language already bound (:func:`bound`); the ``web``
message context is tried first (the few ids the pages word differently, such as ``declared``,
a column title there). An unknown ``kind.*`` is shown as the kind itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incidentbot import i18n


def word(key: str, lang: str, /, **params: Any) -> str:
    """The sentence ``key`` in ``lang`` (English when French is missing), filled with params."""
    text = i18n.t(key, lang, context="web", **params)
    if text == key and key.startswith("kind."):
        return key[5:]
    return text


def bound(lang: str) -> Callable[..., str]:
    def t(key: str, /, **params: Any) -> str:
        return word(key, lang, **params)

    return t

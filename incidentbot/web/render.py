"""The web pages' Jinja2 environment: HTML with autoescape always on.

This is not the drafting sandbox (:mod:`incidentbot.drafting`): these templates are ours, the
data are not. Every value is escaped, so text a user typed in Slack (``<script>``,
``<img onerror>``) is shown as text. The one unescaped value is the page's ``@page`` rule,
built here from a validated reference and a catalogue label, and allowed by the
Content-Security-Policy through its SHA-256 hash rather than ``'unsafe-inline'``.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from incidentbot import typography
from incidentbot.config import builtin_dir
from incidentbot.web.wording import bound, word

CSS_NAME = "web.css"


def templates_dir() -> Path:
    return builtin_dir("templates") / "web"


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " -_.·—:/()":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'


def print_rule(ref: str, lang: str) -> str:
    """The ``@page`` rule that puts the incident reference at the top of each printed page."""
    label = css_string(f"{ref} — {word('label.timeline', lang)}")
    return (
        "@media print { @page { @top-left { content: "
        + label
        + "; font: 9pt system-ui, sans-serif; color: #5b636d; } } }"
    )


def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class Pages:
    """Renders the web templates found in ``folder`` (default: the built-in ``templates/web``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or templates_dir()
        self.env = Environment(
            loader=FileSystemLoader(str(self.folder)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        # French typography for template authors: {{ n|number(lang) }}, {{ d|longdate(lang) }},
        # {{ text|quoted(lang) }}, {{ text|spaced(lang) }} (the catalogue's t() applies it already)
        self.env.filters.update(
            number=typography.number,
            longdate=typography.date,
            quoted=typography.quote,
            spaced=typography.spaced,
        )

    @cached_property
    def css(self) -> bytes:
        return (self.folder / CSS_NAME).read_bytes()

    def render(
        self, name: str, *, lang: str, print_style: str | None = None, **context: Any
    ) -> str:
        if print_style is not None and "<" in print_style:
            raise ValueError("a print rule may not contain '<'")
        return self.env.get_template(name).render(
            lang=lang,
            t=bound(lang),
            print_style=Markup(print_style) if print_style else None,  # noqa: S704 - built above
            **context,
        )

"""Text typed by people, put into a Markdown draft as text: never a heading, a quote (read as a
note to the author and stripped), a list, a link, emphasis or HTML. :class:`UserText` marks a
value as typed; the template environment escapes it on output (:func:`escape`), and the
``.docx`` shows it unescaped (:func:`unescape`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


class UserText(str):
    """A value someone typed (a fact, a measure, a setting): printed as literal text."""

    __slots__ = ()


# Characters that start inline structure anywhere in a line (CommonMark and its usual extensions).
_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What makes a line a block at its start: a heading, a list item, a setext underline, a table.
_BLOCK_START = re.compile(r"^(#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|=+[ \t]*$|-+[ \t]*$)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")


def escape(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text (lines joined as the paragraph's).

    Backslash-escapes the inline structure everywhere and the block structure at the start of
    each line; a line's leading indentation is dropped (four spaces would make a code block)."""
    lines = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line.lstrip(" \t")))
        line = _ORDERED.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", line))
        lines.append(line)
    return "\n".join(lines)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """The text a Markdown line shows: its backslash escapes removed (for the ``.docx``)."""
    return _ESCAPED.sub(r"\1", text)


def typed(value: Any) -> Any:
    """Mark a value as typed: a string, or the strings of a list or of a mapping's values."""
    if isinstance(value, UserText) or value is None:
        return value
    if isinstance(value, str):
        return UserText(value)
    if isinstance(value, list | tuple):
        return [typed(item) for item in value]
    if isinstance(value, Mapping):
        return {key: typed(item) for key, item in value.items()}
    return value


def finalize(value: Any) -> Any:
    """The template environment's output hook: typed text is escaped, the rest printed as is."""
    return escape(value) if isinstance(value, UserText) else value

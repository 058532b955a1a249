"""A draft in Slack: its text in code blocks cut to Slack's limits, missing facts, diff, Approve."""

from __future__ import annotations

import re

from incidentbot.slack.blocks.base import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    Block,
    button,
    code,
    context,
    cut,
    esc,
    header,
    section,
    who,
)
from incidentbot.slack.i18n import t
from incidentbot.views import (
    DraftView,
)


def code_chunks(text: str, limit: int = SECTION_LIMIT - 6) -> list[str]:
    """``text`` cut (by :func:`split_for_slack`) so that each escaped chunk fits a
    section as a code block."""

    out: list[str] = []
    size = min(limit, 2900)
    pending = split_for_slack(text, size) if text else []
    while pending:
        chunk = pending.pop(0)
        if len(esc(chunk)) <= limit:
            out.append(chunk)
        else:
            pending[:0] = split_for_slack(chunk, max(1, len(chunk) // 2))
    return out


def _diff_counts(diff_text: str) -> tuple[int, int]:
    lines = diff_text.splitlines()
    added = sum(1 for ln in lines if ln.startswith("+") and not ln.startswith("+++"))
    removed = sum(1 for ln in lines if ln.startswith("-") and not ln.startswith("---"))
    return added, removed


CHUNKS_PER_MESSAGE = 4


def draft_messages(view: DraftView, lang: str) -> list[tuple[list[Block], str]]:
    """A draft as channel messages: the text in code blocks (split under Slack's limits, a few
    per message), then the missing facts with the command that supplies each, the diff summary
    and the Approve button (its value: ``INC-1|press-en-v2``)."""
    d = view.draft
    ref = view.incident.ref
    name = d.name
    title = t("draft.title", lang, ref=ref, name=name)
    chunks = code_chunks(d.body)
    total = len(chunks)
    messages: list[tuple[list[Block], str]] = []
    for start in range(0, max(total, 1), CHUNKS_PER_MESSAGE):
        part = chunks[start : start + CHUNKS_PER_MESSAGE]
        blocks: list[Block] = [header(title)] if start == 0 else []
        if total > 1:
            last = min(start + CHUNKS_PER_MESSAGE, total)
            label = t("draft.part", lang, n=f"{start + 1}–{last}" if last > start + 1 else
                      start + 1, total=total)  # fmt: skip
            blocks.append(context(f"{esc(name)} · {label} · `{esc(d.template)}`"))
        elif start == 0:
            blocks.append(context(f"`{esc(d.template)}`"))
        blocks += [section(code(c)) for c in part]
        messages.append((blocks, esc(f"{title} ({start // CHUNKS_PER_MESSAGE + 1})")))
    language = view.language_note(lang)
    notes = [*view.notes, *([language] if language else [])]
    tail: list[Block] = [section(esc(note.render(lang))) for note in notes]
    if view.missing:
        worded = [m.worded(lang) for m in view.missing[:40]]
        lines = "\n".join(
            f"• {esc(t('label.colon', lang, label=name))} `{esc(command)}`"
            for name, command in worded
        )
        tail.append(
            section(f"*{t('label.missing', lang)}*\n{t('draft.missing_hint', lang)}\n{lines}")
        )
    if view.diff and view.previous_version is not None:
        added, removed = _diff_counts(view.diff)
        summary = t("draft.diff", lang, version=view.previous_version, added=added, removed=removed)
        tail.append(section(f"*{summary}*\n{code(cut(view.diff, 1500))}"))
    if view.files:
        names = ", ".join(f"`{esc(n)}`" for n in view.files)
        tail.append(context(t("draft.files_follow", lang, names=names)))
    if d.approved_by:
        tail.append(context(t("draft.approved_already", lang, who=who(d.approved_by))))
    else:
        tail.append(
            {
                "type": "actions",
                "block_id": f"draft:{name}"[:255],
                "elements": [
                    button(t("button.approve", lang), "draft.approve", f"{ref}|{name}",
                           "primary"),
                ],
            }
        )  # fmt: skip
    last_blocks, last_text = messages[-1]
    if len(last_blocks) + len(tail) <= MAX_BLOCKS:
        messages[-1] = (last_blocks + tail, last_text)
    else:
        messages.append((tail, esc(title)))
    return messages


def draft_blocks(view: DraftView, lang: str) -> list[Block]:
    """All of a draft in one list (for a reply); the channel gets :func:`draft_messages`."""
    out: list[Block] = []
    for blocks, _ in draft_messages(view, lang):
        out += blocks
    return out[:MAX_BLOCKS]


def _pieces(text: str, limit: int, level: int = 0) -> list[str]:
    """``text`` cut at paragraphs, then lines, then spaces, then anywhere: each piece <= limit."""
    if len(text) <= limit:
        return [text]
    if level == 0:
        parts = re.split(r"(?<=\n\n)(?=[^\n])", text)
    elif level == 1:
        parts = re.split(r"(?<=\n)(?=.)", text, flags=re.S)
    elif level == 2:
        parts = re.findall(r"\s+|\S+", text)
    else:
        return [text[n : n + limit] for n in range(0, len(text), limit)]
    out: list[str] = []
    for part in parts:
        out.extend(_pieces(part, limit, level + 1) if len(part) > limit else [part])
    return out


def split_for_slack(text: str, limit: int = 2900) -> list[str]:
    """Chunks of at most ``limit`` characters that join back to ``text`` exactly.

    Cuts fall between paragraphs when possible, then between lines, then between words; a word
    is cut only when it alone is longer than ``limit``.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return chunks

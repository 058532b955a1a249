"""The incident card, the deadlines, the timeline, the list, help, confirmations, App Home."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from incidentbot.core import commands as cmd
from incidentbot.core.model import Incident, pick
from incidentbot.core.when import format_local, format_zoned
from incidentbot.events import kind_word, said
from incidentbot.i18n import Message
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
    when,
    who,
)
from incidentbot.slack.blocks.steps import clock_text, severity_text, step_text
from incidentbot.slack.i18n import t
from incidentbot.views import (
    Ack,
    Card,
    DeadlinesView,
    HelpView,
    ListView,
    StepLine,
    TimelineView,
    silence_starts,
)


def card_blocks(card: Card, lang: str, tz: tzinfo) -> list[Block]:
    inc = card.incident
    status = t(f"label.{inc.status.value}", lang)
    blocks: list[Block] = [
        header(f"{inc.ref} — {inc.title} [{status}]"),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{t('label.lead', lang)}*\n{who(inc.lead)}"},
                {
                    "type": "mrkdwn",
                    "text": f"*{t('label.severity', lang)}*\n{severity_text(inc, lang)}",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t('label.playbook', lang)}*\n{esc(pick(card.playbook_title, lang))}",
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t('label.aware', lang)}*\n"
                    + (when(inc.aware_at, tz) if inc.aware_at else t("label.not_set", lang)),
                },
                {
                    "type": "mrkdwn",
                    "text": f"*{t('label.jurisdictions', lang)}*\n"
                    + (esc(", ".join(inc.jurisdictions)) or "-"),
                },
            ],
        },
        context(
            f"*{t('label.progress', lang)}*: "
            + " · ".join(
                f"{t('phase.' + p.phase.value, lang)} {p.done}/{p.total}" for p in card.progress
            )
        ),
    ]
    if inc.aware_at is None:
        clocks = t("clocks_not_started", lang)
    else:
        clocks = "\n".join(clock_text(c, lang, tz, left=False) for c in card.clocks) or "-"
    silence = silence_text(card, lang, tz)
    if silence:
        clocks += "\n" + silence
    blocks.append(section(f"*{t('label.clocks', lang)}*\n{clocks}"))
    if card.open_steps:
        shown = card.open_steps[:8]
        lines = [step_text(line, lang, tz).split("\n")[0] for line in shown]
        if len(card.open_steps) > len(shown):
            lines.append(t("card.more_steps", lang, n=len(card.open_steps) - len(shown)))
        blocks.append(
            section(
                f"*{t('label.open_steps', lang)}* ({len(card.open_steps)})\n" + "\n".join(lines)
            )
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "card",
            "elements": [
                button(t("button.checklist", lang), "card.steps", inc.ref, "primary"),
                button(t("button.deadlines", lang), "card.deadlines", inc.ref),
                button(t("button.timeline", lang), "card.timeline", inc.ref),
            ],
        }
    )
    return blocks


def card_fallback(card: Card, lang: str) -> str:
    inc = card.incident
    return esc(
        t(
            "card.fallback",
            lang,
            ref=inc.ref,
            title=inc.title,
            lead=inc.lead or "-",
            severity=severity_text(inc, lang),
        )
    )


def deadlines_blocks(view: DeadlinesView, lang: str, tz: tzinfo) -> list[Block]:
    """Each clock on its line; a running or overdue regulator clock carries "Mark notified"
    (its value: ``INC-1|fr``), which opens a modal for the regulator's case reference."""
    inc = view.incident
    head = f"*{inc.ref} — {t('label.clocks', lang)}*"
    if inc.aware_at is None or not view.clocks:
        body = t("clocks_not_started", lang) if inc.aware_at is None else "-"
        return [section(f"{head}\n{body}")]
    blocks: list[Block] = [section(head)]
    open_incident = inc.status.value != "closed"
    for i, c in enumerate(view.clocks[: MAX_BLOCKS - 1]):
        extra: dict[str, Any] = {"block_id": f"clock:{i}:{c.key}"[:255]}
        if open_incident and c.audience == "authority" and c.state in ("running", "overdue"):
            label = t("button.notified", lang, authority=c.authority or c.jurisdiction)
            extra["accessory"] = button(label, "clock.notified", f"{inc.ref}|{c.jurisdiction}")
        blocks.append(section(clock_text(c, lang, tz), **extra))
    return blocks


def timeline_blocks(view: TimelineView, lang: str, tz: tzinfo) -> list[Block]:
    inc = view.incident
    head = (
        f"*{inc.ref} — {t('label.timeline', lang)}* ("
        + t("label.of_events", lang, n=len(view.events), total=view.total)
        + ")"
    )
    lines = []

    def plain(at: datetime) -> str:  # inside text that is escaped: no Slack date token
        return format_local(at, tz, lang)

    for e in view.events:
        step = e.data.get("step") if e.data else None
        what = esc(kind_word(e.kind, e.data, lang)) + (f" `{esc(step)}`" if step else "")
        worded = said(e.kind, e.text, e.data, lang, actor=e.actor, when=plain)
        text = f": {esc(cut(worded, 300))}" if worded else ""
        link = f" <{esc(e.link)}|↗>" if e.link and e.link.startswith("https://") else ""
        lines.append(f"#{e.seq} {when(e.at, tz)} {who(e.actor)} {what}{text}{link}")
    blocks = [section(head)]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_LIMIT - 10:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if view.link:
        until = when(view.link_expires, tz) if view.link_expires else ""
        blocks.append(section(f"<{esc(view.link)}|{t('label.full_timeline', lang, until=until)}>"))
    return blocks[: MAX_BLOCKS - 1] + blocks[-1:] if len(blocks) > MAX_BLOCKS else blocks


def silence_text(card: Card, lang: str, tz: tzinfo) -> str:
    """The electoral silence on the card: when it starts (a date token, right for every reader
    even on a card that is only redrawn on changes), or that it is in force."""
    return silence_line(card.silence_starts, card.now, lang, tz, card.silence_zone)


def silence_line(
    starts: datetime | None,
    now: datetime | None,
    lang: str,
    tz: tzinfo,
    zone: str | None = None,
) -> str:
    if starts is None or now is None:
        return ""
    label = t("label.colon", lang, label=f"*{t('silence.label', lang)}*")
    at = when(starts, tz)  # on the reader's own clock (Slack words the date token) ...
    if zone:  # ... and on the clock of the zone it belongs to (Paris midnight in France), named
        at += f" — {esc(format_zoned(starts, zone, lang))}"
    if starts > now:
        return f":ballot_box_with_ballot: {label} " + t("silence.ahead_short", lang, at=at)
    return f":no_entry: {label} " + t("silence.now", lang, at=at)


def list_lines(view: ListView, lang: str, tz: tzinfo) -> list[str]:
    lines = []
    for item in view.items:
        nxt = (
            clock_text(item.next_clock, lang, tz)
            if item.next_clock
            else t("home.no_deadline", lang)
        )
        channel = f" <#{item.incident.channel}>" if item.incident.channel else ""
        silence = silence_line(silence_starts(item.incident), view.now, lang, tz)
        lines.append(
            f"*{item.incident.ref}* — {esc(item.incident.title)}{channel} · "
            + t("home.open_steps", lang, n=item.open_steps)
            + f" · {nxt}"
            + (f"\n{silence}" if silence else "")
        )
    return lines


def list_blocks(view: ListView, lang: str, tz: tzinfo) -> list[Block]:
    if not view.items:
        return [section(t("no_open", lang))]
    return [section(line) for line in list_lines(view, lang, tz)[:MAX_BLOCKS]]


def help_blocks(view: HelpView, lang: str) -> list[Block]:
    text = cmd.usage_text(lang, view.topic)
    head, _, rest = text.partition("\n")
    return (
        [section(esc(head)), section(code(rest) if rest else "")] if rest else [section(esc(head))]
    )


def ack_text(view: Ack, lang: str, tz: tzinfo) -> str:
    params: dict[str, Any] = {}
    for key, value in view.params.items():
        if isinstance(value, datetime):
            params[key] = when(value, tz)
        elif key == "user":
            params[key] = who(str(value))
        elif key == "step":
            params[key] = f"`{esc(value)}`"
        elif isinstance(value, Message):
            params[key] = esc(value.render(lang))
        else:
            params[key] = esc(value)
    return ":white_check_mark: " + t(view.key, lang, **params)


def home_view(
    listing: ListView, mine: Sequence[tuple[Incident, Iterable[StepLine]]], lang: str, tz: tzinfo
) -> dict[str, Any]:
    blocks: list[Block] = [header(t("home.title", lang))]
    lines = list_lines(listing, lang, tz)
    blocks += [section(line) for line in lines[:40]] or [section(t("no_open", lang))]
    blocks.append({"type": "divider"})
    blocks.append(header(t("home.mine", lang)))
    mine_lines = [
        f"*{inc.ref}* " + step_text(line, lang, tz).split("\n")[0]
        for inc, lines_ in mine
        for line in lines_
    ]
    if mine_lines:
        chunk = "\n".join(mine_lines)
        blocks.append(section(chunk))
    else:
        blocks.append(section(t("home.none_mine", lang)))
    return {"type": "home", "callback_id": "home", "blocks": blocks[:100]}

"""Block Kit builders: the service's view-models rendered for Slack.

Every text a user typed (titles, notes, step ids echoed back, reasons) goes through :func:`esc`,
so ``<!channel>`` or ``<@U…>`` typed into a title shows as text and pings nobody. Times are
Slack date tokens (:func:`when`), so each reader sees their own zone; the fallback text uses the
campaign's zone. Limits kept: 50 blocks a message, 3000 characters a section, 150 a header,
75 a button label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from incidentbot.core import commands as cmd
from incidentbot.core import deadlines
from incidentbot.core.model import Incident, Step, pick
from incidentbot.slack.i18n import t
from incidentbot.views import (
    Ack,
    AssessmentView,
    Card,
    ClosedView,
    DeadlinesView,
    DeclaredView,
    DraftView,
    HelpView,
    ListView,
    NeedsModal,
    RegisterView,
    StepLine,
    StepsView,
    TimelineView,
    View,
)

Block = dict[str, Any]
MAX_BLOCKS = 50
SECTION_LIMIT = 3000


def esc(text: object) -> str:
    """Slack's three control characters escaped: ``&`` ``<`` ``>``."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unesc(text: str) -> str:
    """Undo Slack's escaping of typed text (``&amp;``, ``&lt;``, ``&gt;``) so that what a user
    typed is stored as typed; mentions Slack itself formatted (``<@U123|bob>``) stay as they are.
    ``esc`` is applied again whenever the text is echoed back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when(at: datetime, tz: tzinfo) -> str:
    """``<!date^1764000000^{date_short_pretty} {time}|2026-11-24 14:00 UTC>``."""
    fallback = at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{esc(fallback)}>"


def who(user: str | None) -> str:
    """A Slack user id becomes a mention; a shell name is shown as typed (escaped)."""
    if not user:
        return "-"
    if user[:1] in ("U", "W") and user[1:].isalnum() and user.upper() == user:
        return f"<@{user}>"
    return esc(user)


def section(text: str, **extra: Any) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)},
        **extra,
    }


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, SECTION_LIMIT)}]}


def header(text: str) -> Block:
    """A header from raw text (escaped here: Slack decodes entities in plain text too)."""
    return {"type": "header", "text": {"type": "plain_text", "text": cut(esc(text), 150)}}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    el: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(label, 75)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        el["style"] = style
    return el


def code(text: str) -> str:
    return "```" + esc(text) + "```"


# -- pieces ------------------------------------------------------------------------------


def severity_text(incident: Incident, lang: str) -> str:
    if incident.severity is None:
        return t("label.not_set", lang)
    return t(f"severity.{incident.severity.value}", lang)


def clock_text(clock: Any, lang: str, tz: tzinfo, *, left: bool = True) -> str:
    """One clock, with date tokens where it has a time; other states as the core words them.

    ``left=False`` for the pinned card: it is only redrawn on changes, so a "time left" there
    would go stale; the date token stays right for every reader.
    """
    label = esc(clock.authority or clock.jurisdiction)
    if clock.audience == "persons":
        label += " — personnes" if lang == "fr" else " — persons"
    if clock.state == "running" and clock.due_at is not None:
        if not left:
            return f"*{label}*: {t('label.due', lang)} {when(clock.due_at, tz)}"
        remaining = deadlines.format_duration(clock.time_left, lang) if clock.time_left else ""
        return f"*{label}*: " + t("card.due_left", lang, at=when(clock.due_at, tz), left=remaining)
    if clock.state == "overdue" and clock.due_at is not None:
        return f"*{label}*: " + t("card.overdue", lang, at=when(clock.due_at, tz))
    if clock.state in ("running", "overdue") and clock.target_at is not None:
        words = esc(clock.rule_kind.replace("_", " "))
        return f"*{label}*: " + t("card.target", lang, words=words, at=when(clock.target_at, tz))
    return esc(deadlines.describe(clock, lang, tz))


def step_text(line: StepLine, lang: str, tz: tzinfo) -> str:
    s = line.step
    mark = {
        "pending": ":white_large_square:",
        "done": ":white_check_mark:",
        "skipped": ":fast_forward:",
    }[s.status.value]
    title = esc(pick(s.definition.title, lang))
    star = " *" if s.definition.mandatory else ""
    parts = [f"{mark} *{title}*{star}  `{esc(s.id)}`"]
    detail = [
        f"{esc(line.owner)}: {who(line.assignee) if line.assignee else t('label.unassigned', lang)}"
    ]
    if s.is_open and s.due_at is not None:
        detail.append(f"{t('label.due', lang)} {when(s.due_at, tz)}")
    if line.overdue:
        detail.append(f"*{t('label.overdue', lang)}*")
    if line.blocked_by:
        detail.append(
            ":lock: "
            + t("steps.blocked", lang, steps=", ".join(f"`{esc(b)}`" for b in line.blocked_by))
        )
    if not s.is_open:
        at = when(s.done_at, tz) if s.done_at else ""
        detail.append(
            t(
                "steps.by",
                lang,
                status=t(f"status.{s.status.value}", lang),
                who=who(s.done_by),
                at=at,
            )
        )
        if s.note:
            detail.append("“" + esc(cut(s.note, 500)) + "”")
    parts.append(" · ".join(detail))
    return "\n".join(parts)


def step_value(step: Step) -> str:
    """What a button carries: the incident, the step and the version the clicker saw."""
    return f"{step.incident}|{step.id}|{step.version}"


def parse_step_value(value: str) -> tuple[str, str, int]:
    ref, step, version = value.split("|", 2)
    return ref, step, int(version)


def step_actions(line: StepLine, lang: str) -> Block:
    s = line.step
    value = step_value(s)
    return {
        "type": "actions",
        "block_id": "step|" + value,
        "elements": [
            button(t("button.done", lang), "step.done", value, "primary"),
            button(t("button.skip", lang), "step.skip", value),
            {
                "type": "users_select",
                "action_id": "step.assign",
                "placeholder": {"type": "plain_text", "text": t("field.assign_placeholder", lang)},
                **({"initial_user": line.assignee} if who(line.assignee).startswith("<@") else {}),
            },
        ],
    }


# -- whole views --------------------------------------------------------------------------


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


def steps_blocks(view: StepsView, lang: str, tz: tzinfo) -> list[Block]:
    inc = view.incident
    closed = inc.status.value == "closed"
    phases: dict[str, list[StepLine]] = {}
    for line in view.lines:
        phases.setdefault(line.step.phase.value, []).append(line)
    open_lines = [ln for ln in view.lines if ln.step.is_open]
    full = 1 + 2 * len(phases) + 2 * len(open_lines) + 1 <= MAX_BLOCKS and not closed
    blocks: list[Block] = [header(f"{inc.ref} — {inc.title}")]
    for phase, lines in phases.items():
        done = sum(not ln.step.is_open for ln in lines)
        blocks.append(section(f"*{t('phase.' + phase, lang)}* ({done}/{len(lines)})"))
        finished = [step_text(ln, lang, tz) for ln in lines if not ln.step.is_open]
        if finished:
            blocks.append(context("\n".join(finished)))
        for ln in lines:
            if not ln.step.is_open:
                continue
            blocks.append(section(step_text(ln, lang, tz), block_id=f"text:{ln.step.id}"))
            if full and not ln.blocked_by:
                blocks.append(step_actions(ln, lang))
    if not full and not closed:
        blocks.append(context(t("steps.compact", lang)))
    blocks.append(context("* " + t("label.mandatory", lang)))
    return blocks[:MAX_BLOCKS]


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
    for e in view.events:
        step = e.data.get("step") if e.data else None
        what = esc(e.kind) + (f" `{esc(step)}`" if step else "")
        text = f": {esc(cut(e.text, 300))}" if e.text else ""
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


def list_lines(view: ListView, lang: str, tz: tzinfo) -> list[str]:
    lines = []
    for item in view.items:
        nxt = (
            clock_text(item.next_clock, lang, tz)
            if item.next_clock
            else t("home.no_deadline", lang)
        )
        channel = f" <#{item.incident.channel}>" if item.incident.channel else ""
        lines.append(
            f"*{item.incident.ref}* — {esc(item.incident.title)}{channel} · "
            + t("home.open_steps", lang, n=item.open_steps)
            + f" · {nxt}"
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
        else:
            params[key] = esc(value)
    return ":white_check_mark: " + t(view.key, lang, **params)


def decision_text(authority: bool, persons: bool, lang: str) -> str:
    if authority:
        text = t("assess.notify", lang)
        return text + " " + t("assess.persons", lang) if persons else text
    return t("assess.persons_only" if persons else "assess.internal", lang)


def assessment_blocks(view: AssessmentView, lang: str) -> list[Block]:
    """The score line, every assumption, and one decision per jurisdiction with its rule and an
    Override button (its value: ``INC-1|qc``)."""
    a = view.assessment
    ref = view.incident.ref
    blocks: list[Block] = [header(f"{ref} — {t('assess.result', lang, version=view.version)}")]
    score = f"*{t('assess.score', lang)}*: {esc(a.explain(lang))}"
    if view.previous_band and view.previous_band != a.band.value:
        score += "\n" + t(
            "assess.band_changed",
            lang,
            before=t(f"severity.{view.previous_band}", lang),
            after=t(f"severity.{a.band.value}", lang),
        )
    blocks.append(section(score))
    notes = [pick(x.text, lang) for x in a.assumed] + [pick(n, lang) for n in a.notes]
    if notes:
        lines = "\n".join(f"• {esc(n)}" for n in notes)
        blocks.append(section(f"*{t('assess.assumed', lang)}*\n{lines}"))
    closed = view.incident.status.value == "closed"
    for d in view.decisions[: MAX_BLOCKS - 4]:
        jid = str(d["jurisdiction"])
        text = f"*{esc(jid)}*: {decision_text(d['authority'], d['persons'], lang)}"
        if d.get("rule"):
            text += f"\n{esc(view.rule(jid, lang))}"
        over = d.get("override")
        if over:
            computed = d.get("computed") or {}
            text += (
                "\n_"
                + t(
                    "assess.overridden",
                    lang,
                    who=who(over.get("by")),
                    reason=esc(cut(str(over.get("reason") or ""), 500)),
                    computed=decision_text(
                        bool(computed.get("authority")), bool(computed.get("persons")), lang
                    ),
                )
                + "_"
            )
        extra: dict[str, Any] = {"block_id": f"decision:{jid}"}
        if not closed:
            extra["accessory"] = button(
                t("button.override", lang), "assess.override", f"{ref}|{jid}"
            )
        blocks.append(section(text, **extra))
    return blocks


def _code_chunks(text: str, limit: int = SECTION_LIMIT - 6) -> list[str]:
    """``text`` cut (by :func:`drafting.split_for_slack`) so that each escaped chunk fits a
    section as a code block."""
    from incidentbot.drafting import split_for_slack

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
    chunks = _code_chunks(d.body)
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
    tail: list[Block] = []
    if view.missing:
        lines = "\n".join(
            f"• {esc(m.description)}: `{esc(m.supplied_by)}`" for m in view.missing[:40]
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


def render(view: View, lang: str, tz: tzinfo) -> tuple[list[Block], str, bool]:
    """A view as (blocks, fallback text, shown to the whole channel?)."""
    match view:
        case Ack():
            text = ack_text(view, lang, tz)
            return [section(text)], text, view.changed
        case DeclaredView():
            inc = view.card.incident
            return (
                card_blocks(view.card, lang, tz),
                esc(t("declared", lang, ref=inc.ref, title=inc.title)),
                True,
            )
        case Card():
            return card_blocks(view, lang, tz), card_fallback(view, lang), False
        case StepsView():
            return (
                steps_blocks(view, lang, tz),
                f"{view.incident.ref}: {t('button.checklist', lang)}",
                False,
            )
        case DeadlinesView():
            return (
                deadlines_blocks(view, lang, tz),
                f"{view.incident.ref}: {t('label.clocks', lang)}",
                False,
            )
        case TimelineView():
            return (
                timeline_blocks(view, lang, tz),
                f"{view.incident.ref}: {t('label.timeline', lang)}",
                False,
            )
        case ListView():
            return list_blocks(view, lang, tz), t("home.title", lang), False
        case HelpView():
            return help_blocks(view, lang), "/incident help", False
        case ClosedView():
            text = ":lock: " + t("closed", lang, ref=view.incident.ref)
            return [section(text)], text, True
        case AssessmentView():
            text = f"{view.incident.ref}: " + t("assess.result", lang, version=view.version)
            return assessment_blocks(view, lang), text, True
        case DraftView():
            return draft_blocks(view, lang), esc(view.draft.name), False
        case RegisterView():
            from incidentbot.reports import register_markdown

            text = register_markdown(view.rows, lang)
            return [section(code(cut(text, 2900)))], "register", False
        case NeedsModal():
            text = t("error.assess_modal", lang)
            return [section(esc(text))], esc(text), False
    return [section(esc(str(view)))], esc(str(view)), False


def error_blocks(message: str) -> list[Block]:
    return [section(":warning: " + message)]


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

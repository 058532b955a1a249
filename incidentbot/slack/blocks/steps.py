"""The checklist: a step's line, its buttons, and the whole list by phase."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from incidentbot.core import deadlines
from incidentbot.core.model import Incident, Step, StepStatus, pick
from incidentbot.events import step_note
from incidentbot.slack.blocks.base import (
    MAX_BLOCKS,
    Block,
    button,
    context,
    cut,
    esc,
    header,
    section,
    when,
    who,
)
from incidentbot.slack.i18n import t
from incidentbot.views import (
    StepLine,
    StepsView,
)


def severity_text(incident: Incident, lang: str) -> str:
    if incident.severity is None:
        return t("label.severity_not_set", lang)
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
        t("label.colon", lang, label=esc(t("role." + line.owner, lang)))
        + f" {who(line.assignee) if line.assignee else t('label.unassigned', lang)}"
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
            detail.append("“" + esc(cut(step_note(s.id, s.note, lang) or "", 500)) + "”")
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


MEASURE_OPTIONS = 100
"""Block Kit's limit for a static select's options; a phase has far fewer steps."""


def measure_actions(ref: str, phase: str, lines: list[StepLine], lang: str) -> Block | None:
    """One "Measure" menu for the completed steps of a phase, every one of them: a choice opens
    a modal that offers the step as a public measure for staff to word, taken or planned
    (README.md, "What a draft may quote")."""
    done = [ln.step for ln in lines if ln.step.status is StepStatus.DONE][:MEASURE_OPTIONS]
    if not done:
        return None
    return {
        "type": "actions",
        "block_id": f"measure|{ref}|{phase}",
        "elements": [
            {
                "type": "static_select",
                "action_id": "step.measure",
                "placeholder": {
                    "type": "plain_text",
                    "text": cut(t("field.measure_from_step", lang), 150),
                },
                "options": [
                    {
                        "text": {
                            "type": "plain_text",
                            "text": cut(t("button.measure", lang, step=s.id), 75),
                        },
                        "value": step_value(s),
                    }
                    for s in done
                ],
            }
        ],
    }


def step_detail_blocks(view: StepsView, lang: str, tz: tzinfo) -> list[Block]:
    """One step in detail (``/incident steps STEP``, a step's "Details" button): its line, what
    it waits for, whether it is mandatory, and the playbook's guidance naming the incident's
    own authorities."""
    line = view.lines[0]
    s = line.step
    requires = [
        t("detail.prerequisite", lang, step=f"`{esc(r)}`", state=t(f"detail.req.{st}", lang))
        for r, st in line.requires
    ]

    def field(key: str, value: str) -> str:
        return t("label.colon", lang, label=f"*{t(key, lang)}*") + " " + value

    facts = [
        field("detail.role", esc(t("role." + line.owner, lang))),
        field("detail.requires", ", ".join(requires) or t("detail.none", lang)),
        field(
            "detail.mandatory",
            t("detail.yes" if s.definition.mandatory else "detail.no", lang),
        ),
    ]
    blocks: list[Block] = [
        header(f"{view.incident.ref} — {pick(s.definition.title, lang)}"),
        section(step_text(line, lang, tz)),
        context("\n".join(facts)),
    ]
    guidance = pick(s.definition.guidance, lang) if s.definition.guidance else ""
    if guidance:
        blocks.append(section(f"*{t('detail.guidance', lang)}*\n{esc(guidance)}"))
    if s.is_open and not line.blocked_by and view.incident.status.value != "closed":
        blocks.append(step_actions(line, lang))
    return blocks


def details_button(step: Step, lang: str) -> Block:
    return button(t("detail.button", lang), "step.details", step_value(step))


def steps_blocks(view: StepsView, lang: str, tz: tzinfo) -> list[Block]:
    if view.focus is not None and view.lines:
        return step_detail_blocks(view, lang, tz)
    inc = view.incident
    closed = inc.status.value == "closed"
    phases: dict[str, list[StepLine]] = {}
    for line in view.lines:
        phases.setdefault(line.step.phase.value, []).append(line)
    open_lines = [ln for ln in view.lines if ln.step.is_open]
    with_done = sum(
        any(ln.step.status is StepStatus.DONE for ln in lines) for lines in phases.values()
    )
    full = 1 + 2 * len(phases) + 2 * len(open_lines) + with_done + 1 <= MAX_BLOCKS and not closed
    blocks: list[Block] = [header(f"{inc.ref} — {inc.title}")]
    for phase, lines in phases.items():
        done = sum(not ln.step.is_open for ln in lines)
        blocks.append(section(f"*{t('phase.' + phase, lang)}* ({done}/{len(lines)})"))
        finished = [step_text(ln, lang, tz) for ln in lines if not ln.step.is_open]
        if finished:
            blocks.append(context("\n".join(finished)))
            measures = measure_actions(inc.ref, phase, lines, lang) if full else None
            if measures is not None:
                blocks.append(measures)
        for ln in lines:
            if not ln.step.is_open:
                continue
            extra = {"accessory": details_button(ln.step, lang)} if not closed else {}
            blocks.append(section(step_text(ln, lang, tz), block_id=f"text:{ln.step.id}", **extra))
            if full and not ln.blocked_by:
                blocks.append(step_actions(ln, lang))
    if not full and not closed:
        blocks.append(context(t("steps.compact", lang)))
    blocks.append(context("* " + t("label.mandatory", lang)))
    return blocks[:MAX_BLOCKS]

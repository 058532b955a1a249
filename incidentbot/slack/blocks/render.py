"""A view-model rendered for Slack: (blocks, fallback text, shown to the whole channel?)."""

from __future__ import annotations

from datetime import tzinfo

from incidentbot.slack.blocks.assessment import assessment_blocks
from incidentbot.slack.blocks.base import (
    Block,
    code,
    cut,
    esc,
    section,
)
from incidentbot.slack.blocks.card import (
    ack_text,
    card_blocks,
    card_fallback,
    deadlines_blocks,
    help_blocks,
    list_blocks,
    timeline_blocks,
)
from incidentbot.slack.blocks.drafts import draft_blocks
from incidentbot.slack.blocks.steps import steps_blocks
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
    StepsView,
    TimelineView,
    View,
)


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
            from incidentbot.service.register import register_markdown

            text = register_markdown(view.rows, lang)
            return [section(code(cut(text, 2900)))], "register", False
        case NeedsModal():
            text = t("error.assess_modal", lang)
            return [section(esc(text))], esc(text), False
    return [section(esc(str(view)))], esc(str(view)), False


def error_blocks(message: str) -> list[Block]:
    return [section(":warning: " + message)]

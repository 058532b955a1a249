"""Block Kit builders: the service's view-models rendered for Slack, one module a subject.

:mod:`.base` holds the building blocks and the escaping every subject uses; :mod:`.card`,
:mod:`.steps`, :mod:`.assessment`, :mod:`.drafts` and :mod:`.reminders` render their views;
:func:`render` picks the right one for any view-model.
"""

from incidentbot.slack.blocks.assessment import assessment_blocks, decision_text
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
    unesc,
    when,
    who,
)
from incidentbot.slack.blocks.card import card_blocks, card_fallback, home_view
from incidentbot.slack.blocks.drafts import (
    code_chunks,
    draft_blocks,
    draft_messages,
    split_for_slack,
)
from incidentbot.slack.blocks.reminders import reminder_message
from incidentbot.slack.blocks.render import error_blocks, render
from incidentbot.slack.blocks.steps import parse_step_value, step_value

__all__ = [
    "MAX_BLOCKS", "SECTION_LIMIT", "Block", "assessment_blocks", "button", "card_blocks",
    "card_fallback", "code", "code_chunks", "context", "cut", "decision_text", "draft_blocks",
    "draft_messages", "error_blocks", "esc", "header", "home_view", "parse_step_value",
    "reminder_message", "render", "section", "split_for_slack", "step_value", "unesc", "when",
    "who",
]  # fmt: skip

"""Drafts: the letters, notices and statements of an incident, rendered from Jinja2 templates.

Why it is built this way:

- Templates render in Jinja2's ``SandboxedEnvironment`` with autoescape off (the output is
  Markdown text, not HTML). Facts are *values*: text a user typed (``{{ 7*7 }}``, ``<!channel>``)
  is printed as it is and never rendered again.
- A fact the incident does not hold is never printed blank. :class:`MarkerUndefined` prints a
  visible marker (``[MISSING: number of persons affected]`` /
  ``[À COMPLÉTER : nombre de personnes concernées]``) and records the fact, so the result lists
  what is missing and the command that supplies it. A value that is present but ``None`` or ``""``
  counts as missing; an empty list prints the marker where the template passes it through
  ``required``, ``list`` or ``number``.
- Notes for the author are Markdown lines starting with ``> ``: visible, clearly marked, and
  removed in one go with :func:`strip_guidance`.
- Template lookup goes through a list of folders, the campaign's own first, so a campaign can
  override any template or add a variant without touching code.

The package, by part: :mod:`.facts` (the catalogue of facts, :data:`FACTS`, which ``templates
check`` and the missing list both need), :mod:`.context` (an incident's facts shaped for the
templates), :mod:`.render` (the sandbox, the markers, :class:`Drafter`), :mod:`.checks`
(``templates check``), :mod:`.statements` (what a draft may say about notification) and :mod:`.output` (``.docx``, diff, hash). The wording of the drafts
lives in ``incidentbot/templates/``.
"""

from incidentbot.drafting.checks import check_templates, template_facts
from incidentbot.drafting.context import build_context, default_language
from incidentbot.drafting.facts import (
    FACTS,
    GUIDANCE_PREFIX,
    KINDS,
    LANGUAGES,
    SUFFIX,
    Fact,
    MissingFact,
    Rendered,
)
from incidentbot.drafting.output import diff, strip_guidance, text_hash, to_docx
from incidentbot.drafting.render import Drafter, MarkerUndefined

__all__ = [
    "FACTS", "GUIDANCE_PREFIX", "KINDS", "LANGUAGES", "SUFFIX", "Drafter", "Fact",
    "MarkerUndefined", "MissingFact", "Rendered", "build_context", "check_templates",
    "default_language", "diff", "strip_guidance", "template_facts", "text_hash", "to_docx",
]  # fmt: skip

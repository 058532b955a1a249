"""Playbook and jurisdiction schema: plain data in, frozen model objects and problems out.

Pure: no YAML, no files. The caller (``incidentbot.playbooks``) parses the YAML and hands over
the data together with ``line_of(path)``, which gives the 1-based line of the node at a key path
such as ``("steps", 3, "requires", 0)``. Every check here collects its problem and carries on,
so one run of ``incidentbot playbooks check`` shows everything that is wrong, each as
``file:line: message``.

Ids (playbooks, steps, jurisdictions) and enumerated values (phase, owner, draft) are
case-insensitive and normalised to lower case.
"""

from __future__ import annotations

from incidentbot.core.playbook.jurisdictions import (
    AUTHORITY,
    AUTHORITY_CLOCKS,
    TO_AUTHORITY,
    authority_clocks,
    authority_words,
    build_jurisdictions,
    for_incident,
)
from incidentbot.core.playbook.playbooks import build_playbook
from incidentbot.core.playbook.schema import (
    DEADLINE_KEYS,
    DEADLINE_KINDS,
    DEADLINE_STARTS,
    DRAFT_KINDS,
    JURISDICTION_KEYS,
    JURISDICTION_REQUIRED,
    LANGUAGES,
    PERSONS_THRESHOLDS,
    PHASE_NAMES,
    PLAYBOOK_KEYS,
    PLAYBOOK_REQUIRED,
    ROLES,
    SLACK_OPTION_MAX,
    STEP_KEYS,
    STEP_REQUIRED,
    THRESHOLDS,
    KeyPath,
    LineOf,
    Problem,
    What,
    format_duration,
    parse_duration,
)

__all__ = [
    "AUTHORITY",
    "AUTHORITY_CLOCKS",
    "DEADLINE_KEYS",
    "DEADLINE_KINDS",
    "DEADLINE_STARTS",
    "DRAFT_KINDS",
    "JURISDICTION_KEYS",
    "JURISDICTION_REQUIRED",
    "KeyPath",
    "LANGUAGES",
    "LineOf",
    "PERSONS_THRESHOLDS",
    "PHASE_NAMES",
    "PLAYBOOK_KEYS",
    "PLAYBOOK_REQUIRED",
    "Problem",
    "ROLES",
    "SLACK_OPTION_MAX",
    "STEP_KEYS",
    "STEP_REQUIRED",
    "THRESHOLDS",
    "TO_AUTHORITY",
    "What",
    "authority_clocks",
    "authority_words",
    "build_jurisdictions",
    "build_playbook",
    "for_incident",
    "format_duration",
    "parse_duration",
]

"""Breach severity and the notify / don't-notify decision: one name for three modules.

The assessment grew past one module's size, so it is split by what each part answers:

* :mod:`incidentbot.core.assess_inputs`: the assessment vocabulary of DESIGN.md (keys, values,
  the ``key=value`` parser, what an unknown fact counts as);
* :mod:`incidentbot.core.enisa`: the severity score, ENISA 2013 (``SE = DPC × EI + CB``), bands;
* :mod:`incidentbot.core.decisions`: the decision per jurisdiction, reasoned with the principles
  of :mod:`incidentbot.core.principles`, worded by :mod:`incidentbot.core.rationale` and
  recorded (computed, in force, override) by :mod:`incidentbot.core.verdicts`.

``from incidentbot.core import severity`` keeps working for every existing importer: the names
they use are re-exported here unchanged.
"""

from __future__ import annotations

from incidentbot.core.assess_inputs import (
    ADDED_KEYS,
    COUNT_KEYS,
    DATA_CATEGORIES,
    KEYS,
    LEVELS,
    UNKNOWN,
    YES_NO_KEYS,
    Inputs,
    parse_inputs,
)
from incidentbot.core.decisions import AUTHORITY_RULES, PERSONS_RULES, decide
from incidentbot.core.enisa import (
    BAND_WORDS,
    BASIC,
    METHOD,
    SPECIAL_CATEGORIES,
    TYPE_OF,
    Assessment,
    Assumption,
    CbTerms,
    DpcTerm,
    assess,
    band,
    number,
    score,
)
from incidentbot.core.principles import PRINCIPLES, Principle
from incidentbot.core.rationale import gdpr_law
from incidentbot.core.verdicts import Decision, Override, apply_override

__all__ = [
    "ADDED_KEYS",
    "AUTHORITY_RULES",
    "BAND_WORDS",
    "BASIC",
    "COUNT_KEYS",
    "DATA_CATEGORIES",
    "KEYS",
    "LEVELS",
    "METHOD",
    "PERSONS_RULES",
    "PRINCIPLES",
    "SPECIAL_CATEGORIES",
    "TYPE_OF",
    "UNKNOWN",
    "YES_NO_KEYS",
    "Assessment",
    "Assumption",
    "CbTerms",
    "Decision",
    "DpcTerm",
    "Inputs",
    "Override",
    "Principle",
    "apply_override",
    "assess",
    "band",
    "decide",
    "gdpr_law",
    "number",
    "parse_inputs",
    "score",
]

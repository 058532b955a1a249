"""What a decision says and keeps: the principles in the reader's language with their sources,
what the lead may still override, the override record, and the vocabulary's added keys (old
assessments and scripts read exactly as before)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from decisionutil import decision

from incidentbot.core import commands
from incidentbot.core.severity import (
    ADDED_KEYS,
    KEYS,
    PRINCIPLES,
    Inputs,
    apply_override,
    parse_inputs,
)
from incidentbot.errors import UsageError

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
STOLEN = {"data": "contact,identity", "confidentiality": "unknown_recipient", "malicious": "yes"}


@pytest.mark.parametrize("jid", ["fr", "uk", "qc", "ca"])
def test_every_decision_names_its_principles_and_sources_in_both_languages(jid):
    """severity.md §7: "each decision the bot shows must say which principle carried it, with
    its source, in plain words", in the reader's language."""
    d = decision(jid, **STOLEN)
    assert d.principles
    for pid in d.principles:
        p = PRINCIPLES[pid]
        for lang in ("en", "fr"):
            assert f"{pid} {p.title[lang]} ({p.source[lang]})" in d.rule[lang]
    assert "Principles: " in d.rule["en"] and "Principes : " in d.rule["fr"]
    assert d.rule["en"] != d.rule["fr"]


def test_the_decision_says_what_the_lead_may_still_override():
    """severity.md §7 (principle 6: a reasoned override, never the default) and GDPR Art.
    34(3): the decision offers the exceptions that could lower it, and says a reason is needed."""
    persons = decision("fr", **STOLEN)
    assert "Art. 34(3)" in persons.may_override["en"]
    assert "recorded reason" in persons.may_override["en"]
    assert "motif consigné" in persons.may_override["fr"]
    assert persons.rule["en"].endswith(persons.may_override["en"])
    document = decision("fr", data="contact", confidentiality="known_recipient")
    assert "Notify anyway when in doubt" in document.may_override["en"]


def test_every_principle_is_complete_and_in_the_readme_table():
    """The README table: each principle, the rule in plain words, its source."""
    assert set(PRINCIPLES) == {"NB", "LS", "C1", "C2", "C3", "C4"} | {f"P{n}" for n in range(1, 11)}
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", README, re.M)}
    for pid, p in PRINCIPLES.items():
        assert all(p.title[lang] and p.rule[lang] and p.source[lang] for lang in ("en", "fr"))
        assert p.direction in ("lower", "raise", "both")
        assert pid in rows, f"README has no row for {pid}"
        assert p.source["en"] in rows[pid]


def test_an_override_keeps_the_computed_decision_its_principles_and_needs_a_reason():
    """The override stays (DESIGN.md): computed and in-force decisions both recorded, a reason
    required; the principles that carried the computed decision stay with it."""
    computed = decision("fr", data="political", confidentiality="known_recipient",
                        identifiable="negligible", recipient="identified", recovered="yes")  # fmt: skip
    assert computed.principles == ("LS", "P6")
    with pytest.raises(UsageError):
        apply_override(computed, authority=False, persons=False, by="U1", reason=" ")
    chosen = apply_override(
        computed, authority=False, persons=False, by="U1",
        reason="three aliases, sent to our own lawyer, deleted the same hour",
    )  # fmt: skip
    shown = chosen.to_json()
    assert (shown["authority"], shown["persons"]) == (False, False)
    assert shown["computed"] == {"authority": True, "persons": False}
    assert [p["id"] for p in shown["principles"]] == ["LS", "P6"]
    assert shown["override"]["reason"].startswith("three aliases")


def test_an_override_through_the_service_keeps_the_principles(service):
    """The same through the use case the shell and Slack call (a real SQLite file)."""
    service.handle(commands.parse(
        'declare Stolen laptop playbook=generic-breach aware="1 hour ago" jurisdiction=fr'
    ), actor="alice", context=None)  # fmt: skip
    service.handle(commands.parse(
        "assess data=contact,identity persons=12 confidentiality=unknown_recipient "
        "malicious=yes encrypted=no identifiable=full integrity=none availability=none"
    ), actor="alice", context="INC-1")  # fmt: skip
    view = service.handle(commands.parse(
        'assess override=fr persons=no reason="laptop found sealed; forensic image shows no access"'
    ), actor="alice", context="INC-1")  # fmt: skip
    (fr,) = view.decisions
    assert fr["computed"] == {"authority": True, "persons": True}
    assert (fr["authority"], fr["persons"]) == (True, False)
    assert [p["id"] for p in fr["principles"]] == ["P3"]
    assert "Art. 34(3)" in fr["may_override"]
    stored = json.loads(service.latest_assessment("INC-1")["decisions"])
    assert stored[0]["override"]["reason"].startswith("laptop found sealed")


# ---------------------------------------------------------------------- the vocabulary


OLD_LINE = (
    "data=contact,financial,political persons=869 records=869 identifiable=full "
    "confidentiality=unknown_recipient integrity=none availability=none malicious=yes "
    "encrypted=no backup=yes vulnerable=no"
)


def test_old_assessments_and_scripts_read_exactly_as_before():
    """DESIGN.md: existing keys and values keep their meaning; the added keys are optional
    and an assessment stored before them parses to the same inputs."""
    inputs = parse_inputs(dict(part.split("=", 1) for part in OLD_LINE.split()))
    stored = {k: v for k, v in inputs.to_json().items() if k not in ADDED_KEYS}
    assert Inputs.from_json(stored) == inputs
    assert all(getattr(inputs, key) is None for key in ADDED_KEYS)
    assert list(inputs.to_json())[: len(KEYS) - len(ADDED_KEYS)] == [
        "data", "persons", "records", "identifiable", "confidentiality", "integrity",
        "availability", "malicious", "encrypted", "backup", "vulnerable", "recovered", "context",
    ]  # fmt: skip


def test_the_added_keys_in_the_one_line_form():
    """README: recipient, trusted_because, contents and depend in the one-line form."""
    command = commands.parse(
        "assess data=health confidentiality=known_recipient recipient=trusted "
        "trusted_because=same_organisation contents=partial depend=oui"
    )
    inputs = parse_inputs(command.options)  # type: ignore[attr-defined]
    assert (inputs.recipient, inputs.trusted_because) == ("trusted", "same_organisation")
    assert (inputs.contents, inputs.depend) == ("partial", True)
    assert parse_inputs({"contents": "unknown"}).contents == "unknown"  # a value, not "left out"


@pytest.mark.parametrize(
    ("options", "field", "says"),
    [
        ({"confidentiality": "known_recipient", "recipient": "public"}, "recipient",
         "use internal, trusted, identified"),
        ({"confidentiality": "none", "recipient": "internal"}, "recipient", "leave recipient out"),
        ({"recipient": "identified", "trusted_because": "contract"}, "trusted_because",
         "only for recipient=trusted"),
        ({"recipient": "friend"}, "recipient", "internal, trusted, identified, unknown, public"),
        ({"contents": "most"}, "contents", "known, partial, unknown"),
        ({"depend": "a bit"}, "depend", "yes or no"),
    ],
)  # fmt: skip
def test_the_added_keys_refuse_what_does_not_fit_with_one_sentence(options, field, says):
    with pytest.raises(UsageError) as caught:
        parse_inputs(options)
    assert caught.value.field == field
    assert says in caught.value.message and caught.value.message_fr


def test_a_recipient_implies_the_confidentiality_it_belongs_to():
    """``recipient=public`` alone says the data were exposed to unknown recipients."""
    d = decision("fr", data="contact", confidentiality="unknown", recipient="public")
    assert d.authority


def test_the_reasons_give_the_score_line_then_each_principle_in_full():
    """ENISA §4.1.1 and severity.md §8: the output carries the formula, then the reasoning."""
    from incidentbot.core.severity import assess

    d = decision("fr", **STOLEN)
    options = {**{"persons": "40", "records": "40", "identifiable": "full",
                  "integrity": "none", "availability": "none", "encrypted": "no",
                  "backup": "no", "vulnerable": "no", "recovered": "no",
                  "context": "normal"}, **STOLEN}  # fmt: skip
    result = assess(parse_inputs(options))
    assert d.reasons[0] == {"en": result.explain("en"), "fr": result.explain("fr")}
    assert d.reasons[1]["en"].startswith("P3 Attackers and thieves: presume misuse: An attacker")
    assert d.reasons[1]["fr"].startswith("P3 Attaquants et voleurs : présumer l'abus : Un ")
    assert len(d.reasons) == 1 + len(d.principles)


@pytest.mark.parametrize(
    ("threshold", "persons_threshold", "message"),
    [
        ("vibes", "high_risk", "jurisdiction xx: unknown threshold 'vibes'; known: "
         "risk_of_serious_injury, rrosh, unlikely_risk"),
        ("rrosh", "vibes", "jurisdiction xx: unknown persons_threshold 'vibes'; known: "
         "high_risk, risk_of_serious_injury, rrosh"),
    ],
)  # fmt: skip
def test_an_unknown_threshold_is_named_with_the_known_ones(threshold, persons_threshold, message):
    """A playbook error (jurisdictions.yaml) says which id and what would be accepted."""
    from dataclasses import replace

    from decisionutil import jurisdiction

    from incidentbot.core.severity import assess, decide

    odd = replace(jurisdiction("ca"), id="xx", threshold=threshold,
                  persons_threshold=persons_threshold)  # fmt: skip
    with pytest.raises(ValueError) as caught:
        decide(assess(parse_inputs({"data": "contact"})), [odd])
    assert str(caught.value) == message

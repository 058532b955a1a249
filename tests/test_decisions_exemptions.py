"""GDPR decisions, principles 6 to 10 (severity.md §7): special categories, and the facts that
make a breach unlikely to result in a risk (internal misdirection, trusted recipients, backups,
encryption) or do not. Each case is written from the principle, on both sides of its line."""

from __future__ import annotations

import pytest
from decisionutil import NEUTRAL, decision, everywhere, outcome

from incidentbot.core.severity import assess, parse_inputs

MISSENT = {"confidentiality": "known_recipient", "identifiable": "negligible"}

# ---------------------------------------------------------------------------- principle 6


@pytest.mark.parametrize(
    ("data", "extra", "expected"),
    [
        ("political", {"context": "lower"}, "authority"),  # DPC 3 × 0.25 + 0.25 = 1.0 low
        ("health", {}, "authority"),
        ("religious", {}, "authority"),
        ("special_other", {}, "authority"),
        ("children", {}, "authority"),
        ("contact", {"vulnerable": "yes"}, "authority"),
        ("contact", {}, "document"),
        ("employment", {}, "document"),
    ],
)
def test_p6_special_categories_are_never_register_only_by_default(data, extra, expected):
    """Principle 6, GDPR Art. 9(1) and EDPB Guidelines 9/2022 para. 102 (and IV.B for children
    and vulnerable persons): data revealing political opinions make damage likely, so a member
    list mis-sent to one known person is notified even though it scores low."""
    d = decision("fr", data=data, **MISSENT, **extra)
    assert outcome("fr", data=data, **MISSENT, **extra) == expected
    assert ("P6" in d.principles) == (expected == "authority")
    if expected == "authority":
        assert "para. 102" in d.rule["en"] and "point 102" in d.rule["fr"]


def test_p6_special_categories_at_unknown_recipients_are_a_high_risk():
    """Principle 6: a donor list (political opinions) left on a public page, aliases only (EI
    0.25, score 1.5 low), is a high risk; the same with plain contact details is a risk."""
    public = {"confidentiality": "unknown_recipient", "identifiable": "negligible"}
    political = decision("fr", data="political", **public)
    assert (political.persons, political.principles) == (True, ("P6",))
    assert outcome("fr", data="contact", **public) == "authority"


def test_p6_the_floor_holds_over_trusted_recipients_and_backups():
    """Principle 6 against principles 8 and 9: a trusted recipient who deleted a member list,
    or a member list restored from a backup, still go to the authority (the lead may override
    with a reason); plain data in the same situations are register only."""
    trusted = {"confidentiality": "known_recipient", "recipient": "trusted",
               "trusted_because": "secrecy", "recovered": "yes"}  # fmt: skip
    assert outcome("fr", data="political", **trusted) == "authority"
    assert decision("fr", data="political", **trusted).principles == ("P6", "P8")
    assert outcome("fr", data="contact", **trusted) == "document"
    restored = {"availability": "temporary", "backup": "yes"}
    assert outcome("fr", data="political", **restored) == "authority"
    assert decision("fr", data="political", **restored).principles == ("P6", "P9")
    assert outcome("fr", data="contact", **restored) == "document"


# ---------------------------------------------------------------------------- principle 7


@pytest.mark.parametrize("data", ["health", "political", "contact,financial"])
def test_p7_internal_misdirection_deleted_at_once_is_register_only(data):
    """Principle 7, the ICO's guidance on personal data breaches: a file sent by mistake to a
    colleague in the same organisation who deletes it at once is recorded in the register only,
    even for sensitive data, in every jurisdiction."""
    internal = {"data": data, "confidentiality": "known_recipient", "recipient": "internal",
                "recovered": "yes"}  # fmt: skip
    assert everywhere(**internal) == dict.fromkeys(("fr", "uk", "qc", "ca"), "document")
    assert decision("fr", **internal).principles == ("P7",)


def test_p7_does_not_cover_a_colleague_who_keeps_the_data_or_took_them():
    """Principle 7, the other side: not deleted (misuse possible) or taken on purpose
    (principle 2), the internal recipient no longer makes the breach unlikely to be a risk."""
    base = {"data": "health", "identifiable": "negligible", "confidentiality": "known_recipient",
            "recipient": "internal"}  # fmt: skip
    assert outcome("fr", **base, recovered="no") == "authority"
    assert outcome("fr", **base, recovered="yes", malicious="yes") == "authority"


# ---------------------------------------------------------------------------- principle 8


@pytest.mark.parametrize("because", ["secrecy", "contract", "same_organisation"])
def test_p8_a_trusted_recipient_with_a_reason(because):
    """Principle 8, EDPB Guidelines 9/2022 IV.B: data mis-sent to a recipient bound by
    professional secrecy, a contract or the same organisation, who deleted them, are unlikely to
    result in a risk."""
    trusted = {"data": "contact,financial", "confidentiality": "known_recipient",
               "recipient": "trusted", "trusted_because": because, "recovered": "yes"}  # fmt: skip
    assert everywhere(**trusted) == dict.fromkeys(("fr", "uk", "qc", "ca"), "document")
    assert decision("fr", **trusted).principles == ("P8",)


def test_p8_trust_without_a_reason_counts_as_an_identified_recipient():
    """Principle 8: "the bot must ask which, and record it": a trusted recipient with no reason
    given counts as identified, and the result says so."""
    options = {"data": "contact,financial", "confidentiality": "known_recipient",
               "recipient": "trusted", "recovered": "yes"}  # fmt: skip
    d = decision("fr", **options)
    assert (d.authority, d.persons) == (True, False)
    assumed = {a.key: a for a in assess(parse_inputs({**NEUTRAL, **options})).assumed}
    assert list(assumed) == ["trusted_because"]
    assert "trusted_because=secrecy" in assumed["trusted_because"].text["en"]
    assert "trusted_because=secrecy" in assumed["trusted_because"].text["fr"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"malicious": "yes"}, "authority"),  # a trusted recipient acting on purpose
        ({"recovered": "no"}, "authority"),  # not deleted: severity 3.25 high, a risk
        ({"recipient": "identified", "trusted_because": None}, "authority"),  # a stranger
    ],
)
def test_p8_the_exemption_needs_deletion_good_faith_and_trust(facts, expected):
    """Principle 8, the other side: a trusted recipient who has not deleted, who acts with
    malice, or a stranger's assurance, are no exemption."""
    options = {"data": "contact,financial", "confidentiality": "known_recipient",
               "recipient": "trusted", "trusted_because": "contract", "recovered": "yes",
               **facts}  # fmt: skip
    options = {k: v for k, v in options.items() if v is not None}
    assert outcome("fr", **options) == expected


# ---------------------------------------------------------------------------- principle 9


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"backup": "yes"}, "document"),  # restored, nothing copied
        ({"backup": "no"}, "authority"),
        ({"backup": "yes", "depend": "yes"}, "authority"),  # people depend on it: a risk
        ({"backup": "no", "availability": "permanent", "depend": "yes"}, "persons"),
        ({"backup": "yes", "depend": "yes", "data": "health"}, "persons"),  # care stops
        ({"backup": "no", "availability": "permanent"}, "authority"),
    ],
)
def test_p9_ransomware_that_encrypts_without_copying(facts, expected):
    """Principle 9, EDPB Guidelines 9/2022 I.B.2 and 01/2021 (ransomware): an availability
    breach with a usable backup and nothing copied is unlikely to result in a risk; without a
    backup it is a risk; a lasting loss of data people depend on is a high risk."""
    options = {"data": "contact,employment", "availability": "temporary", "malicious": "yes",
               **facts}  # fmt: skip
    assert outcome("fr", **options) == expected
    assert decision("fr", **options).principles == ("P9",)


@pytest.mark.parametrize(
    ("integrity", "data", "expected"),
    [
        ("recoverable", "contact", "authority"),
        ("unrecoverable", "contact", "authority"),  # 1.5 low
        ("unrecoverable", "contact,financial", "persons"),  # 3.5 high and lost for good
        ("recoverable", "contact,financial", "authority"),
    ],
)
def test_p9_altered_data_are_a_risk(integrity, data, expected):
    """Principle 9, EDPB Guidelines 9/2022 I.B.2: altered data are a breach to notify; altered
    beyond recovery with high severity (forged donation records) is a high risk."""
    assert outcome("fr", data=data, integrity=integrity) == expected


# --------------------------------------------------------------------------- principle 10


@pytest.mark.parametrize(
    ("encrypted", "expected"), [("yes", "document"), ("no", "persons"), ("unknown", "persons")]
)
def test_p10_encryption_counts_only_with_a_safe_key(encrypted, expected):
    """Principle 10, GDPR Art. 34(3)(a): state-of-the-art encryption, key safe, makes a stolen
    laptop unlikely to result in a risk; a key sent with it (encrypted=no), or encryption not
    known, waives nothing."""
    stolen = {"data": "contact,political", "confidentiality": "unknown_recipient",
              "malicious": "yes", "encrypted": encrypted}  # fmt: skip
    assert everywhere(**stolen)["fr"] == expected
    assert everywhere(**stolen)["qc"] == ("document" if expected == "document" else "persons")
    if expected == "document":
        assert decision("fr", **stolen).principles == ("P10",)


def test_p10_encryption_does_not_answer_a_loss_of_availability():
    """Principles 9 and 10: encrypted data destroyed without a backup are still a risk."""
    options = {"data": "contact,health", "availability": "permanent", "encrypted": "yes",
               "confidentiality": "unknown_recipient", "malicious": "yes"}  # fmt: skip
    d = decision("fr", **options)
    assert (d.authority, d.persons, d.principles) == (True, False, ("P9",))

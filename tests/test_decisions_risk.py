"""GDPR decisions, principles NB, LS and 1 to 5 (severity.md §7): when a breach is a risk and
when it is a high risk. Each case is written from the principle, on both sides of its line."""

from __future__ import annotations

import pytest
from decisionutil import decision, outcome

# ------------------------------------------------------------------------------ NB, LS


def test_no_loss_at_all_is_no_breach():
    """GDPR Art. 4(12): a personal data breach needs a loss of confidentiality, integrity or
    availability; a very high score for the data set alone does not make one."""
    d = decision("fr", data="political,financial", persons="30000")
    assert (d.authority, d.persons, d.principles) == (False, False, ("NB",))
    assert "Art. 4(12)" in d.rule["en"] and "art. 4(12)" in d.rule["fr"]
    # the smallest loss is a breach: a temporary outage without backup is a risk
    assert outcome("fr", data="contact", availability="temporary") == "authority"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # identified recipient: misuse possible; severity decides
        ({"data": "contact", "context": "higher"}, "authority"),  # 2.25 medium: a risk
        ({"data": "financial"}, "authority"),  # 3.25 high: a risk, not high
        ({"data": "health"}, "persons"),  # 4.25 very high: a high risk
        ({"data": "financial", "identifiable": "significant"}, "authority"),  # 2.5 medium
    ],
)
def test_identified_recipient_severity_decides(facts, expected):
    """EDPB Guidelines 9/2022 section IV.B: risk is the likelihood and the severity of the
    consequences; misuse by an identified recipient is possible, not presumed, so only a very
    high severity makes it a high risk."""
    assert outcome("fr", confidentiality="known_recipient", **facts) == expected
    assert "LS" in decision("fr", confidentiality="known_recipient", **facts).principles


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"data": "contact"}, "authority"),  # 1.5 low: a risk
        ({"data": "contact", "context": "higher"}, "persons"),  # 2.5 medium and likely: high
        ({"data": "employment", "identifiable": "limited", "context": "higher"}, "authority"),
    ],
)
def test_unknown_recipients_make_misuse_likely(facts, expected):
    """EDPB Guidelines 9/2022 section IV.B: unknown recipients (a lost bag of letters, a public
    page) make misuse likely; with medium severity or more that is a high risk."""
    assert outcome("fr", confidentiality="unknown_recipient", **facts) == expected


# ---------------------------------------------------------------------------- principle 1


def test_p1_identifying_data_to_an_unrelated_recipient_is_a_risk_despite_a_low_score():
    """Principle 1, GDPR Art. 33(1) and EDPB Guidelines 9/2022 para. 100: a low ENISA score
    does not make a breach unlikely to result in a risk. One letter with a date of birth sent
    to the wrong, unrelated person scores 1.25 (low) and is still a risk."""
    letter = {"data": "contact,identity", "persons": "1", "confidentiality": "known_recipient"}
    d = decision("fr", **letter)
    assert (d.authority, d.persons) == (True, False)
    assert d.principles == ("P1",)
    # the other side: only a name and address, public anyway, to one identified person
    plain = decision("fr", **{**letter, "data": "contact"})
    assert (plain.authority, plain.persons, plain.principles) == (False, False, ("LS",))
    assert "Art. 33(5)" in plain.rule["en"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("identity", "authority"),
        ("identity_documents", "authority"),
        ("financial", "authority"),
        ("credentials", "authority"),
        ("contact", "document"),
        ("employment", "document"),
        ("other", "document"),
    ],
)
def test_p1_which_data_are_non_public_identifiers(data, expected):
    """Principle 1: date of birth, ID or insurance numbers, account numbers and credentials are
    non-public identifying data; contact or employment details are not."""
    assert (
        outcome("uk", data=data, identifiable="negligible", confidentiality="known_recipient")
        == expected
    )


def test_p1_a_strangers_assurance_of_deletion_is_not_enough():
    """Principles 1 and 8: data returned or deleted on an unrelated recipient's word still count;
    the decision cites both."""
    d = decision(
        "fr", data="financial", identifiable="negligible", confidentiality="known_recipient",
        recipient="identified", recovered="yes",
    )  # fmt: skip
    assert (d.authority, d.persons, d.principles) == (True, False, ("P1", "P8"))


def test_p1_unknown_recipients_are_a_risk_even_at_low_severity():
    """Principle 1: contact details of a few persons lost to unknown recipients score low
    (1.5) but are no longer under anyone's control: a risk."""
    d = decision("fr", data="contact", confidentiality="unknown_recipient")
    assert (d.authority, d.persons, d.principles) == (True, False, ("P1",))


# ---------------------------------------------------------------------------- principle 2


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"data": "contact"}, "authority"),  # 1.75 low, yet a risk
        ({"data": "contact,financial", "persons": "2000"}, "authority"),  # 3.75 high, not high risk
        ({"data": "contact,political"}, "persons"),  # 4.75 very high: a high risk
        ({"data": "contact", "recipient": "internal", "recovered": "yes"}, "authority"),
        (
            {
                "data": "contact",
                "recipient": "trusted",
                "trusted_because": "contract",
                "recovered": "yes",
            },
            "authority",
        ),  # fmt: skip
    ],
)
def test_p2_deliberate_taking_by_an_insider(facts, expected):
    """Principle 2, EDPB Guidelines 01/2021 (internal human risk source): an employee who copies
    the member file on purpose is a risk whatever the score; telling the persons still depends
    on the risk being high. Deleting, or being a colleague, does not undo a deliberate act."""
    options = {"confidentiality": "known_recipient", "malicious": "yes", **facts}
    assert outcome("fr", **options) == expected
    assert "P2" in decision("fr", **options).principles


def test_p2_without_intent_the_same_copy_is_register_only():
    """Principle 2, the other side: the same contact list sent to one identified person by
    mistake, 40 persons, scores low and is unlikely to result in a risk."""
    assert outcome("fr", data="contact", confidentiality="known_recipient") == "document"


# ---------------------------------------------------------------------------- principle 3


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"data": "contact,identity", "persons": "500"}, "persons"),  # exfiltration
        ({"data": "contact", "persons": "3"}, "persons"),  # stolen unencrypted phone, EI 1
        ({"data": "contact", "identifiable": "limited"}, "authority"),  # pseudonymous, 1.5 low
        ({"data": "employment", "identifiable": "negligible"}, "authority"),
        ({"data": "financial", "identifiable": "negligible"}, "authority"),  # 1.75 low
        ({"data": "financial", "identifiable": "limited"}, "persons"),  # 2.5 medium
        ({"data": "health", "identifiable": "negligible"}, "persons"),  # special categories
    ],
)
def test_p3_attackers_and_thieves_presume_misuse(facts, expected):
    """Principle 3, EDPB Guidelines 01/2021 (exfiltration, stolen device) and 9/2022 IV.B: an
    attacker or thief holding readable, directly identifying data will use them: a high risk
    even without special categories. Data that do not identify directly fall back on severity."""
    options = {"confidentiality": "unknown_recipient", "malicious": "yes", **facts}
    assert outcome("fr", **options) == expected
    assert decision("fr", **options).principles[0] == "P3"


def test_p3_a_lost_device_without_a_thief_is_not_presumed_misused():
    """Principle 3, the other side: the same unencrypted phone lost, not stolen: a risk (the
    finder is unknown), not the presumption of misuse."""
    assert outcome("fr", data="contact", persons="3", confidentiality="unknown_recipient") == (
        "authority"
    )


def test_p3_encryption_with_a_safe_key_answers_the_thief():
    """Principles 3 and 10: a stolen laptop encrypted to the state of the art, key safe."""
    stolen = {
        "data": "contact,identity",
        "confidentiality": "unknown_recipient",
        "malicious": "yes",
    }
    assert outcome("fr", **stolen, encrypted="yes") == "document"
    assert outcome("fr", **stolen, encrypted="no") == "persons"


# ---------------------------------------------------------------------------- principle 4


@pytest.mark.parametrize(
    ("persons", "expected"), [("100", "document"), ("101", "authority"), ("unknown", "authority")]
)
def test_p4_many_persons_make_a_low_score_a_risk(persons, expected):
    """Principle 4, GDPR Recital 75, EDPB Guidelines 9/2022 IV.B and ENISA §3.3 (more than 100
    persons): a contact list mis-sent to one identified recipient is register only for 100
    persons, a risk for 101; an unknown number counts as more than 100."""
    d = decision("fr", data="contact", persons=persons, confidentiality="known_recipient")
    assert outcome("fr", data="contact", persons=persons, confidentiality="known_recipient") == (
        expected
    )
    assert ("P4" in d.principles) == (expected == "authority")


@pytest.mark.parametrize(("persons", "expected"), [("60", "authority"), ("600", "persons")])
def test_p4_identifying_data_of_many_persons_at_unknown_recipients_is_a_high_risk(
    persons, expected
):
    """Principle 4: dates of birth of many persons exposed on a public page (no attacker, low
    score 1.5) are a high risk; for a few persons, a risk."""
    options = {
        "data": "contact,identity", "persons": persons, "confidentiality": "unknown_recipient",
        "recipient": "public",
    }  # fmt: skip
    assert outcome("fr", **options) == expected


# ---------------------------------------------------------------------------- principle 5


@pytest.mark.parametrize(
    ("contents", "expected"),
    [("known", "document"), ("partial", "authority"), ("unknown", "authority")],
)
def test_p5_unknown_contents_count_as_sensitive(contents, expected):
    """Principle 5: when the contents are only partly known (a mailbox whose attachments were
    not reviewed), the unknown part counts as sensitive until shown otherwise."""
    options = {
        "data": "contact", "identifiable": "negligible", "confidentiality": "known_recipient",
        "contents": contents,
    }  # fmt: skip
    d = decision("fr", **options)
    assert outcome("fr", **options) == expected
    assert ("P5" in d.principles) == (contents != "known")


def test_p5_the_unknown_part_is_said_in_the_result_and_the_score():
    """Principle 5 (DESIGN.md: an unknown fact counts at its worse value, said so)."""
    d = decision("fr", data="contact", confidentiality="known_recipient", contents="partial")
    assert (d.authority, d.persons) == (True, True)  # DPC 4 × EI 1 + 0.25: very high
    assert "P5" in d.principles and "P5" in d.rule["en"]


def test_p5_data_not_given_at_all_count_as_sensitive_and_say_so():
    """Principle 5 and DESIGN.md: data categories left out count as sensitive (DPC 4)."""
    d = decision("fr", confidentiality="known_recipient", identifiable="negligible")
    assert (d.authority, d.persons, d.principles) == (True, False, ("LS", "P5", "P6"))


@pytest.mark.parametrize(
    ("facts", "principles"),
    [
        ({"data": "health", "confidentiality": "known_recipient"}, ("LS",)),
        ({"data": "political", "confidentiality": "known_recipient", "malicious": "yes"},
         ("LS", "P2")),
        ({"data": "contact,identity", "persons": "600", "confidentiality": "unknown_recipient"},
         ("P4",)),
        ({"data": "contact,financial", "integrity": "unrecoverable"}, ("P9",)),
        ({"data": "contact", "integrity": "recoverable"}, ("P9",)),
    ],
)  # fmt: skip
def test_a_high_risk_or_a_risk_cites_exactly_what_carried_it(facts, principles):
    """EDPB Guidelines 9/2022 IV.B: each decision names the reasoning that reached its level,
    and only that."""
    assert decision("fr", **facts).principles == principles

"""Québec (P-39.1 ss. 3.5-3.8, "risk of serious injury") and PIPEDA (s. 10.1, "real risk of
significant harm"): principles C1 to C4 of quebec-canada.md §1, and the s. 3.7 consultation as
a playbook step. Each case is written from the principle, on both sides of its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from decisionutil import decision, outcome

CANADA = ("qc", "ca")
LOST_MAIL = {"confidentiality": "unknown_recipient", "malicious": "no"}

# ---------------------------------------------------------------------------- C1


@pytest.mark.parametrize("jid", CANADA)
def test_c1_an_identified_recipient_makes_misuse_possible_not_likely(jid):
    """C1, P-39.1 s. 3.7 and PIPEDA s. 10.1(8): a social insurance number sent to the wrong,
    identified person who has not yet confirmed deletion: misuse is possible, not likely, so
    no notice; the same letter lost in the mail (unknown finder) must be notified."""
    letter = {"data": "contact,identity_documents", "persons": "1"}
    missent = decision(jid, **letter, confidentiality="known_recipient")
    assert (missent.authority, missent.persons, missent.principles) == (False, False, ("C1",))
    assert outcome(jid, **letter, **LOST_MAIL) == "persons"


@pytest.mark.parametrize(
    ("facts", "expected", "source"),
    [
        ({"confidentiality": "known_recipient", "malicious": "yes"}, "persons", "P2"),
        ({"confidentiality": "unknown_recipient", "malicious": "yes"}, "persons", "P3"),
        ({"confidentiality": "unknown_recipient", "recipient": "public"}, "persons", None),
        ({"confidentiality": "known_recipient", "recipient": "identified"}, "document", None),
    ],
)
def test_c1_what_makes_misuse_likely(facts, expected, source):
    """C1: a malicious actor (an insider on purpose, an attacker, a thief) or unknown
    recipients make misuse likely; an identified recipient alone does not."""
    options = {"data": "contact,financial", **facts}
    for jid in CANADA:
        assert outcome(jid, **options) == expected
        if source:
            assert source in decision(jid, **options).principles


# ---------------------------------------------------------------------------- C2


@pytest.mark.parametrize(
    ("data", "extra", "expected"),
    [
        ("contact", {}, "document"),
        ("identity", {}, "document"),  # a name and a birth date alone
        ("contact,identity", {}, "persons"),  # name, address and birth date together
        ("identity_documents", {}, "persons"),  # SIN, passport, driver's licence numbers
        ("financial", {}, "persons"),
        ("credentials", {}, "persons"),
        ("political", {}, "persons"),
        ("health", {}, "persons"),
        ("children", {}, "persons"),
        ("contact", {"vulnerable": "yes"}, "persons"),
        ("behavioural", {"context": "higher"}, "persons"),  # a detailed profile (DPC 3)
        ("behavioural", {}, "document"),
        ("employment", {}, "document"),
    ],
)
def test_c2_sensitivity_includes_identity_theft_combinations(data, extra, expected):
    """C2, PIPEDA s. 10.1(7)-(8), P-39.1 s. 3.7 and the OPC's guidance: health, financial data,
    political opinions, identity numbers, credentials and combinations such as name, address
    and date of birth are sensitive; contact details alone are not."""
    for jid in CANADA:
        assert outcome(jid, data=data, **LOST_MAIL, **extra) == expected
    if expected == "document":
        assert decision("qc", data=data, **LOST_MAIL, **extra).principles == ("C2",)


def test_c2_the_decision_names_what_made_the_information_sensitive():
    """C2: the decision says which data made the information sensitive, in both languages."""
    d = decision("qc", data="contact,identity,political", **LOST_MAIL)
    assert "political opinions and name with address and date of birth" in d.rule["en"]
    assert "opinions politiques et nom avec adresse et date de naissance" in d.rule["fr"]
    assert "s. 3.7" in d.rule["en"] and "art. 3.5" in d.rule["fr"]


# ---------------------------------------------------------------------------- C3


@pytest.mark.parametrize(
    "facts",
    [
        {"data": "contact", **LOST_MAIL},
        {"data": "financial", **LOST_MAIL},
        {"data": "financial", "confidentiality": "known_recipient"},
        {"data": "political", "availability": "permanent", "malicious": "yes"},
    ],
)
def test_c3_one_threshold_for_the_regulator_and_the_persons(facts):
    """C3, P-39.1 s. 3.5 and PIPEDA s. 10.1(1) and (3): the same test decides the notice to the
    regulator and to the persons, in Québec and federally alike."""
    qc, ca = decision("qc", **facts), decision("ca", **facts)
    assert qc.authority == qc.persons == ca.authority == ca.persons
    if qc.authority:
        assert "C3" in qc.principles and "C3" in ca.principles


def test_c3_the_gdpr_two_tiers_differ_where_canada_has_one():
    """C3 against GDPR Arts 33-34: contact details lost in the mail are a risk under the GDPR
    (principle 1: the CNIL is told, not the persons) but, not being sensitive, no notice at all
    in Canada, where one threshold decides both."""
    facts = {"data": "contact", "context": "higher", "identifiable": "limited", **LOST_MAIL}
    assert outcome("fr", **facts) == "authority"
    assert outcome("qc", **facts) == "document"  # contact details are not sensitive


# ---------------------------------------------------------------------------- C4


@pytest.mark.parametrize("jid", CANADA)
def test_c4_ransomware_that_encrypts_without_copying_is_not_a_disclosure(jid):
    """C4, P-39.1 ss. 3.6-3.7 and PIPEDA s. 10.1(8): ransomware encrypted the donor database
    (financial, political) and nothing was copied: no likely misuse, record it. If copying
    cannot be ruled out, confidentiality stays unknown and counts at its worse value."""
    ransomware = {"data": "financial,political", "availability": "permanent", "malicious": "yes"}
    d = decision(jid, **ransomware)
    assert (d.authority, d.persons, d.principles) == (False, False, ("C4",))
    unknown_copy = {**ransomware, "confidentiality": "unknown"}
    assert outcome(jid, **unknown_copy) == "persons"
    # GDPR still treats the outage itself as a risk (principle 9)
    assert outcome("fr", **ransomware) == "authority"


@pytest.mark.parametrize("jid", CANADA)
def test_canada_exemptions_follow_principles_7_8_and_10(jid):
    """Principles 7, 8 and 10 in Canada: internal misdirection deleted at once, a trusted
    recipient who deleted, and strong encryption make misuse unlikely."""
    base = {"data": "identity_documents", "confidentiality": "known_recipient", "recovered": "yes"}
    assert decision(jid, **base, recipient="internal").principles == ("P7",)
    trusted = decision(jid, **base, recipient="trusted", trusted_because="secrecy")
    assert trusted.principles == ("P8",) and not trusted.authority
    assert decision(jid, data="financial", encrypted="yes", **LOST_MAIL).principles == ("P10",)
    assert outcome(jid, **base, recipient="internal", malicious="yes") == "persons"


def test_a_notice_in_canada_names_the_delay_it_allows_and_no_gdpr_exception():
    """C3's override: only an investigation delays the notice to the persons (s. 3.5, 3rd
    para.); GDPR's Art. 34(3) exceptions are not offered in Québec."""
    d = decision("qc", data="financial", **LOST_MAIL)
    assert "3rd para." in d.may_override["en"] and "3e al." in d.may_override["fr"]
    assert "34(3)" not in d.may_override["en"]


# -------------------------------------------------------------- s. 3.7: consultation step


PLAYBOOKS = Path(__file__).resolve().parents[1] / "incidentbot" / "playbooks"


@pytest.mark.parametrize("name", ["vendor-breach.yaml", "generic-breach.yaml"])
def test_quebec_playbooks_consult_the_person_in_charge(name):
    """P-39.1 s. 3.7: the enterprise "must also consult the person in charge of the protection
    of personal information" when assessing the risk: a bilingual assess step, owned by the
    lead, recorded with a note."""
    playbook = yaml.safe_load((PLAYBOOKS / name).read_text(encoding="utf-8"))
    steps = {s["id"]: s for s in playbook["steps"]}
    step = steps["consult-privacy-officer"]
    assert step["phase"] == "assess" and step["owner"] == "lead" and step["evidence"] is True
    assert "3.7" in step["title"]["en"] and "3.7" in step["title"]["fr"]
    assert all(r in steps for r in step["requires"])
    assert step["mandatory"] is ("qc" in playbook["jurisdictions"])


@pytest.mark.parametrize(
    ("facts", "principles"),
    [
        ({"data": "financial", **LOST_MAIL}, ("C1", "C2", "C3")),
        ({"data": "financial", **LOST_MAIL, "contents": "partial"}, ("P5", "C1", "C2", "C3")),
        ({"data": "contact", **LOST_MAIL, "contents": "partial"}, ("P5", "C1", "C2", "C3")),
        ({"data": "financial", "confidentiality": "known_recipient", "malicious": "yes"},
         ("P2", "C1", "C2", "C3")),
        ({"data": "financial", "confidentiality": "unknown_recipient", "malicious": "yes"},
         ("P3", "C1", "C2", "C3")),
    ],
)  # fmt: skip
def test_a_canadian_notice_cites_exactly_what_carried_it(facts, principles):
    """C1-C3 with principles 2, 3 and 5: the notice names the likelihood's source (an insider,
    an attacker, unknown recipients) and a sensitivity that comes from unknown contents."""
    for jid in CANADA:
        assert decision(jid, **facts).principles == principles


def test_c2_vulnerable_persons_are_named():
    """C2: the persons' vulnerability is said as such, beside the data that are sensitive."""
    d = decision("ca", data="contact,children", vulnerable="yes", **LOST_MAIL)
    assert "(children's data and vulnerable persons)" in d.rule["en"]
    assert "(données d'enfants et personnes vulnérables)" in d.rule["fr"]

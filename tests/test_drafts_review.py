"""The drafts a reviewer and a new user found wrong (issue 15, after review), played through the shell and read
as their recipients would: whose persons were informed, a voluntary notice when the decision is
not to notify, the detection time, typed Markdown, a jurisdiction the incident is not under,
Québec's words, planned measures in every notice, and the reader's language for the hints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_drafts_boundary import Case, _run
from test_drafts_markdown import INLINE, shown


def _export(home: Path, ref: str = "INC-1", fmt: str = "json") -> str:
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", "export", ref, "--format", fmt],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("INCIDENTBOT_")},
            "HOME": str(home),
            "INCIDENTBOT_DB": str(home / "bot.db"),
            "INCIDENTBOT_TZ": "Europe/Paris",
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,
    ).stdout


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert "✗" not in result.stdout and result.returncode == 0, result.stdout + result.stderr


# --- 1. a letter to one jurisdiction says only its own persons were informed -----------------


def test_a_letter_to_one_jurisdiction_never_borrows_anothers_persons_notice(
    tmp_path: Path,
) -> None:
    case = Case(
        "persons-elsewhere",
        "fr",
        """\
déclarer Fuite playbook=generic-breach aware="2026-11-28 09:00" juridiction=qc,fr lang=fr
évaluer data=contact persons=3 identifiable=full confidentiality=known_recipient recipient=trusted trusted_because=contract malicious=no integrity=none availability=none
notifié fr CNIL-9
notifié qc personnes note=courriel aux donateurs québécois
brouillon autorité fr
brouillon autorité qc
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    cnil = drafts["INC-1-regulator-fr-complementary-fr-v1.md"]
    cai = drafts["INC-1-regulator-qc-fr-v1.md"]
    section = cnil.split("## 6.")[1].split("## 7.")[0]
    assert "ont été informées le" not in section, section
    assert "Les personnes concernées ont été avisées le" in cai


# --- 2. a decision not to notify gives a voluntary notice, never a claim of the threshold ----

NOT_REQUIRED = (
    "assess data=contact,political persons=200 confidentiality=known_recipient "
    "recipient=identified malicious=no identifiable=full"
)
VOLUNTARY = {
    # jurisdiction: (file, words the voluntary notice says, words it must not say)
    "qc": (
        "INC-1-regulator-qc-fr-v1.md",
        ("avis volontaire", "ne présente pas de risque qu'un préjudice sérieux", "volontaire"),
        ("présentant un risque de préjudice sérieux", "dont nous estimons qu'il présente",
         "ayant mené à conclure"),
    ),
    "fr": (
        "INC-1-regulator-fr-fr-v1.md",
        ("information volontaire", "n'est pas susceptible d'engendrer un risque"),
        ("nous vous notifions une violation",),
    ),
    "uk": (
        "INC-1-regulator-uk-en-v1.md",
        ("voluntary report", "is unlikely to result in a risk", "voluntarily"),
        ("we report a personal data breach", "notification under Article 33"),
    ),
    "ca": (
        "INC-1-regulator-ca-en-v1.md",
        ("voluntary report", "does not create a real risk of significant harm"),
        ("that we believe creates a real risk", "Why we consider the risk real"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("jid", sorted(VOLUNTARY))
def test_a_decision_not_to_notify_gives_a_voluntary_notice_and_a_warning(
    jid: str, tmp_path: Path
) -> None:
    name, says, never = VOLUNTARY[jid]
    lang = "en" if jid in ("uk", "ca") else "fr"
    case = Case(
        f"voluntary-{jid}",
        jid,
        f"""\
declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction={jid} lang={lang}
{NOT_REQUIRED}
{"" if jid == "qc" else f'assess override={jid} authority=no persons=no reason="destinataire connu"'}
draft regulator {jid}
{"draft regulator ca fr" if jid == "ca" else ""}
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    letter = drafts[name]
    for phrase in says:
        assert phrase in letter, (phrase, letter)
    for phrase in never:
        assert phrase not in letter, (phrase, letter)
    # one warning line with the draft, in the reader's language, naming the way to override
    warning = [line for line in result.stdout.splitlines() if line.startswith("Attention")]
    assert warning and "avis volontaire" in warning[0], result.stdout
    assert f"/incident évaluer override={jid} authority=oui" in warning[0]
    if jid == "ca":
        french = drafts["INC-1-regulator-ca-fr-v1.md"]
        assert "déclaration volontaire" in french
        assert "ne présente pas de risque réel de préjudice grave" in french
        assert "dont nous croyons qu'elle présente un risque réel" not in french


def test_an_override_to_notify_gives_the_statutory_letter_again(tmp_path: Path) -> None:
    case = Case(
        "override",
        "qc",
        f"""\
declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction=qc lang=fr
{NOT_REQUIRED}
assess override=qc authority=yes persons=yes reason="le destinataire refuse d'effacer"
draft regulator
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    letter = drafts["INC-1-regulator-qc-fr-v1.md"]
    assert "présentant un risque de préjudice sérieux" in letter
    assert "Objet : avis d'incident de confidentialité présentant" in letter.replace("\u202f", " ")
    assert "avis volontaire" not in letter
    assert "Attention" not in result.stdout


# --- 3. the detection time typed as a fact is the incident's -----------------------------------


def test_fact_detected_at_sets_the_detection_time_the_letters_and_export_give(
    tmp_path: Path,
) -> None:
    case = Case(
        "detected",
        "fr",
        """\
déclarer Fuite playbook=generic-breach aware="2026-11-28 09:00" juridiction=fr lang=fr
élément detected_at 2026-11-27 18:00
brouillon autorité
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    letter = drafts["INC-1-regulator-fr-fr-v1.md"]
    assert "Date de la découverte : 27 novembre 2026 à 18 h 00" in letter
    assert "prise de connaissance de la violation : 28 novembre 2026 à 9 h 00" in letter
    exported = json.loads(_export(tmp_path))
    assert exported["incident"]["detected_at"].startswith("2026-11-27T17:00")
    assert any(
        e["kind"] == "fact_set" and e["text"].startswith("detected_at")
        for e in exported["timeline"]
    )
    assert "**Detected**: 2026-11-27 18:00" in _export(tmp_path, fmt="md")
    refused, _ = _run(
        Case(
            "future", "fr", "declare X playbook=generic-breach\nfact detected_at 2099-01-01\n", ()
        ),
        tmp_path / "future" if (tmp_path / "future").mkdir() is None else tmp_path,
    )
    assert "futur" in refused.stdout and refused.returncode == 1


# --- 4. typed Markdown is text in every template ------------------------------------------------

PLANT = "**gras** <!channel> [ici](https://evil.example) _penché_"
TEXT_FACTS = (
    "description", "cause", "vendor_name", "delay_reasons", "others_informed", "consequences",
    "persons_advice", "persons_exception", "persons_notice_planned", "staff_involvement",
    "lessons", "rental_purpose",
)  # fmt: skip


def _planted_script(jurisdictions: str, playbook: str) -> str:
    facts = "\n".join(f"fact {key} {key.upper()} {PLANT}" for key in TEXT_FACTS)
    first = jurisdictions.split(",")[0]
    return f"""\
declare Fuite {PLANT} playbook={playbook} aware="2026-11-28 09:00" jurisdiction={jurisdictions} lang=fr
note NOTE {PLANT}
done {"secure-accounts" if playbook == "hack-and-leak" else "preserve-evidence"} STEP {PLANT}
{facts}
measure TAKEN {PLANT}
measure planned PLANNED {PLANT}
assess data=contact,political persons=120 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no
assess override={first} authority=yes persons=yes reason="REASON {PLANT}"
"""


@pytest.mark.parametrize(
    ("jurisdictions", "playbook", "drafts"),
    [
        ("fr,qc", "hack-and-leak", "regulator fr|regulator qc|notice fr|notice qc|notice qc en"
         "|press|press en|press holding|staff|staff en|vendor|vendor en|vendor broker"
         "|vendor subprocessor|report|report en"),
        ("uk,ca", "generic-breach", "regulator uk|regulator ca|regulator ca fr|notice uk"
         "|notice uk fr|notice ca|notice ca fr|press|press en|report en|staff en"),
    ],
)  # fmt: skip
def test_markdown_typed_anywhere_is_shown_literally_in_every_template(
    jurisdictions: str, playbook: str, drafts: str, tmp_path: Path
) -> None:
    script = _planted_script(jurisdictions, playbook) + "".join(
        f"draft {d}\n" for d in drafts.split("|")
    )
    result, written = _run(Case("plant", "fr", script, ()), tmp_path)
    _ok(result)
    assert len(written) == len(drafts.split("|")), sorted(written)
    for name, markdown in written.items():
        seen, kinds = shown(markdown)
        for kind in INLINE:
            assert kind not in kinds, (name, kind, markdown)
        assert "<!channel>" not in markdown, name
        if PLANT in seen:
            continue
        assert "**gras**" not in markdown, name  # every plant that reached it is literal
    if playbook == "hack-and-leak":
        hack = written["INC-1-press-hack-and-leak-fr-v1.md"]
        assert f"OTHERS_INFORMED {PLANT}" in shown(hack)[0], hack
    report = shown(written[f"INC-1-report-{'fr' if 'fr' in jurisdictions else 'en'}-v1.md"])[0]
    for planted in ("NOTE", "STEP", "REASON", "LESSONS", "TAKEN", "PLANNED"):
        assert f"{planted} {PLANT}" in report, (planted, report)
    for name, markdown in written.items():
        if "-notice-" in name:  # planned measures in every notice (issue 15)
            assert f"PLANNED {PLANT}" in shown(markdown)[0], name


# --- 5. a jurisdiction the incident is not under is refused --------------------------------------


@pytest.mark.parametrize(
    ("reader", "line", "refusal"),
    [
        ("fr", "brouillon avis fr",
         "INC-1 ne relève pas de fr : ses juridictions sont qc."),
        ("fr", "brouillon autorité fr",
         "INC-1 ne relève pas de fr : ses juridictions sont qc."),
        ("en", "draft regulator uk",
         "INC-1 is not under uk: its jurisdictions are qc."),
    ],
)  # fmt: skip
def test_a_draft_for_a_jurisdiction_the_incident_is_not_under_is_refused(
    reader: str, line: str, refusal: str, tmp_path: Path
) -> None:
    case = Case(
        "wrong-jurisdiction",
        "qc",
        f"declare Fuite playbook=generic-breach jurisdiction=qc lang=fr\n{line}\n",
        (),
    )
    result = _run_reader(case, tmp_path, reader)[0]
    assert result.returncode == 1
    said = result.stdout.replace("\u202f", " ").replace("\xa0", " ")
    assert refusal in said, said
    assert not (tmp_path / "drafts-out").exists()


def test_which_regulator_is_asked_in_the_readers_words(tmp_path: Path) -> None:
    case = Case(
        "which",
        "qc",
        "déclarer Fuite playbook=generic-breach juridiction=qc,ca lang=fr\nbrouillon autorité\n",
        (),
    )
    result = _run_reader(case, tmp_path, "fr")[0]
    said = result.stdout.replace("\u202f", " ").replace("\xa0", " ")
    assert "Quelle autorité ? INC-1 relève de qc, ca : /incident brouillon autorité qc" in said


def _run_reader(  # the reader (INCIDENTBOT_LANG) chosen by the test
    case: Case, home: Path, reader: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    return _run(case, home, reader, tz="America/Toronto")


# --- 6. Québec's own words ----------------------------------------------------------------------


def test_quebec_drafts_use_quebec_titles_and_deadline_words(tmp_path: Path) -> None:
    case = Case(
        "quebec-words",
        "qc",
        """\
déclarer Fuite playbook=vendor-breach aware="2026-11-28 09:00" juridiction=qc lang=fr
brouillon autorité
brouillon avis
brouillon prestataire
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    for name in ("INC-1-regulator-qc-fr-v1.md", "INC-1-notice-qc-fr-v1.md"):
        text = drafts[name]
        assert "délégué à la protection des données" not in text, name
        assert "SIREN" not in text, name
    letter = drafts["INC-1-regulator-qc-fr-v1.md"].replace("\xa0", " ").replace("\u202f", " ")
    assert (
        "Personne responsable de la protection des renseignements personnels : [À COMPLÉTER : "
        "personne responsable de la protection des renseignements personnels]" in letter
    )
    assert "NEQ [À COMPLÉTER : numéro d'entreprise du Québec (NEQ)]" in letter
    vendor = drafts["INC-1-vendor-fr-v1.md"]
    assert "quelques heures" not in vendor and "autorités de contrôle" not in vendor
    assert "l'autorité compétente et les personnes concernées avec diligence." in vendor


def test_a_french_vendor_letter_gives_the_gdpr_hour_count(tmp_path: Path) -> None:
    case = Case(
        "gdpr-vendor",
        "fr",
        'declare Fuite playbook=vendor-breach aware="2026-11-28 09:00" jurisdiction=fr lang=fr\n'
        "draft vendor\ndraft vendor en\ndraft regulator\n",
        (),
    )
    result, drafts = _run(case, tmp_path)
    _ok(result)
    french = drafts["INC-1-vendor-fr-v1.md"].replace("\xa0", " ").replace("\u202f", " ")
    assert "personnes concernées dans un délai de 72 heures." in french
    assert "people concerned within 72 hours." in drafts["INC-1-vendor-en-v1.md"]
    assert "[À COMPLÉTER : numéro SIREN]" in drafts["INC-1-regulator-fr-fr-v1.md"]


# --- 8. the hints follow the reader, the body the draft -------------------------------------------


def test_an_english_reader_gets_english_hints_and_a_line_saying_the_draft_is_french(
    tmp_path: Path,
) -> None:
    case = Case(
        "reader-en",
        "qc",
        'declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction=qc lang=fr\n'
        "draft notice\ndraft notice qc en\n",
        (),
    )
    result, drafts = _run_reader(case, tmp_path, "en")
    _ok(result)
    first, second = result.stdout.split("[3] draft notice qc en")
    assert "Les renseignements visés" in drafts["INC-1-notice-qc-fr-v1.md"]  # the body: French
    assert "Missing facts:" in first
    hints = first.split("Missing facts:")[1]
    assert "/incident fact description TEXT" in hints and "élément" not in hints, hints
    assert "person in charge of the protection of personal information" in hints
    assert "délégué" not in hints and "responsable" not in hints
    assert (
        "This draft is in French, the default for this document; for the English version: "
        "/incident draft notice qc en" in first
    )
    assert "This draft is in" not in second  # the English notice needs no such line


def test_a_french_reader_of_an_english_letter_is_told_in_french(tmp_path: Path) -> None:
    case = Case(
        "reader-fr",
        "uk",
        'déclarer Fuite playbook=generic-breach aware="2026-11-28 09:00" juridiction=uk lang=fr\n'
        "brouillon autorité\n",
        (),
    )
    result, _ = _run(case, tmp_path)
    _ok(result)
    said = result.stdout.replace("\xa0", " ").replace("\u202f", " ")
    assert (
        "Ce brouillon est en anglais, la langue par défaut de ce document ; pour la version en "
        "français : /incident brouillon autorité uk fr" in said
    )
    hints = said.split("Faits manquants :")[1]
    assert "/incident élément description TEXTE" in hints
    assert "description of what happened" not in hints

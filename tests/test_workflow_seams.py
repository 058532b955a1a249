"""The workflow seams of issue 15, played through the shell as a campaign's DPO would.

Step due times follow the jurisdictions' clocks; ``list`` and ``deadlines`` put the law's
deadlines before the campaign's own targets; ``skip`` respects the steps' order; ``notified``
leaves the notify step for the DPO's evidence note (or takes it); ``steps STEP`` shows a step's
guidance with the incident's own authority; role names are worded in the reader's language.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def play(tmp_path: Path, lang: str, script: str) -> dict[int, str]:
    """Run ``script`` in the shell; the bot's answer to each line, by line number (1-based)."""
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": lang,
        "INCIDENTBOT_TZ": "America/Toronto",
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", "shell", "--script", "script.txt"]
        + ["--as", "alice"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert "Traceback" not in result.stderr, result.stderr
    answers: dict[int, list[str]] = {}
    current = 0
    for line in (result.stdout + result.stderr).splitlines():
        if (m := re.match(r"^\[(\d+)\] ", line)) is not None:
            current = int(m.group(1))
            answers[current] = []
        elif current:
            answers[current].append(line)
    return {n: "\n".join(lines) for n, lines in answers.items()}


def step_line(text: str, step: str) -> str:
    return next(line for line in text.splitlines() if re.match(rf"\s*\[.\] {step}\s?:", line))


QC = 'declare Fichier exposé playbook=vendor-breach jurisdiction={j} aware="2026-11-20 14:00"\n'


# ------------------------------------------------------------------ 1. due times follow the law


@pytest.mark.parametrize(
    ("jurisdictions", "due"),
    [
        ("qc", "2026-11-21 14:00"),  # the CAI's internal target (24 h), not the playbook's 72 h
        ("uk", "2026-11-23 14:00"),  # the ICO's legal 72 hours
        ("fr,qc", "2026-11-21 14:00"),  # the earliest of the incident's clocks
    ],
)
def test_the_notify_step_is_due_at_the_incidents_earliest_clock(
    tmp_path: Path, jurisdictions: str, due: str
) -> None:
    out = play(tmp_path, "en", QC.format(j=jurisdictions) + "steps\nstatus\n")
    assert f"due {due}" in step_line(out[2], "notify-regulator")
    assert f"due {due}" in step_line(out[3], "notify-regulator")  # the card says the same
    # a step with no legal clock keeps the playbook's own hours
    assert "due 2026-11-20 16:00" in step_line(out[2], "revoke-vendor-access")


def test_the_notify_steps_due_time_moves_with_awareness(tmp_path: Path) -> None:
    out = play(tmp_path, "fr", QC.format(j="qc") + 'connu "2026-11-25 09:00"\nétapes\n')
    assert "échéance 2026-11-26 09:00" in step_line(out[3], "notify-regulator")


# ---------------------------------------------------- 2. legal deadlines before internal targets


def test_a_legal_deadline_comes_before_an_internal_target(tmp_path: Path) -> None:
    script = (
        'declare Fuite playbook=vendor-breach jurisdiction=qc,fr aware="12 hours ago"\n'
        "list\ndeadlines\nstatus\n"
    )
    out = play(tmp_path, "en", script)
    # the CAI's target (12 h left) is nearer than the CNIL's legal deadline (60 h left), but the
    # CNIL's is the law's: the list shows it, and the deadlines put it first
    assert "CNIL: due" in out[2].splitlines()[0]
    assert "CAI" not in out[2].splitlines()[0]
    clocks = [line.strip() for line in out[3].splitlines() if line.strip()]
    assert clocks[0].startswith("CNIL") and clocks[1].startswith("CAI")
    card = out[4].split("Clocks:")[1]
    assert card.index("CNIL") < card.index("CAI")


def test_an_incident_with_a_legal_deadline_is_listed_first(tmp_path: Path) -> None:
    script = (
        'declare Québec seul playbook=vendor-breach jurisdiction=qc aware="2 hours ago"\n'
        'declare France playbook=vendor-breach jurisdiction=fr aware="1 hour ago"\n'
        "list\n"
    )
    listing = play(tmp_path, "en", script)[3]
    assert listing.index("INC-2") < listing.index("INC-1")


# --------------------------------------------------------------------- 3. skip and dependencies


@pytest.mark.parametrize(
    ("lang", "skip", "done", "refusal"),
    [
        ("en", "skip", "steps", 'Step "notify-persons" cannot be skipped yet: a prerequisite '
         "of the assessment phase is still open (assess-risk)"),
        ("fr", "passer", "étapes", "L'étape «\u00a0notify-persons\u00a0» ne peut pas encore être passée\u00a0: "
         "une étape préalable de la phase d'évaluation est encore ouverte (assess-risk)"),
    ],
)  # fmt: skip
def test_a_step_waiting_for_the_assessment_cannot_be_skipped(
    tmp_path: Path, lang: str, skip: str, done: str, refusal: str
) -> None:
    script = QC.format(j="qc") + f"{skip} notify-persons no risk\n{done}\n"
    out = play(tmp_path, lang, script)
    assert refusal in out[2]
    assert "no risk" not in out[3]  # nothing recorded
    assert step_line(out[3], "notify-persons").lstrip().startswith("[ ]")


def test_a_step_whose_means_are_open_can_still_be_skipped(tmp_path: Path) -> None:
    """``review-vendor-contract`` waits for the vendor's written account, a means to review the
    contract, not what decides whether there is a contract to review."""
    script = QC.format(j="qc") + "skip review-vendor-contract No contract: a one-off job\nsteps\n"
    out = play(tmp_path, "en", script)
    assert "Step review-vendor-contract of INC-1 was skipped." in out[2]
    assert step_line(out[3], "review-vendor-contract").lstrip().startswith("[-]")


def test_skipping_a_step_says_which_steps_no_longer_wait_for_it(tmp_path: Path) -> None:
    script = QC.format(j="qc") + "skip scope-exposure the vendor sent the full list already\n"
    out = play(tmp_path, "en", script)
    assert (
        "Step scope-exposure of INC-1 was skipped; vendor-written-account, assess-risk, "
        "consult-privacy-officer no longer wait for it." in out[2]
    )


# ------------------------------------------------------------------- 4. notified and evidence


def test_notified_leaves_the_step_for_the_evidence_note(tmp_path: Path) -> None:
    script = QC.format(j="qc") + (
        "done scope-exposure Vendor list received\n"
        "done assess-risk Very high: notify the CAI\n"
        "notified qc CAI-2026-117\n"
        "steps\n"
        "done notify-regulator Form sent by e-mail at 10:12 by Marie, receipt filed\n"
        "steps\n"
    )
    out = play(tmp_path, "en", script)
    assert "Step notify-regulator stays open for your evidence" in out[4]
    assert step_line(out[5], "notify-regulator").lstrip().startswith("[ ]")
    assert "is done" in out[6]
    assert "receipt filed" in step_line(out[7], "notify-regulator")


def test_notified_takes_the_note_when_given(tmp_path: Path) -> None:
    script = QC.format(j="qc,fr") + (
        "fait scope-exposure Liste reçue\n"
        "fait assess-risk Très élevé\n"
        "notifié qc CAI-1 note=Formulaire envoyé à 10 h 12 par Marie\n"
        "notifié fr CNIL-9 note=Téléservice CNIL, accusé de réception classé\n"
        "étapes\n"
        "chronologie 20\n"
    )
    out = play(tmp_path, "fr", script)
    # the CNIL is still to be told: the step stays open, the note is kept in the timeline
    assert "Votre note est gardée dans la chronologie" in out[4]
    assert "reste à notifier\u00a0: fr" in out[4]
    assert "L'étape notify-regulator est faite, avec votre note" in out[5]
    assert "accusé de réception classé" in step_line(out[6], "notify-regulator")
    assert "Formulaire envoyé à 10 h 12 par Marie" in out[7]


def test_an_empty_note_is_refused_with_the_form(tmp_path: Path) -> None:
    out = play(tmp_path, "en", QC.format(j="qc") + "notified qc CAI-1 note=\ndeadlines\n")
    assert "The note after note= is empty" in out[2]
    assert "notified" not in out[3]


# ---------------------------------------------------------------------------- 9. role labels


def test_french_step_lines_name_roles_in_french(tmp_path: Path) -> None:
    out = play(tmp_path, "fr", QC.format(j="qc") + "étapes\n")
    assert "(informatique\u00a0: non attribuée" in step_line(out[2], "revoke-vendor-access")
    assert "(responsable\u00a0: alice" in step_line(out[2], "vendor-written-account")
    assert "(communication\u00a0:" in step_line(out[2], "staff-notice")
    assert not re.search(r"\((it|lead|comms|member)\s*\u00a0?:", out[2])


# ------------------------------------------------------------------------- 5. step guidance


def test_steps_step_shows_the_guidance_with_the_incidents_own_authority(tmp_path: Path) -> None:
    script = QC.format(j="uk") + "steps notify-regulator\nsteps nope\nsteps a b\n"
    out = play(tmp_path, "en", script)
    detail = out[2]
    assert detail.splitlines()[0] == "INC-1 — notify-regulator: Notify the ICO"
    for line in (
        "State: open",
        "Role: DPO",
        "Assigned to: unassigned",
        "Due: 2026-11-23 14:00",
        "Requires: assess-risk (open)",
        "Mandatory: yes",
        "What to do:",
    ):
        assert line in detail
    assert "the ICO within 72 hours" in " ".join(detail.split())
    assert "CNIL" not in detail and "CAI" not in detail
    assert 'No step "nope" in INC-1. Steps: revoke-vendor-access' in out[3]
    assert 'steps does not take "b": /incident steps [STEP]' in out[4]


def test_etapes_etape_in_french(tmp_path: Path) -> None:
    out = play(tmp_path, "fr", QC.format(j="qc,fr") + "étapes notify-regulator\n")
    detail = re.sub(r"[ \n]+", " ", out[2])
    assert "notify-regulator\u00a0: Aviser la CAI et la CNIL" in detail
    assert "Rôle\u00a0: DPO" in detail and "Obligatoire\u00a0: oui" in detail
    assert "à la CAI avec diligence et à la CNIL sous 72 heures" in detail


# ---------------------------------------------------------------------- 6. electoral silence


def test_the_card_counts_down_to_the_electoral_silence_then_says_it_is_in_force(
    tmp_path: Path,
) -> None:
    script = (
        'declare Boîtes piratées playbook=hack-and-leak jurisdiction=fr aware="1 hour ago"\n'
        'fact election_silence_starts "in 3 days"\n'
        "status\n"
        'fact election_silence_starts "2 hours ago"\n'
        "status\n"
        "draft press\n"
        "draft press holding\n"
    )
    out = play(tmp_path, "en", script.replace('"in 3 days"', _in_three_days()))
    ahead = next(line for line in out[3].splitlines() if line.startswith("Electoral silence:"))
    assert re.search(r"starts \d{4}-\d\d-\d\d \d\d:\d\d .*, in (71|72) h", ahead), ahead
    now = next(line for line in out[5].splitlines() if line.startswith("Electoral silence:"))
    assert "in force since" in now and "without your lawyer's advice" in now
    for draft in (out[6], out[7]):  # every press draft written during the silence warns
        assert "electoral silence" in draft.lower()


def _in_three_days() -> str:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    at = datetime.now(UTC) + timedelta(days=3)
    # a French incident's schedule is read in Paris time (its jurisdiction's zone)
    return '"' + at.astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%d %H:%M") + '"'


# ------------------------------------------------------------------------ 10. help SUBCOMMAND


@pytest.mark.parametrize(
    ("lang", "script", "form", "keys"),
    [
        ("en", "help assess\nhelp skip\n", "/incident assess", "Keys and their values"),
        ("fr", "aide évaluer\naide passer\n", "/incident évaluer", "Clés et valeurs"),
    ],
)
def test_help_on_a_subcommand_explains_only_that_one(
    tmp_path: Path, lang: str, script: str, form: str, keys: str
) -> None:
    out = play(tmp_path, lang, script)
    assess, skip = out[1], out[2]
    assert form in assess and keys in assess
    assert "  confidentiality=none|known_recipient|unknown_recipient|unknown" in assess
    assert "  persons=N" in assess
    assert "declare" not in assess and "déclarer" not in assess
    assert len([line for line in skip.splitlines() if line.startswith("/incident")]) == 1

"""Issue 15b, played through the shell: an exact repeat is refused and says when and by whom;
a notice to the persons is worded as one; a step's prerequisites carry their state; English
human views show words, never the stored codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_workflow_seams import QC, play

NBSP = "\u00a0"


def flat(text: str) -> str:
    return re.sub(r"[ \u00a0\n]+", " ", text)


# ------------------------------------------------------------------ 1. repeats are refused


@pytest.mark.parametrize(
    ("lang", "measure", "notified", "refusal"),
    [
        ("en", "measure", "notified", "this measure was already recorded on"),
        ("fr", "mesure", "notifié", "cette mesure a déjà été enregistrée le"),
    ],
)
def test_the_same_measure_twice_is_refused_and_drafts_list_it_once(
    tmp_path: Path, lang: str, measure: str, notified: str, refusal: str
) -> None:
    script = QC.format(j="qc") + (
        f"{measure} Vendor accounts revoked\n"
        f"{measure} Vendor accounts revoked\n"
        f"{measure} planned Vendor accounts revoked\n"  # a planned one is another measure
        "draft regulator\n"
    )
    out = play(tmp_path, lang, script.replace("planned", "prévue" if lang == "fr" else "planned"))
    assert out[2].startswith("✓")
    assert out[3].startswith("✗") and refusal in flat(out[3])
    assert "alice" in out[3] and "(UTC-05:00)" in out[3]
    assert out[4].startswith("✓")
    draft = out[5]
    taken = draft.split("Vendor accounts revoked")
    assert len(taken) == 3, draft  # once taken, once planned: never the repeat


@pytest.mark.parametrize(
    ("lang", "cmd", "refusal"),
    [
        ("en", "notified", "was already recorded on"),
        ("fr", "notifié", "a déjà été enregistrée le"),
    ],
)
def test_the_same_notification_twice_is_refused_a_complementary_one_is_not(
    tmp_path: Path, lang: str, cmd: str, refusal: str
) -> None:
    script = QC.format(j="qc") + (
        f"{cmd} qc CAI-2026-1234\n{cmd} qc CAI-2026-1234\n{cmd} qc CAI-2026-9999\nregister\n"
    )
    out = play(tmp_path, lang, script)
    assert out[2].startswith("✓")
    assert out[3].startswith("✗") and refusal in flat(out[3]) and "alice" in out[3]
    assert out[4].startswith("✓")  # a complementary filing with its own reference
    register = out[5]
    assert register.count("CAI-2026-1234") == 1 and register.count("CAI-2026-9999") == 1


# ------------------------------------------------------------------ 2. the persons' notice


def test_a_notice_to_the_persons_is_worded_as_one_in_french(tmp_path: Path) -> None:
    script = QC.format(j="qc") + (
        "notifié qc personnes par courriel le 1er décembre\n"
        "notifié qc personnes par courriel le 1er décembre\n"
        "chronologie\nregistre\n"
    )
    out = play(tmp_path, "fr", script)
    answer = flat(out[2])
    assert answer.startswith("✓ Personnes concernées avisées (qc) pour INC-1 (par courriel le 1er")
    assert "CAI" not in answer and "réf." not in answer
    assert out[3].startswith("✗") and "Cet avis aux personnes concernées (qc)" in flat(out[3])
    line = next(x for x in out[4].splitlines() if "#3" in x)
    assert f"personnes avisées{NBSP}:" in line and "autorité notifiée" not in line
    assert f"moyen{NBSP}: par courriel" in line and "réf." not in line
    header, _, row = out[5].strip().splitlines()[2:5]
    assert "| personnes avisées |" in header
    cells = [c.strip() for c in row.split("|")]
    assert cells[header.split("|").index(" personnes avisées ")].startswith("qc 2026-")


def test_a_notice_to_the_persons_in_english(tmp_path: Path) -> None:
    out = play(tmp_path, "en", QC.format(j="qc") + "notified qc persons by e-mail\ntimeline\n")
    assert out[2].startswith("✓ Affected persons notified (qc) for INC-1 (by e-mail);")
    assert "persons notified: affected persons (qc), means: by e-mail" in out[3]


# ------------------------------------------------------------------ 3. prerequisites' state


@pytest.mark.parametrize(
    ("lang", "script", "expected"),
    [
        ("en", "done scope-exposure told\ndone assess-risk done\nsteps register-entry\n",
         "Requires: assess-risk (done), notify-regulator (open)"),
        ("fr", "fait scope-exposure dit\nfait assess-risk fait\nétapes register-entry\n",
         f"Requiert{NBSP}: assess-risk (faite), notify-regulator (ouverte)"),
    ],
)  # fmt: skip
def test_steps_step_gives_each_prerequisites_state(
    tmp_path: Path, lang: str, script: str, expected: str
) -> None:
    out = play(tmp_path, lang, QC.format(j="qc") + script)
    assert expected in out[4]
    assert "Waits for" not in out[4] and "Attend" not in out[4]


# ------------------------------------------------------------------ 4. wording slips


def test_french_wording_slips(tmp_path: Path) -> None:
    script = QC.format(j="qc") + (
        "état\naide évaluer\npasser scope-exposure inutile\n"
        "évaluer data=contact persons=10 identifiable=limited confidentiality=known_recipient "
        "malicious=no encrypted=no backup=yes vulnerable=no context=normal depend=no "
        "integrity=none availability=none\n"
        "chronologie\n"
    )
    out = play(tmp_path, "fr", script)
    assert f"Gravité{NBSP}: non indiquée" in out[2]
    assert "nouvel assess" not in out[3] and "une nouvelle commande évaluer" in flat(out[3])
    assert "ne l'attendent plus" in out[4]
    assessed = next(x for x in out[6].splitlines() if "évaluation" in x.lower() and "#" in x)
    score = re.search(r"score (\d+(?:,\d+)?)", assessed)
    assert score is not None and score.group(1) in flat(out[5]), (assessed, out[5])


def test_skipping_a_step_one_step_waited_for_is_singular(tmp_path: Path) -> None:
    out = play(tmp_path, "fr", QC.format(j="qc") + "passer vendor-written-account inutile\n")
    assert "review-vendor-contract ne l'attend plus" in out[2]
    out = play(tmp_path, "en", QC.format(j="qc") + "skip vendor-written-account not needed\n")
    assert "review-vendor-contract no longer waits for it" in out[2]


def test_a_score_keeps_its_second_decimal_in_the_timeline() -> None:
    from incidentbot.events import said

    data = {"version": 1, "score": 4.25, "band": "high", "decisions": []}
    assert "4,25" in said("assessed", "", data, "fr")
    assert "4.25" in said("assessed", "", data, "en")


# ------------------------------------------------------------------ 5. English shows words


def test_english_human_views_show_words_and_the_csv_keeps_codes(tmp_path: Path) -> None:
    script = QC.format(j="qc") + (
        "fact description A file\n"
        "assess data=contact,identity persons=869 identifiable=full "
        "confidentiality=unknown_recipient malicious=yes\n"
        "done scope-exposure told\ndraft regulator\ntimeline\nregister\n"
    )
    out = play(tmp_path, "en", script)
    timeline = out[6]
    for code in ("fact_set:", "step_done", "draft_created", "assessed:"):
        assert code not in timeline, timeline
    assert "fact recorded:" in timeline and "step done scope-exposure:" in timeline
    register = out[7]
    assert "| aware since | data categories |" in register and "| persons notified |" in register
    for code in ("very_high", "contact,identity", "authority_notified", "keep_until"):
        assert code not in register, register
    assert "very high" in register and "Contact details" in register
    # the export (Markdown) words it; the CSV is for machines: codes and column names stay
    export = _cli(tmp_path, "export", "INC-1")
    assert "**Severity**: very high" in export and "very_high" not in export
    assert "fact_set" not in export and "step_done" not in export
    rows = list(csv.DictReader(io.StringIO(_cli(tmp_path, "register", "--format", "csv"))))
    assert rows[0]["severity_band"] == "very_high"
    assert rows[0]["data_categories"] == "contact,identity"


def _cli(tmp_path: Path, *args: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": "en",
        "INCIDENTBOT_TZ": "America/Toronto",
    }
    result = subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=env, capture_output=True, text=True, cwd=tmp_path, check=True, timeout=300,
    )  # fmt: skip
    return result.stdout


# ------------------------------------------------------------------ 6. the silence's own zone


def test_a_french_silence_starts_at_paris_midnight_whatever_the_campaigns_zone(
    tmp_path: Path,
) -> None:
    script = (
        'declare Boîtes piratées playbook=hack-and-leak jurisdiction=fr aware="1 hour ago"\n'
        "fact election_silence_starts 2099-12-03 00:00\n"
        "status\ndraft press\n"
    )
    out = play(tmp_path, "en", script)  # the campaign's zone is America/Toronto
    line = next(x for x in out[3].splitlines() if x.startswith("Electoral silence:"))
    assert "starts 2099-12-03 00:00 (UTC+01:00, Europe/Paris)" in line
    assert "3 December 2099 at 00:00 (Europe/Paris)" in out[4]


def test_tz_at_declare_wins_and_a_canadian_incident_keeps_the_campaigns_zone(
    tmp_path: Path,
) -> None:
    script = (
        'declare A playbook=hack-and-leak jurisdiction=fr tz=Europe/London aware="1 hour ago"\n'
        "fact election_silence_starts 2099-12-03 00:00\nstatus\n"
        'declare B playbook=vendor-breach jurisdiction=ca aware="1 hour ago"\n'
        "INC-2 fact election_silence_starts 2099-12-03 00:00\nINC-2 status\n"
    )
    out = play(tmp_path, "en", script)
    assert "starts 2099-12-03 00:00 (UTC+00:00, Europe/London)" in out[3]
    assert "starts 2099-12-03 00:00 (UTC-05:00, America/Toronto)" in out[6]


def test_the_shipped_jurisdictions_carry_their_natural_zone() -> None:
    from incidentbot.config import builtin_dir
    from incidentbot.playbooks import load

    found = {j.id: j.timezone for j in load([builtin_dir("playbooks")]).jurisdictions.values()}
    assert found["fr"] == "Europe/Paris" and found["qc"] == "America/Toronto"
    assert found["uk"] == "Europe/London" and found["ca"] is None


# ------------------------------------------------------------------ Slack, signed requests


@pytest.mark.asyncio
async def test_slack_words_the_persons_notice_and_refuses_a_repeat(slack: Any) -> None:
    from slackutil import DANA

    chan = slack.db("SELECT channel FROM incidents WHERE ref = 'INC-1'")[0][0]

    async def said(text: str) -> str:
        rid = await slack.command(text, channel=chan, user=DANA)
        return json.dumps(slack.answers(rid)[-1], ensure_ascii=False)

    first = await said("notified qc persons by e-mail")
    assert "Affected persons notified (qc) for INC-1 (by e-mail)" in first
    again = await said("notified qc persons by e-mail")
    assert "This notice to the affected persons (qc) for INC-1 was already recorded on" in again
    await said("measure Vendor accounts revoked")
    assert "this measure was already recorded on" in await said("measure Vendor accounts revoked")
    timeline = await said("timeline")
    assert "persons notified" in timeline and "means: by e-mail" in timeline
    assert not re.search(r"> (step_done|aware_set|fact_set|notified)\b", timeline), timeline

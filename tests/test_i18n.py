"""The one catalogue: complete in both languages, French typography, and no English built in code.

A French user (``INCIDENTBOT_LANG=fr``) replays a script of every subcommand, right and wrong,
in the shell and reads no English sentence; an English user reads no French one.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from incidentbot import i18n
from incidentbot.errors import UsageError
from incidentbot.i18n import Message
from incidentbot.typography import NBSP, NNBSP, french, number, quote
from incidentbot.typography import date as fr_date

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "incidentbot"
LOCALE = PACKAGE / "locale"


def catalogue(name: str):  # type: ignore[no-untyped-def]
    path = (
        LOCALE / "incidentbot.pot"
        if name == "pot"
        else LOCALE / name / "LC_MESSAGES" / "incidentbot.po"
    )
    return read_po(io.BytesIO(path.read_bytes()), locale=None if name == "pot" else name)


def ids(cat) -> set[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in cat if m.id}


# --------------------------------------------------------------------------- (a) complete


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_message_has_its_translation(lang: str) -> None:
    missing = []
    for m in catalogue(lang):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(s.strip() for s in strings):
            missing.append(m.id)
    assert not missing, f"{lang} has no text for {missing}"


def test_the_template_and_both_languages_hold_the_same_ids() -> None:
    pot, en, fr = ids(catalogue("pot")), ids(catalogue("en")), ids(catalogue("fr"))
    assert pot == en, sorted(pot ^ en)
    assert pot == fr, sorted(pot ^ fr)


def test_both_languages_fill_the_same_fields() -> None:
    field = re.compile(r"{(\w+)}")
    en = {(m.context, str(m.id)): m.string for m in catalogue("en") if m.id}
    for m in catalogue("fr"):
        if not m.id:
            continue
        fr_fields = set(field.findall(str(m.string)))
        en_fields = set(field.findall(str(en[(m.context, str(m.id))])))
        # the French help line names the English subcommand, the English one the French aliases
        extra = {"name"} if m.id == "commands.usage.line_also" else set()
        assert fr_fields <= en_fields | {"n"} | extra, (m.id, fr_fields - en_fields)


def test_plural_forms_follow_each_language() -> None:
    assert i18n.ngettext("open_steps_n", 1, "en") == "1 open step"
    assert i18n.ngettext("open_steps_n", 2, "en") == "2 open steps"
    assert i18n.ngettext("open_steps_n", 1, "fr") == "1 étape ouverte"
    assert i18n.ngettext("open_steps_n", 0, "fr") == "0 étape ouverte"  # French: 0 is singular
    assert i18n.ngettext("open_steps_n", 2300, "fr") == f"2{NNBSP}300 étapes ouvertes"


def test_the_old_entry_points_are_aliases_of_the_one_catalogue() -> None:
    from incidentbot.slack.i18n import t as slack_t
    from incidentbot.web.wording import bound, word

    assert slack_t("button.done", "fr") == i18n.t("button.done", "fr") == "Fait"
    assert word("checklist", "fr") == bound("fr")("checklist") == "Liste des étapes"
    # the same decision is worded once, whichever old id asks for it
    assert slack_t("assess.notify", "fr") == i18n.t("decision.authority", "fr")
    assert word("kind.some_new_kind", "fr") == "some_new_kind"
    assert i18n.t("no.such.id", "fr") == "no.such.id"


def test_a_message_is_worded_where_the_reader_is_known() -> None:
    error = UsageError(
        Message("commands.unknown", word="finish", form=Message("commands.form.done"))
    )
    assert error.message == 'Unknown subcommand "finish". Try: /incident done STEP [note]'
    assert error.text("fr") == french(
        "Sous-commande inconnue « finish ». Essayez : /incident fait ÉTAPE [note]"
    )
    assert str(error) == error.message


def test_importing_the_core_loads_no_catalogue_and_no_babel() -> None:
    code = (
        "import sys, incidentbot.core.commands, incidentbot.core.when, incidentbot.core.deadlines;"
        "print(sorted(m for m in sys.modules if m.startswith('babel')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- typography


def test_french_spacing_before_double_punctuation_and_inside_guillemets() -> None:
    assert french("Gravité : élevée ; vraiment ? oui !") == (
        f"Gravité{NBSP}: élevée{NNBSP}; vraiment{NNBSP}? oui{NNBSP}!"
    )
    assert french("« titre »") == f"«{NBSP}titre{NBSP}»"
    assert french("à 14:00, https://x.org/a:b") == "à 14:00, https://x.org/a:b"
    assert quote("titre", "fr") == f"«{NBSP}titre{NBSP}»" and quote("title", "en") == "“title”"


def test_catalogue_sentences_get_french_typography_but_user_text_does_not() -> None:
    text = i18n.t("severity_set", "fr", ref="INC-1", severity="a : b")
    assert text == f"Gravité de INC-1{NBSP}: a : b."


def test_first_of_the_month_and_grouped_numbers() -> None:
    assert fr_date(date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert fr_date(date(2026, 12, 2), "fr") == "2 décembre 2026"
    assert fr_date(date(2026, 12, 1), "en") == "1 December 2026"
    assert number(2300, "fr") == f"2{NNBSP}300"
    assert number(2300, "en") == "2300"


# --------------------------------------------------------------------------- (b) no English in code


ENGLISH = re.compile(
    r"\b(the|is|not|must|of|to|has|was|with|cannot|needs|does|are|and|for|this|your|in|no|by)\b"
)
ERRORS = {"IncidentbotError", "UsageError", "NotFound", "Refused", "ConfigError", "StoreError"}
SPEAKERS = {"echo", "secho", "print", "_print"}


def english(text: str) -> bool:
    """Two English function words as whole words (ids like ``notify-the-cai`` excepted)."""
    words = [w for w in re.split(r"\s+", text) if not re.search(r"[-_=/.]\w", w)]
    return len(ENGLISH.findall(" ".join(words).lower())) >= 2


def literals(node: ast.AST) -> list[str]:
    """The strings in ``node``; an f-string's literal parts are read as one sentence."""
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.JoinedStr):
            found.append(" ".join(str(v.value) for v in n.values if isinstance(v, ast.Constant)))
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            found.append(n.value)
    return found


def built_english(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        suspects: list[ast.AST] = []
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ERRORS or name in SPEAKERS:
                suspects += node.args
            suspects += [k.value for k in node.keywords if k.arg == "message_fr"]
        elif isinstance(node, ast.Return) and isinstance(
            node.value, ast.Constant | ast.JoinedStr | ast.BinOp
        ):
            suspects.append(node.value)
        for suspect in suspects:
            for text in literals(suspect):
                if english(text):
                    found.append(f"{path.relative_to(PACKAGE)}:{suspect.lineno}: {text[:60]!r}")
    return found


# Every module: the allow-list of modules still building English is gone (issue 12).
CONVERTED = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("i18n.py",))


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_converted_modules_build_no_english_sentence(path: Path) -> None:
    assert not built_english(path)


def test_the_detector_catches_an_english_refusal(tmp_path: Path) -> None:
    bad = PACKAGE / "_probe_for_test.py"
    try:
        bad.write_text('raise UsageError(f"The step {x} is not open")\n', encoding="utf-8")
        assert built_english(bad)
    finally:
        bad.unlink()


# --------------------------------------------------------------------------- (c) the shell

SCRIPT = """\
aide
aide fait
aide nimporte
déclarer Fichier des donateurs divulgué playbook=vendor-breach aware="20/11/2026 14h00" jurisdiction=qc
déclarer titre=x titre=y
déclarer x inconnu=1
état
liste
étapes
fait
fait revoke-vendor-access Accès VPN du prestataire coupé à 15 h 10
passer notify-persons
assigner notify-regulator
assigner notify-regulator <@
note
note Le prestataire confirme deux téléchargements
connu
connu demain
connu 31/02/2026 10h00
connu 2099-01-01 10:00
connu hier 18h00
évaluer
évaluer persons
évaluer data=contact,political persons=2300 identifiable=full confidentiality=unknown_recipient malicious=yes
échéances
chronologie 0
chronologie 5
brouillon
brouillon inconnu
brouillon presse qc de
approuver
élément
élément description
gravité
clore
passer notify-persons Risque jugé faible
assigner notify-regulator @dpo
assigner inconnue @dpo
élément description Export du fichier des donateurs
gravité high Données politiques
gravité énorme
notifié qc CAI-2026-117
notifié zz
brouillon vendor qc fr
approuver nimporte-quoi
approuver vendor-qc-fr-v1
échéances maintenant
registre
truc
INC-1 état maintenant
"""


def cli_env(tmp_path: Path, lang: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": lang,
        "INCIDENTBOT_TZ": "America/Toronto",
        "NO_COLOR": "1",
    }


def run_cli(tmp_path: Path, lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", *args],
        env=cli_env(tmp_path, lang),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def run_shell(
    tmp_path: Path, lang: str, script: str, *, actor: str = "alice"
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    return run_cli(tmp_path, lang, "shell", "--script", "script.txt", "--as", actor)


def printed(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the bot said: every line but the echo of the script's own lines."""
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not re.match(r"^\[\d+\] ", line)
    ]


def test_a_french_user_reads_no_english_sentence(tmp_path: Path) -> None:
    result = run_shell(tmp_path, "fr", SCRIPT)
    assert result.returncode == 1  # some lines are refused on purpose
    lines = printed(result)
    assert any("Étape revoke-vendor-access de INC-1 terminée" in line for line in lines)
    assert any("lignes refusées" in line for line in lines)
    assert any(f"| 2{NNBSP}300 |" in line for line in lines)  # the register groups numbers
    assert any("| très élevée |" in line for line in lines)  # and words its values
    english_lines = [line for line in lines if english(line)]
    assert not english_lines, "\n".join(english_lines)


FRENCH = re.compile(r"\b(le|la|les|des|du|est|une|pas|dans|pour|avec|étape|été)\b")


def test_an_english_user_reads_no_french_sentence(tmp_path: Path) -> None:
    script = (
        SCRIPT.replace("Fichier des donateurs divulgué", "Donor file leaked")
        .replace("Accès VPN du prestataire coupé à 15 h 10", "Vendor VPN account disabled")
        .replace("Le prestataire confirme deux téléchargements", "Vendor confirms two downloads")
        .replace("Export du fichier des donateurs", "Export of the donor file")
        .replace("brouillon vendor qc fr", "brouillon press")
    )
    result = run_shell(tmp_path, "en", script)
    lines = printed(result)
    assert any("Step revoke-vendor-access of INC-1 is done." in line for line in lines)
    french_lines = [line for line in lines if len(FRENCH.findall(line.lower())) >= 2]
    assert not french_lines, "\n".join(french_lines)


# --------------------------------------------------------------------------- (d) the timeline

# Played after SCRIPT: bob (a member, there is no [people] table) is refused three things,
# then alice overrides, hands out a role, invites, goes private and back, revokes the links.
AS_BOB = """\
INC-1 gravité low essai
INC-1 assigner lead @bob
INC-1 évaluer override=qc authority=non persons=non reason="sans risque"
"""
AS_ALICE = """\
INC-1 évaluer override=qc authority=non persons=non reason="risque faible finalement"
INC-1 assigner dpo @carl
INC-1 inviter @dana
INC-1 privé
INC-1 privé non
INC-1 liens révoquer
INC-1 chronologie 100
"""
ENGLISH_TYPED = {
    "Fichier des donateurs divulgué": "Donor file leaked",
    "Accès VPN du prestataire coupé à 15 h 10": "Vendor VPN account disabled",
    "Le prestataire confirme deux téléchargements": "Vendor confirms two downloads",
    "Export du fichier des donateurs": "Export of the donor file",
    "brouillon vendor qc fr": "brouillon press",
    "Données politiques": "Political data",
    "risque faible finalement": "low risk after all",
    "sans risque": "no risk",
    "Risque jugé faible": "Risk judged low",
}


def play_incident(tmp_path: Path, lang: str) -> tuple[list[str], str, str, str]:
    """SCRIPT, bob's refusals and alice's access changes in ``lang``; then the timeline as
    the shell prints it, and the Markdown, CSV and JSON exports."""
    scripts = [SCRIPT, AS_BOB, AS_ALICE]
    if lang == "en":
        for french_text, english_text in ENGLISH_TYPED.items():
            scripts = [s.replace(french_text, english_text) for s in scripts]
    run_shell(tmp_path, lang, scripts[0])
    run_shell(tmp_path, lang, scripts[1], actor="bob")
    result = run_shell(tmp_path, lang, scripts[2])
    lines = printed(result)
    timeline = lines[lines.index(next(x for x in lines if x.startswith("INC-1 — "))) :]
    exports = [
        run_cli(tmp_path, lang, "export", "INC-1", "--format", fmt) for fmt in ("md", "csv", "json")
    ]
    assert all(e.returncode == 0 and not e.stderr for e in exports), [e.stderr for e in exports]
    return timeline, exports[0].stdout, exports[1].stdout, exports[2].stdout


def test_a_french_user_reads_the_timeline_and_the_export_in_french(tmp_path: Path) -> None:
    timeline, md, csv_text, json_text = play_incident(tmp_path, "fr")
    shown = "\n".join(timeline)
    for worded in (
        f"évaluation{NBSP}: v1, score 6,0 → très élevée — qc{NBSP}: autorité oui, personnes oui",
        f"gravité{NBSP}: élevée (auparavant très élevée) — Données politiques",
        f"autorité notifiée{NBSP}: CAI (qc), réf. CAI-2026-117",
        f"refus{NBSP}: fixer la gravité, réservé à lead ou dpo",
        f"refus{NBSP}: attribuer des rôles, réservé à lead ou director",
        f"rôle attribué{NBSP}: carl comme dpo",
        f"étape confiée notify-regulator{NBSP}: à dpo",
        f"confidentialité{NBSP}: réservé aux membres",
        f"confidentialité{NBSP}: ouvert à toute l'équipe",
        f"liens révoqués{NBSP}: les liens émis auparavant ne s'ouvrent plus",
        f"élément noté{NBSP}: description{NBSP}: Export du fichier des donateurs",
        f"qc, autorité non, personnes non (calculé{NBSP}: autorité oui, personnes oui)",
    ):
        assert worded in shown, worded
    english_lines = [line for line in timeline + md.splitlines() if english(line)]
    assert not english_lines, "\n".join(english_lines)
    assert "| refus | fixer la gravité, réservé à lead ou dpo |" in md
    # the evidence is untouched: the stored text is still what the old code wrote (English),
    # the CSV keeps it in `text` and adds the worded one, and the chain still verifies
    import csv
    import json

    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assessed = next(r for r in rows if r["kind"] == "assessed")
    assert assessed["text"].endswith("→ very high")
    assert assessed["worded"].startswith("v1, score 6,0 → très élevée")
    exported = json.loads(json_text)
    assert [e["text"] for e in exported["timeline"] if e["kind"] == "refused"][0].startswith(
        "Only lead or dpo may set the severity"
    )
    (tmp_path / "export.json").write_text(json_text, encoding="utf-8")
    verified = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_export.py"), str(tmp_path / "export.json")],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout


def test_an_english_user_reads_the_timeline_and_the_export_in_english(tmp_path: Path) -> None:
    timeline, md, csv_text, _ = play_incident(tmp_path, "en")
    shown = "\n".join(timeline)
    for worded in (
        "assessed: v1, score 6.0 → very high — qc: authority yes, persons yes",
        "notified: CAI (qc), ref. CAI-2026-117",
        "refused: severity, reserved to lead or dpo",
        "role_assigned: carl as dpo",
        "privacy_set: members only",
    ):
        assert worded.split(": ", 1)[1] in shown, worded
    french_lines = [
        line for line in timeline + md.splitlines() if len(FRENCH.findall(line.lower())) >= 2
    ]
    assert not french_lines, "\n".join(french_lines)


def test_automatic_events_of_older_databases_are_worded_from_their_data() -> None:
    from incidentbot.core.model import EventKind
    from incidentbot.events import AS_TYPED, WORDERS, said, step_note

    # every kind is either worded by the bot or shown as a person typed it
    assert {k.value for k in EventKind} == set(WORDERS) | AS_TYPED
    assert not set(WORDERS) & AS_TYPED
    step = {"step": "notify-regulator", "title": {"en": "Notify", "fr": "Notifier"}}
    assert said("step_done", "notified: qc, fr", step, "fr") == (
        f"notification faite{NBSP}: qc, fr"
    )
    assert said("step_done", "notified: qc", {**step, "notified": ["qc"]}, "en") == "notified: qc"
    assert said("step_done", "Done by hand", step, "fr") == "Done by hand"  # a person's note
    assert step_note("notify-regulator", "notified: qc", "fr") == f"notification faite{NBSP}: qc"
    assert step_note("preserve-logs", "notified: qc", "fr") == "notified: qc"
    reminder = {"item": "step:preserve-logs", "point": "overdue", "due_at": "2026-11-21T12:00:00+00:00", "late": True}  # fmt: skip
    assert said("reminder", "overdue by 2 h", reminder, "fr") == (
        "step:preserve-logs, échéance 2026-11-21T12:00:00+00:00 (en retard)"
    )
    snooze = {"item": "step:x", "until": "2026-11-22T12:00:00+00:00"}
    assert said("reminder_snoozed", "step:x jusqu'au …", snooze, "en") == (
        "step:x until 2026-11-22T12:00:00+00:00"
    )
    unseen = said(
        "access_refused", "eve was refused status: …", {"action": "close"}, "fr", actor="eve"
    )
    assert unseen == f"eve s'est vu refuser clore l'incident{NBSP}: pas membre de cet incident."
    assert said("timeline_opened", "A consulté …", {"token": "x", "view": "page"}, "en").startswith(
        "Opened the timeline (page)"
    )
    persons = {"jurisdiction": "qc", "audience": "persons", "authority": "CAI", "reference": "persons mail", "late": True}  # fmt: skip
    assert said("notified", "persons mail", persons, "fr") == (
        f"personnes concernées (qc), moyen{NBSP}: persons mail, en retard"
    )
    # an old row without the data its wording needs is shown as it was stored
    assert said("assessed", "Assessed: very high", {}, "fr") == "Assessed: very high"
    assert said("note", "Vendor says hi", {"source": "command"}, "fr") == "Vendor says hi"


# --------------------------------------------------------------------------- the contributors' tool


def test_the_catalogue_tool_adds_an_entry_to_the_three_files(tmp_path: Path) -> None:
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("catalogue_tool", ROOT / "tools" / "catalogue.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    catalogues = tool.load(locale)
    tool.add(catalogues, "zz.sample", "A sample: {x}", "Un exemple : {x}")
    tool.add(catalogues, "zz.count", ("{n} sample", "{n} samples"), ("{n} exemple", "{n} exemples"))
    tool.save(catalogues, locale)
    again = tool.load(locale)
    assert again["fr"].get("zz.sample").string == "Un exemple : {x}"
    assert again["en"].get("zz.count").string == ("{n} sample", "{n} samples")
    assert again["pot"].get("zz.sample").auto_comments == ["A sample: {x}"]
    assert "zz.sample: A sample: {x}" in tool.find(again, "sample")
    # nothing else moved: the real files read back identical to what the tool writes
    tool.save(tool.load(), locale)
    for name, path in tool.FILES.items():
        assert (locale / path.relative_to(LOCALE)).read_bytes() == path.read_bytes(), name


def test_the_register_a_person_reads_gives_local_times_and_french_separators(
    tmp_path: Path,
) -> None:
    script = (
        'déclarer "Fuite chez le prestataire" juridiction=qc,ca connu="2026-11-30 18:00"\n'
        "évaluer persons=869 data=contact,financial\n"
        "notifié qc CAI-1\n"
        "registre\n"
    )
    result = run_shell(tmp_path, "fr", script)
    assert any("CAI notifiée pour INC-1 (réf. CAI-1)" in line for line in printed(result))
    row = next(line for line in printed(result) if line.startswith("| INC-1 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[3] == "2026-11-30 18:00 (UTC-05:00)"  # the incident's wall clock, not UTC ISO
    assert re.fullmatch(r"qc 20\d\d-\d\d-\d\d \d\d:\d\d \(UTC-0[45]:00\) CAI-1", cells[8])
    assert f"{NNBSP}; ca{NBSP}: aviser" in cells[7]  # French spacing between two decisions
    assert "+00:00" not in row and not re.search(r"\dT\d", row)

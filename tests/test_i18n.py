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

# Modules whose English still lives in code: the service rebuild (i12s) and the decision rules
# (i16) own the first ones; the others are the next to convert. This list only ever shrinks.
NOT_CONVERTED = {
    "evidence/anchors.py", "slack/witness.py", "store/audit.py", "store/chain.py",
    "core/assess_inputs.py", "core/verdicts.py", "drafting/render.py", "service/access.py",
    "service/assessment.py", "service/facade.py", "service/facts.py",
    "service/incidents.py", "slack/app.py",
    "store/__init__.py", "web/handlers.py",
}  # fmt: skip

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


CONVERTED = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if str(p.relative_to(PACKAGE)) not in NOT_CONVERTED and p.name not in ("i18n.py",)
)


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


def test_the_allow_list_names_real_files() -> None:
    assert all((PACKAGE / name).is_file() for name in NOT_CONVERTED)


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


def run_shell(tmp_path: Path, lang: str, script: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "script.txt").write_text(script, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(tmp_path),
        "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        "INCIDENTBOT_LANG": lang,
        "INCIDENTBOT_TZ": "America/Toronto",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "incidentbot.cli",
            "shell",
            "--script",
            "script.txt",
            "--as",
            "alice",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def printed(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the bot said: every line but the echo of the script's own lines."""
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not re.match(r"^\[\d+\] ", line)
    ]


# Sentences that still come from the modules this branch could not touch (service.py and
# usecases.py are being rebuilt, core/severity.py rewritten); the merge removes them.
STILL_ENGLISH_FROM_UNCONVERTED: tuple[re.Pattern[str], ...] = ()


def test_a_french_user_reads_no_english_sentence(tmp_path: Path) -> None:
    result = run_shell(tmp_path, "fr", SCRIPT)
    assert result.returncode == 1  # some lines are refused on purpose
    lines = printed(result)
    assert any("Étape revoke-vendor-access de INC-1 terminée" in line for line in lines)
    assert any("lignes refusées" in line for line in lines)
    assert any(f"| 2{NNBSP}300 |" in line for line in lines)  # the register groups numbers
    assert any("| très élevée |" in line for line in lines)  # and words its values
    english_lines = [
        line
        for line in lines
        if english(line) and not any(p.search(line) for p in STILL_ENGLISH_FROM_UNCONVERTED)
    ]
    assert not english_lines, "\n".join(english_lines)
    # the allowance above must not outlive the merge: each pattern still matches something
    for pattern in STILL_ENGLISH_FROM_UNCONVERTED:
        assert any(pattern.search(line) for line in lines), f"{pattern.pattern} can go"


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

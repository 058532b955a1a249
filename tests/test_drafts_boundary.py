"""The five cases of issue 15, played through the shell and read as their recipients would.

Each case plants unique strings where only staff should read them (a timeline note, a step's
evidence note, a skip reason, an override's reason) and then reads every external draft (the
regulator letter, the notice, the press and holding statements, the vendor letter): none of the
planted strings may appear, every statement about notification must match the record, no other
jurisdiction's authority or law may be named, no marker may stand for a fact that was given, and
a French draft holds no English sentence. The post-incident report, an internal document, does
quote the record: that is how we know the strings were planted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

EXTERNAL = ("regulator", "notice", "press", "vendor")

# Authorities and laws by jurisdiction: a draft for one may not name another's.
NAMES = {
    "fr": ("CNIL", "Commission nationale de l'informatique", "Code électoral", "RGPD", "L49"),
    "qc": ("CAI", "Commission d'accès à l'information", "Loi électorale", "P-39.1"),
    "ca": ("OPC", "CPVP", "Commissariat à la protection", "LPRPDE", "PIPEDA"),
    "uk": ("ICO", "Information Commissioner", "Data Protection Act"),
}
ENGLISH = re.compile(r"\b(the|and|we|our|of|is|are|with|will|has been|to the)\b")
# Markers of facts every case gives (description, persons, data, measures, severity, awareness).
GIVEN = (
    "description des faits",
    "nombre de personnes concernées]",
    "catégories de données personnelles",
    "mesures prises",
    "calcul de la gravité",
    "date de prise de connaissance",
)


@dataclass(frozen=True)
class Case:
    name: str
    jurisdiction: str
    script: str
    planted: tuple[str, ...]
    says: tuple[str, ...] = ()  # every one must appear in the press statement
    never: tuple[str, ...] = ()  # none may appear in any external draft
    extra: dict[str, str] = field(default_factory=dict)
    letters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # draft -> what it says
    config: str = ""  # the INCIDENTBOT_CONFIG file, if any
    hints_never: tuple[str, ...] = ()  # never in the shell's replies (missing-fact hints)


QUEBEC_VENDOR = Case(
    "quebec-vendor",
    "qc",
    """\
declare Fichier de donateurs exposé par notre prestataire playbook=vendor-breach aware="2026-11-20 14:00" jurisdiction=qc lang=fr
note PLANTNOTEQC appel avec Logi K 9h10 (M. Lavoie)
done revoke-vendor-access PLANTSTEPQC compte VPN coupé
skip holding-statement PLANTSKIPQC pas de presse pour le moment
fact description Un prestataire a exposé un fichier de 869 donateurs.
fact cause Un export laissé en accès public par le prestataire.
fact occurred_at 2026-11-18
measure L'accès du prestataire à nos données a été coupé.
mesure prévue Un audit indépendant de la sécurité du prestataire.
assess data=contact,financial,political persons=869 records=869 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no backup=yes vulnerable=no
draft press
notified qc CAI-2026-117
notified qc persons
draft regulator qc
draft notice qc
draft press
draft press holding
draft vendor
draft report
approve press-holding-fr-v1
""",
    ("PLANTNOTEQC", "PLANTSTEPQC", "PLANTSKIPQC", "Logi K 9h10"),
    says=(
        "Nous avons notifié l'incident à la Commission d'accès à l'information du Québec (CAI) le",
        "Nous avons informé directement les personnes concernées le",
        "L'accès du prestataire à nos données a été coupé.",
    ),
    never=(
        "Nous notifions",
        "Dire à l'équipe et aux bénévoles quoi dire",  # open steps: never a measure
        "Revoir le contrat (clauses",
    ),
)

FRENCH_HACK = Case(
    "french-hack-and-leak",
    "fr",
    """\
declare Boîtes piratées et documents publiés playbook=hack-and-leak aware="2026-11-28 09:00" jurisdiction=fr lang=fr
note PLANTNOTEHL Julien dit que la boîte était partagée
done secure-accounts PLANTSTEPHL mots de passe changés par Julien
skip file-police-complaint PLANTSKIPHL on attend l'avocat
fact description Des messages dérobés ont été publiés en ligne, mêlés à des faux.
fact election_silence_starts 2099-06-01 00:00
measure Les comptes de messagerie compromis ont été sécurisés.
assess data=contact,political persons=120 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no
notified fr CNIL-2026-55
draft regulator fr
draft notice fr
draft press
draft press holding
draft report
""",
    ("PLANTNOTEHL", "PLANTSTEPHL", "PLANTSKIPHL"),
    says=(
        "Nous avons notifié l'incident à la Commission nationale de l'informatique et des "
        "libertés (CNIL) le",
        "la période de réserve électorale commence le",
        "Code électoral",
    ),
    never=("Nous notifions",),
)

VOTER_FILE = Case(
    "voter-file-misuse",
    "fr",
    """\
declare Fichier électoral loué détourné playbook=voter-file-misuse aware="2026-11-25 10:00" jurisdiction=fr lang=fr
note PLANTNOTEVF le courtier a rappelé à 9h
skip stop-canvassing PLANTSKIPVF déjà arrêté par le courtier
fact description Un fichier électoral loué a été utilisé pour une autre campagne.
measure L'usage du fichier a été arrêté.
assess data=contact persons=3000 identifiable=full confidentiality=known_recipient integrity=none availability=none malicious=no encrypted=no
assess override=fr authority=no persons=no reason="PLANTREASONVF le destinataire est connu et a tout supprimé"
fact rental_purpose La prospection téléphonique de notre campagne municipale.
fact vendor_name Fichiers Exemple SARL
draft press
draft vendor
draft notice fr
draft report
""",
    ("PLANTNOTEVF", "PLANTSKIPVF", "PLANTREASONVF"),
    says=("ne présente pas un risque qui appelle une notification à la Commission nationale",),
    never=(
        "Nous notifions",
        "Nous avons notifié",
        "Nous prenons contact directement",
        "que vous traitez pour notre compte",
        "pour notre compte",
    ),  # the broker is no processor
    letters={
        "INC-1-vendor-broker-fr-v1.md": (
            "La prospection téléphonique de notre campagne municipale.",
            "ont été informées que leurs coordonnées pouvaient être utilisées à des fins de "
            "prospection politique et qu'elles ont pu s'y opposer",
            "Nous vous demandons de cesser de le louer ou de le céder",
        ),
    },
)

FOREIGN_HOST = Case(
    "foreign-host",
    "fr",
    """\
declare Données hébergées chez un sous-traitant américain playbook=foreign-host aware="2026-11-26 10:00" jurisdiction=fr lang=fr
note PLANTNOTEFH vu avec l'avocat mardi
done restrict-exports PLANTSTEPFH exports limités par Paul
fact description Des données de sympathisants sont hébergées aux États-Unis par un sous-traitant.
measure Les exports vers le sous-traitant ont été limités.
assess data=contact persons=5000 confidentiality=none integrity=none availability=none malicious=no
fact vendor_name Hébergeur Exemple Inc.
draft press
draft press holding
draft notice fr
draft vendor
draft report
""",
    ("PLANTNOTEFH", "PLANTSTEPFH"),
    says=(
        "rien n'indique que des données personnelles aient été consultées, modifiées ou perdues",
    ),
    never=(
        "Nous notifions",
        "Nous avons notifié",
        "Nous prenons contact directement",
        "incident touchant des données personnelles",
        "incident concernant vos données",
        "Nous regrettons cet incident",
        "informons les autorités",
        "Nous en avons pris connaissance",
        "Méfiez-vous",  # no breach: no advice against a risk that does not exist
    ),
    letters={
        "INC-1-vendor-subprocessor-fr-v1.md": (
            "Nous ne vous signalons aucun incident.",
            "ne fait courir aucun délai de notification",
        ),
        "INC-1-press-holding-fr-v1.md": ("examine une situation concernant des données",),
        "INC-1-notice-fr-fr-v1.md": ("# Information sur vos données personnelles",),
    },
    hints_never=("connu QUAND", "aware WHEN"),  # a request about hosting starts no clock
)

INSIDER = Case(
    "insider-access",
    "fr",
    """\
declare Un directeur informatique lit des boîtes aux lettres playbook=insider-access aware="2026-11-29 08:00" jurisdiction=fr lang=fr
note PLANTNOTEIA entretien avec le DRH
done revoke-admin-rights PLANTSTEPIA droits retirés par Marc
fact description Un directeur informatique a consulté les boîtes aux lettres d'élus sans autorisation.
measure Les droits d'administration du directeur ont été retirés.
assess data=contact,political persons=40 identifiable=full confidentiality=known_recipient integrity=none availability=none malicious=yes encrypted=no
draft press
draft notice fr
draft regulator fr
draft report
""",
    ("PLANTNOTEIA", "PLANTSTEPIA"),
    config='[organization]\nname = "Région Exemple"\nkind = "public_body"\n',
    letters={"INC-1-notice-fr-fr-v1.md": ("données révélant des opinions politiques",)},
    says=("Nous notifions l'incident à la Commission nationale de l'informatique",),
    never=(
        "Nous avons notifié",
        "soutien",
        "engagement politique",
        "allégeance",
        "fichiers d'une organisation politique",
        "adhésion ou dons",
    ),
)

CASES = (QUEBEC_VENDOR, FRENCH_HACK, VOTER_FILE, FOREIGN_HOST, INSIDER)


def _run(
    case: Case, home: Path, reader: str = "fr", tz: str | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Play ``case`` in the shell as alice, a reader of ``reader``; the drafts written, by file."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_"))},
        "HOME": str(home),
        "INCIDENTBOT_DB": str(home / "bot.db"),
        "INCIDENTBOT_TZ": tz
        or ("America/Toronto" if case.jurisdiction == "qc" else "Europe/Paris"),
        "INCIDENTBOT_LANG": reader,
    }
    script = home / "case.txt"
    script.write_text(case.script, encoding="utf-8")
    if case.config:
        (home / "incidentbot.toml").write_text(case.config, encoding="utf-8")
        env["INCIDENTBOT_CONFIG"] = str(home / "incidentbot.toml")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "incidentbot.cli",
            "shell",
            "--script",
            str(script),
            "--as",
            "alice",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=home,
    )
    drafts = {
        p.name: p.read_text(encoding="utf-8") for p in sorted((home / "drafts-out").rglob("*.md"))
    }
    return result, drafts


def _latest(drafts: dict[str, str]) -> set[str]:
    """The names of the last version of each draft (a statement is true when it is drafted)."""
    best: dict[str, tuple[int, str]] = {}
    for name in drafts:
        base, version = re.fullmatch(r"(.*)-v(\d+)\.md", name).groups()  # type: ignore[union-attr]
        if int(version) > best.get(base, (0, ""))[0]:
            best[base] = (int(version), name)
    return {name for _, name in best.values()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_external_drafts_say_only_what_was_written_for_the_outside(
    case: Case, tmp_path: Path
) -> None:
    result, drafts = _run(case, tmp_path)
    assert "✗" not in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    external = {n: t for n, t in drafts.items() if n.split("-", 2)[2].startswith(EXTERNAL)}
    assert external and any("-press-" in n for n in external)

    latest = _latest(external)
    for name, text in external.items():
        for planted in case.planted:
            assert planted not in text, f"{planted} leaked into {name}"
        assert "notified:" not in text, name
        for phrase in case.never if name in latest else ():
            assert phrase not in text, f"{phrase!r} in {name}"
        for other, names in NAMES.items():
            if other == case.jurisdiction:
                continue
            for word in names:
                assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), (
                    f"{name} names {word} ({other})"
                )
        for fact in GIVEN:
            assert f"[À COMPLÉTER : {fact}" not in text, f"{fact} is marked missing in {name}"
        english = [line for line in text.splitlines() if ENGLISH.search(line)]
        assert not english, f"English in the French draft {name}: {english}"
        assert "[MISSING" not in text

    press = [t for n, t in external.items() if re.search(r"-press-(hack-and-leak-)?fr-v\d", n)]
    assert press, sorted(external)
    for phrase in case.says:
        assert phrase in press[-1], f"{phrase!r} not in the press statement:\n{press[-1]}"

    for name, phrases in case.letters.items():
        assert name in external, sorted(external)
        for phrase in phrases:
            assert phrase in external[name], f"{phrase!r} not in {name}:\n{external[name]}"
    for phrase in case.hints_never:
        assert phrase not in result.stdout, phrase

    # the report is internal: it quotes the record, which proves the strings were planted
    report = next(t for n, t in drafts.items() if "-report-" in n)
    for planted in case.planted:
        if not planted.startswith("PLANTREASON"):
            assert planted in report, f"{planted} missing from the internal report"


def test_each_draft_has_its_own_name_file_and_approval(tmp_path: Path) -> None:
    result, drafts = _run(QUEBEC_VENDOR, tmp_path)
    assert result.returncode == 0, result.stdout
    names = sorted(drafts)
    assert "INC-1-press-fr-v1.md" in names and "INC-1-press-holding-fr-v1.md" in names
    assert "INC-1-regulator-qc-complementary-fr-v1.md" in names
    # two versions of the press statement (before and after the notification), one holding
    assert "INC-1-press-fr-v2.md" in names
    assert drafts["INC-1-press-holding-fr-v1.md"] != drafts["INC-1-press-fr-v2.md"]
    assert "✓ press-holding-fr-v1" in result.stdout

    exported = subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", "export", "INC-1", "--format", "json"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("INCIDENTBOT_")},
            "HOME": str(tmp_path),
            "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    data = json.loads(exported.stdout)
    approved = [e for e in data["timeline"] if e["kind"] == "draft_approved"]
    assert [e["text"] for e in approved] == ["press-holding-fr-v1"]


def test_a_uk_incident_names_the_ico_and_never_the_cnil(tmp_path: Path) -> None:
    case = Case(
        "uk-hack",
        "uk",
        """\
declare Mailboxes hacked and dumped playbook=hack-and-leak aware="2026-11-28 09:00" jurisdiction=uk lang=en
steps
declare Boîtes piratées playbook=insider-access jurisdiction=qc,ca lang=fr
INC-2 steps
""",
        (),
    )
    result, _ = _run(case, tmp_path)
    assert result.returncode == 0, result.stdout
    assert re.search(r"notify-regulator\W*Notifier l'ICO\b", result.stdout), result.stdout
    assert "CNIL" not in result.stdout
    export = subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", "export", "INC-2", "--format", "json"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("INCIDENTBOT_")},
            "HOME": str(tmp_path),
            "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    steps = {s["id"]: s for s in json.loads(export.stdout)["steps"]}
    assert steps["notify-regulator"]["title"]["fr"] == "Notifier la CAI et le CPVP"


def test_a_second_assessment_changes_only_the_keys_given(tmp_path: Path) -> None:
    case = Case(
        "reassess",
        "fr",
        """\
declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction=fr lang=fr
assess data=contact,political persons=120 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no
assess persons=2300
draft regulator fr
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    assert result.returncode == 0, result.stdout
    letter = drafts["INC-1-regulator-fr-fr-v1.md"]
    assert re.search(r"2\s300", letter)  # the new count, in French digits
    assert "données révélant des opinions politiques" in letter  # kept from version 1
    assert "calcul de la gravité" not in letter  # the severity explanation reaches the letter
    assert "confidentialité" in letter.split("Niveau de gravité retenu")[1].split("\n")[0]


def test_the_tz_given_at_declare_is_kept_for_later_times(tmp_path: Path) -> None:
    case = Case(
        "tz",
        "fr",  # the campaign's zone is Europe/Paris; this incident is in Toronto
        """\
declare Fuite playbook=generic-breach tz=America/Toronto jurisdiction=qc lang=fr
fact occurred_at 2026-11-18 10:00
aware 2026-11-19 09:00
""",
        (),
    )
    result, _ = _run(case, tmp_path)
    assert result.returncode == 0, result.stdout
    export = subprocess.run(
        [sys.executable, "-m", "incidentbot.cli", "export", "INC-1", "--format", "json"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("INCIDENTBOT_")},
            "HOME": str(tmp_path),
            "INCIDENTBOT_DB": str(tmp_path / "bot.db"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    incident = json.loads(export.stdout)["incident"]
    assert incident["aware_at"].startswith("2026-11-19T14:00")  # 9:00 in Toronto, in UTC
    assert incident["facts"]["occurred_at"].startswith("2026-11-18T15:00")


def test_occurred_at_takes_a_day_a_month_or_a_period_and_prints_no_midnight(
    tmp_path: Path,
) -> None:
    case = Case(
        "periods",
        "fr",
        """\
declare Fuite playbook=generic-breach jurisdiction=fr lang=fr
fact occurred_at 2017-11-01/2018-04-04
draft regulator fr
fact occurred_at 2017-11
draft regulator fr
fact occurred_at 2026-11-18
draft regulator fr
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    assert result.returncode == 0, result.stdout
    lines = [
        next(line for line in drafts[f"INC-1-regulator-fr-fr-v{n}.md"].splitlines()
             if "Date ou période de la violation" in line)
        for n in (1, 2, 3)
    ]  # fmt: skip
    assert lines[0].endswith("du 1er novembre 2017 au 4 avril 2018")
    assert lines[1].endswith("novembre 2017")
    assert lines[2].endswith("18 novembre 2026")
    assert not any(" h " in line for line in lines)
    refused = _run(
        Case(
            "bad", "fr", "declare X playbook=generic-breach\nfact occurred_at 2018-04/2017-11\n", ()
        ),
        tmp_path / "bad" if (tmp_path / "bad").mkdir() is None else tmp_path,
    )[0]
    assert "2018-04/2017-11" in refused.stdout and refused.returncode == 1


_PLACEHOLDERS = {
    "TEXTE": "texte d'essai", "QUAND[/QUAND]": "2026-11-01/2026-11-05", "QUAND": "2026-11-20 10:00",
    "N": "12", "persons=N": "persons=12", "records=N": "records=12", "JURIDICTION": "fr",
    "TYPE": "presse", "ÉTAPE": "stop-the-leak", "@personne": "@bob", "TITRE": "Essai",
    "playbook=PROCÉDURE": "playbook=generic-breach", "juridiction=...": "juridiction=fr",
    "[référence]": "CNIL-1", "référence": "CNIL-2", "data=...": "data=contact",
    "data=contact,financial,...": "data=contact,financial", "CLÉ=VALEUR": "persons=30",
    "[initial|complementary]": "complementary",
}  # fmt: skip


def test_every_missing_fact_hint_a_french_reader_sees_is_a_command_that_works(
    tmp_path: Path,
) -> None:
    """The hints name French commands (élément, mesure prévue, évaluer, QUAND, TEXTE); each one,
    its placeholders filled, runs in the shell without a refusal (issue 15)."""
    from incidentbot import drafting

    commands: list[str] = []
    for fact in drafting.FACTS.values():
        hint = fact.supplied("fr")
        assert not re.search(
            r"/incident (fact|measure|assess|aware|notified|declare|draft)\b", hint
        )
        assert not re.search(r"\b(TEXT|WHEN|JURISDICTION|KIND|STEP|and|or|the)\b", hint), hint
        for command in re.findall(r"/incident (.+?)(?= et /incident| ou /incident| \(|$)", hint):
            words = [_PLACEHOLDERS.get(word, word) for word in command.split(" ")]
            line = " ".join(words)
            if line not in commands:
                commands.append(line)
    # the declarations first (the last, with its jurisdiction, is the current incident)
    commands.sort(
        key=lambda c: (not c.startswith("déclarer"), "juridiction" in c, "brouillon" in c)
    )
    assert len(commands) > 15, commands
    script = "\n".join(commands) + "\n"
    case = Case("hints", "fr", script, ())
    result, _ = _run(case, tmp_path)
    assert "✗" not in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_jurisdictions_get_one_true_sentence_per_authority(tmp_path: Path) -> None:
    """Québec and Canada: the CAI notified, the OPC not yet; the persons told once for both."""
    case = Case(
        "qc-ca",
        "qc",
        """\
declare Fichier de donateurs exposé playbook=vendor-breach aware="2026-11-30 14:00" jurisdiction=qc,ca lang=fr
fact description Un prestataire a exposé un fichier de 869 donateurs.
measure L'accès du prestataire a été coupé.
assess data=contact,financial,political persons=869 records=869 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no backup=yes vulnerable=no
notified qc CAI-2026-117
notified qc personnes
draft press
draft notice qc
draft regulator ca fr
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    assert "✗" not in result.stdout and result.returncode == 0, result.stdout
    press, notice = drafts["INC-1-press-fr-v1.md"], drafts["INC-1-notice-qc-fr-v1.md"]
    letter = next(t for n, t in drafts.items() if n.startswith("INC-1-regulator-ca"))
    for text in (press, notice):
        said = [line for line in text.splitlines() if "notifi" in line]
        cai = [line for line in said if "Commission d'accès" in line]
        opc = [line for line in said if "Commissariat à la protection" in line]
        assert len(cai) == 1 and cai[0].startswith("Nous avons notifié l'incident à la Commission")
        assert len(opc) == 1 and "Nous avons notifié" not in opc[0], opc
    assert "Nous avons informé directement les personnes concernées le" in press
    assert "Nous avons informé directement" not in notice  # its reader is the person told
    # the OPC letter: the CAI notified; the persons told under Québec's law are not the OPC's
    # notification of the persons (issue 15): the letter says only what was done under PIPEDA
    assert re.search(r"^- Commission d'accès[^\n]*notification faite le", letter, re.M), letter
    assert "Nous avons avisé directement les personnes touchées le" not in letter
    assert "Nous aviserons directement les personnes touchées" in letter


def test_drafts_give_peoples_names_from_the_configuration_not_their_handles(
    tmp_path: Path,
) -> None:
    case = Case(
        "names",
        "fr",
        """\
declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction=fr lang=fr
note appel du prestataire
draft staff
draft report
""",
        (),
        config='[people]\nalice = { roles = ["lead", "dpo"], name = "Alice Martin" }\n'
        'bob = ["comms"]\n',
    )
    result, drafts = _run(case, tmp_path)
    assert "✗" not in result.stdout and result.returncode == 0, result.stdout
    assert (
        "La réponse à l'incident est conduite par Alice Martin." in drafts["INC-1-staff-fr-v1.md"]
    )
    report = drafts["INC-1-report-fr-v1.md"]
    assert "Responsable de l'incident : Alice Martin" in report
    assert re.search(r"Alice Martin : appel du prestataire", report), report
    assert not re.search(r"\balice\b", report)


def test_a_people_entry_of_the_wrong_shape_is_refused_with_its_name(tmp_path: Path) -> None:
    case = Case("bad-people", "fr", "aide\n", (), config='[people]\nalice = { role = "lead" }\n')
    result, _ = _run(case, tmp_path)
    assert result.returncode != 0
    assert "[people] 'alice' doit être une liste de rôles" in result.stdout + result.stderr

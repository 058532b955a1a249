"""Playbooks and jurisdictions as data: the bundled files, the schema's problems, the loader."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentbot.config import builtin_dir
from incidentbot.core.model import PHASES, Phase, Role
from incidentbot.core.playbook import (
    PLAYBOOK_KEYS,
    STEP_KEYS,
    Problem,
    build_jurisdictions,
    build_playbook,
    format_duration,
    parse_duration,
)
from incidentbot.errors import ConfigError, NotFound
from incidentbot.playbooks import (
    Catalogue,
    check,
    load,
    parse_yaml,
    read_yaml,
)

PLAYBOOK_DIR = Path(__file__).resolve().parent.parent / "incidentbot" / "playbooks"
PLAYBOOK_FILES = sorted(p for p in PLAYBOOK_DIR.glob("*.yaml") if p.name != "jurisdictions.yaml")
EXPECTED_IDS = {
    "vendor-breach",
    "hack-and-leak",
    "voter-file-misuse",
    "foreign-host",
    "insider-access",
    "generic-breach",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load(default_dirs())


# --- the bundled playbooks -----------------------------------------------------------------


def default_dirs() -> list[Path]:
    return [builtin_dir("playbooks")]


def test_the_bundled_folder_is_the_packages_own_with_all_six_playbooks() -> None:
    assert default_dirs() == [PLAYBOOK_DIR]
    assert {p.stem for p in PLAYBOOK_FILES} == EXPECTED_IDS


def test_bundled_folder_has_no_problem() -> None:
    assert [str(p) for p in check(default_dirs())] == []


@pytest.mark.parametrize("path", PLAYBOOK_FILES, ids=lambda p: p.stem)
def test_playbook_file_parses_without_problem(path: Path, catalogue: Catalogue) -> None:
    doc, problems = read_yaml(path)
    assert problems == [] and doc is not None
    playbook, problems = build_playbook(
        doc.data, source=str(path), line_of=doc.line_of, jurisdictions=catalogue.jurisdictions
    )
    assert [str(p) for p in problems] == []
    assert playbook is not None
    assert playbook.id == path.stem
    assert 8 <= len(playbook.steps) <= 14
    assert {s.phase for s in playbook.steps} == set(PHASES)
    for text in (playbook.title, playbook.description, playbook.guidance):
        assert text["en"] and text["fr"]
    assert max(len(t) for t in playbook.description.values()) < 75
    assert set(playbook.jurisdictions) <= set(catalogue.jurisdictions)


@pytest.mark.parametrize("path", PLAYBOOK_FILES, ids=lambda p: p.stem)
def test_every_step_is_bilingual_and_requires_existing_steps(
    path: Path, catalogue: Catalogue
) -> None:
    playbook = catalogue.playbook(path.stem)
    ids = [s.id for s in playbook.steps]
    assert len(ids) == len(set(ids))
    for step in playbook.steps:
        assert step.title["en"] and step.title["fr"], step.id
        assert step.guidance["en"] and step.guidance["fr"], step.id
        assert set(step.requires) <= set(ids), step.id


@pytest.mark.parametrize("path", PLAYBOOK_FILES, ids=lambda p: p.stem)
def test_no_step_is_due_before_a_step_it_requires(path: Path, catalogue: Catalogue) -> None:
    playbook = catalogue.playbook(path.stem)
    by_id = {s.id: s for s in playbook.steps}

    def requirements(step_id: str) -> set[str]:
        found: set[str] = set()
        pending = list(by_id[step_id].requires)
        while pending:
            rid = pending.pop()
            if rid not in found:
                found.add(rid)
                pending.extend(by_id[rid].requires)
        return found

    for step in playbook.steps:
        assert step.id not in requirements(step.id), f"{step.id} waits for itself"
        for rid in requirements(step.id):
            req = by_id[rid]
            if step.due is not None and req.due is not None:
                assert step.due >= req.due, f"{step.id} due before {rid}"


@pytest.mark.parametrize("path", PLAYBOOK_FILES, ids=lambda p: p.stem)
def test_steps_the_service_and_clocks_refer_to(path: Path, catalogue: Catalogue) -> None:
    playbook = catalogue.playbook(path.stem)
    assess = playbook.step("assess-risk")
    assert assess is not None
    assert (assess.phase, assess.owner, assess.due, assess.mandatory) == (
        Phase.ASSESS,
        Role.DPO,
        timedelta(hours=24),
        True,
    )
    regulator = playbook.step("notify-regulator")
    assert regulator is not None
    assert (regulator.phase, regulator.owner, regulator.draft, regulator.mandatory) == (
        Phase.NOTIFY,
        Role.DPO,
        "regulator",
        True,
    )
    assert "assess-risk" in regulator.requires
    persons = playbook.step("notify-persons")
    assert persons is not None
    assert (persons.phase, persons.owner, persons.draft, persons.mandatory) == (
        Phase.NOTIFY,
        Role.DPO,
        "notice",
        False,
    )
    register = playbook.step("register-entry")
    assert register is not None
    assert register.phase is Phase.RECOVER and register.mandatory


def test_vendor_breach_revokes_vendor_access_within_two_hours(catalogue: Catalogue) -> None:
    step = catalogue.playbook("vendor-breach").step("revoke-vendor-access")
    assert step is not None
    assert (step.phase, step.owner, step.due, step.mandatory, step.evidence) == (
        Phase.CONTAIN,
        Role.IT,
        timedelta(hours=2),
        True,
        True,
    )


def test_hack_and_leak_indexes_documents_and_speaks_before_the_silence(
    catalogue: Catalogue,
) -> None:
    playbook = catalogue.playbook("hack-and-leak")
    assert playbook.step("index-authentic-documents") is not None
    statement = playbook.step("holding-statement")
    assert statement is not None
    assert (statement.owner, statement.draft) == (Role.COMMS, "press")
    assert "L49" in playbook.guidance["en"] and "L49" in playbook.guidance["fr"]


def test_catalogue_lookup_is_case_insensitive_and_names_known_ids(catalogue: Catalogue) -> None:
    assert catalogue.playbook(" Vendor-Breach ").id == "vendor-breach"
    with pytest.raises(NotFound) as err:
        catalogue.playbook("nope")
    assert "generic-breach" in err.value.message and err.value.message_fr


# --- jurisdictions -------------------------------------------------------------------------


@pytest.mark.parametrize("jid", ["fr", "uk"])
def test_gdpr_regulators_have_72_hours_from_awareness(catalogue: Catalogue, jid: str) -> None:
    rule = catalogue.jurisdiction(jid).deadline
    assert (rule.kind, rule.hours, rule.start, rule.late_requires) == (
        "hours",
        72,
        "aware_at",
        "delay_reasons",
    )
    assert catalogue.jurisdiction(jid).persons_threshold == "high_risk"


@pytest.mark.parametrize("jid", ["qc", "ca"])
def test_canadian_regulators_have_no_hours_but_an_internal_target(
    catalogue: Catalogue, jid: str
) -> None:
    rule = catalogue.jurisdiction(jid).deadline
    assert rule.hours is None
    assert rule.kind in {"promptly", "as_soon_as_feasible"}
    assert rule.target_hours == 24


def test_jurisdiction_facts_from_the_domain_pages(catalogue: Catalogue) -> None:
    fr, uk, qc, ca = (catalogue.jurisdiction(j) for j in ("fr", "uk", "qc", "ca"))
    assert (fr.authority, fr.language, uk.authority, uk.language) == ("CNIL", "fr", "ICO", "en")
    assert fr.persons_exceptions == (
        "unintelligible",
        "risk_no_longer_likely",
        "disproportionate_effort",
    )
    assert uk.contact["helpline"] == "0303 123 1113"
    assert (qc.authority, qc.language, qc.register_retention_months) == ("CAI", "fr", 60)
    assert qc.threshold == "risk_of_serious_injury"
    assert len(qc.notice_fields) == 13 and {"neq", "persons_in_quebec"} <= set(qc.notice_fields)
    assert (ca.authority, ca.register_retention_months) == ("OPC", 24)
    assert ca.threshold == ca.persons_threshold == "rrosh"
    assert "PIPEDA" in ca.statutory_note["en"] and ca.statutory_note["fr"]


# --- problems, each at its line -----------------------------------------------------------

TINY = """\
id: tiny
title: {en: Tiny, fr: Petit}
description: {en: A tiny playbook, fr: Un petit playbook}
jurisdictions: [fr]
steps:
  - id: first
    phase: contain
    title: {en: First, fr: Premier}
    guidance: {en: Do it, fr: Faites-le}
    owner: it
    due: 2h
  - id: second
    phase: assess
    title: {en: Second, fr: Second}
    guidance: {en: Then this, fr: Puis ceci}
    owner: dpo
    due: 24h
    requires: [first]
"""


def _line(text: str, marker: str) -> int:
    """1-based line of the only line containing ``marker``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def _check(tmp_path: Path, text: str, name: str = "tiny.yaml") -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(p) for p in check([tmp_path], base=default_dirs())]


def _at(tmp_path: Path, text: str, marker: str, name: str = "tiny.yaml") -> str:
    return f"{tmp_path / name}:{_line(text, marker)}: "


def test_tiny_playbook_is_valid_with_the_default_jurisdictions(tmp_path: Path) -> None:
    assert _check(tmp_path, TINY) == []


def test_yaml_syntax_error_is_reported_at_its_line(tmp_path: Path) -> None:
    text = TINY.replace("owner: dpo", "owner: dpo: lead")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "owner: dpo: lead"))
    assert "YAML syntax error" in problem and "quotes" in problem


def test_unknown_key_names_the_allowed_ones(tmp_path: Path) -> None:
    text = TINY.replace("    due: 2h", "    dew: 2h")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "dew: 2h"))
    assert "unknown key 'dew'" in problem and "did you mean 'due'" in problem
    assert "allowed keys: id, phase, title, guidance, owner, due" in problem


def test_missing_required_key_points_at_the_step(tmp_path: Path) -> None:
    text = TINY.replace("    owner: dpo\n", "")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "- id: second"))
    assert "missing the required key 'owner'" in problem


def test_missing_translation_is_reported(tmp_path: Path) -> None:
    text = TINY.replace("title: {en: First, fr: Premier}", "title: {en: First}")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "title: {en: First}"))
    assert "no French text" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "phase: contain",
            "phase: contian",
            "phase of step 'first' is 'contian', which is unknown (did you mean 'contain'?)",
        ),
        (
            "owner: it",
            "owner: janitor",
            "owner role of step 'first' is 'janitor', which is unknown",
        ),
        (
            "owner: it",
            "owner: it\n    draft: memo",
            "draft kind of step 'first' is 'memo', which is unknown",
        ),
    ],
)
def test_unknown_enumerated_values_list_the_allowed_ones(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = TINY.replace(old, new)
    [problem] = _check(tmp_path, text)
    marker = new.splitlines()[-1].strip()
    assert problem.startswith(_at(tmp_path, text, marker))
    assert expected in problem and "use one of:" in problem


def test_bad_duration_shows_the_right_form(tmp_path: Path) -> None:
    text = TINY.replace("due: 2h", "due: 2 hours")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "due: 2 hours"))
    assert "'2 hours' is not a duration" in problem and "1h30m" in problem


def test_duration_without_unit_suggests_one(tmp_path: Path) -> None:
    text = TINY.replace("due: 24h", "due: 24")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "due: 24"))
    assert "such as 24h" in problem


def test_duplicate_step_id(tmp_path: Path) -> None:
    text = TINY.replace("  - id: second", "  - id: FIRST").replace("requires: [first]", "")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "id: FIRST"))
    assert "duplicate step id 'first'" in problem


def test_unknown_step_reference_in_requires(tmp_path: Path) -> None:
    text = TINY.replace("requires: [first]", "requires:\n      - first\n      - frist")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "- frist"))
    assert "requires unknown step 'frist'" in problem and "did you mean 'first'" in problem


def test_dependency_cycle_is_named(tmp_path: Path) -> None:
    text = TINY.replace("    due: 2h\n", "    due: 2h\n    requires: [second]\n")
    [problem] = _check(tmp_path, text)
    # reported once, at the requires entry that closes the loop, named from that step
    assert problem.startswith(_at(tmp_path, text, "requires: [first]"))
    assert "dependency cycle: second -> first -> second" in problem


def test_step_due_before_what_it_requires(tmp_path: Path) -> None:
    text = TINY.replace("due: 24h", "due: 1h")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "due: 1h"))
    assert "due at 1h but waits for step 'first', due at 2h" in problem


def test_unknown_jurisdiction(tmp_path: Path) -> None:
    text = TINY.replace("jurisdictions: [fr]", "jurisdictions:\n  - FR\n  - de")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "  - de"))
    assert "unknown jurisdiction 'de'" in problem and "known: ca, fr, qc, uk" in problem


def test_wrong_type(tmp_path: Path) -> None:
    text = TINY.replace("    owner: it\n", "    owner: it\n    mandatory: sometimes\n")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "mandatory: sometimes"))
    assert "must be true or false, not the text 'sometimes'" in problem


def test_key_written_twice(tmp_path: Path) -> None:
    text = TINY.replace("    owner: dpo\n", "    owner: dpo\n    owner: lead\n")
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "owner: lead"))
    assert f"written twice (first on line {_line(text, 'owner: dpo')})" in problem


def test_id_must_match_file_name(tmp_path: Path) -> None:
    [problem] = _check(tmp_path, TINY, name="other.yaml")
    assert problem.startswith(f"{tmp_path / 'other.yaml'}:1: ")
    assert "name the file tiny.yaml or set id: other" in problem


def test_description_longer_than_slack_allows(tmp_path: Path) -> None:
    text = TINY.replace("A tiny playbook", "x" * 80)
    [problem] = _check(tmp_path, text)
    assert problem.startswith(_at(tmp_path, text, "x" * 80))
    assert "80 characters long; Slack shows at most 75" in problem


def test_every_problem_is_collected_and_load_lists_them_all(tmp_path: Path) -> None:
    text = (
        TINY.replace("phase: contain", "phase: contian")
        .replace("due: 24h", "due: soon")
        .replace("requires: [first]", "requires: [ghost]")
    )
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = check([tmp_path, extra], base=default_dirs())
    assert [(Path(p.file).name, p.line) for p in problems] == [
        ("broken.yaml", 2),
        ("tiny.yaml", _line(text, "contian")),
        ("tiny.yaml", _line(text, "soon")),
        ("tiny.yaml", _line(text, "ghost")),
    ]
    with pytest.raises(ConfigError) as err:
        load([*default_dirs(), tmp_path, extra])
    lines = err.value.message.splitlines()
    assert lines[0] == "The playbook files have 4 problems:"
    assert lines[1:] == [str(p) for p in problems]


def test_empty_file_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    missing = tmp_path / "missing"
    assert [str(p) for p in check([tmp_path, missing])] == [
        f"{missing}: no such folder of playbooks",
        f"{tmp_path / 'empty.yaml'}: the file is empty",
    ]


# --- jurisdictions.yaml problems -----------------------------------------------------------

JURISDICTION = """\
xx:
  name: {en: Example, fr: Exemple}
  authority: EX
  authority_name: {en: Example authority, fr: Autorité d'exemple}
  law: {en: Example Act, fr: Loi d'exemple}
  deadline: {kind: hours, hours: 48}
  persons_deadline: {kind: promptly}
  threshold: unlikely_risk
  persons_threshold: high_risk
  language: en
"""


def _check_jurisdictions(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "jurisdictions.yaml").write_text(text, encoding="utf-8")
    return [str(p) for p in check([tmp_path], base=default_dirs())]


@pytest.mark.parametrize(
    ("old", "new", "marker", "expected"),
    [
        (
            "{kind: hours, hours: 48}",
            "{kind: hours}",
            "deadline: {kind: hours}",
            "kind 'hours' but no hours",
        ),
        (
            "{kind: promptly}",
            "{kind: promptly, hours: 12}",
            "promptly, hours: 12",
            "sets no hour count",
        ),
        (
            "threshold: unlikely_risk",
            "threshold: maybe",
            "  threshold: maybe",
            "threshold of jurisdiction 'xx' is 'maybe', which is unknown",
        ),
        ("language: en", "language: de", "language: de", "use one of: en, fr"),
        ("  law: {en: Example Act, fr: Loi d'exemple}\n", "", "xx:", "required key 'law'"),
        (
            "language: en",
            "language: en\n  timezone: Mars/Olympus",
            "timezone: Mars",
            "must be a zone name such as Europe/Paris, not Mars/Olympus",
        ),
    ],
)
def test_jurisdiction_problems(
    tmp_path: Path, old: str, new: str, marker: str, expected: str
) -> None:
    text = JURISDICTION.replace(old, new)
    [problem] = _check_jurisdictions(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'jurisdictions.yaml'}:{_line(text, marker)}: ")
    assert expected in problem


# --- folders: overriding and relying on the base ------------------------------------------


def test_later_folder_adds_a_jurisdiction_and_replaces_a_playbook(tmp_path: Path) -> None:
    (tmp_path / "jurisdictions.yaml").write_text(JURISDICTION, encoding="utf-8")
    replaced = TINY.replace("id: tiny", "id: generic-breach").replace("[fr]", "[xx, fr]")
    (tmp_path / "generic-breach.yaml").write_text(replaced, encoding="utf-8")
    catalogue = load([*default_dirs(), tmp_path])
    assert set(catalogue.jurisdictions) == {"ca", "fr", "qc", "uk", "xx"}
    assert catalogue.jurisdiction("xx").deadline.hours == 48
    generic = catalogue.playbook("generic-breach")
    assert [s.id for s in generic.steps] == ["first", "second"]
    assert generic.jurisdictions == ("xx", "fr")
    assert generic.source == str(tmp_path / "generic-breach.yaml")
    assert catalogue.playbook("vendor-breach").source.startswith(str(PLAYBOOK_DIR))


def test_extra_folder_relies_on_base_jurisdictions(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    assert check([tmp_path], base=default_dirs()) == []
    [problem] = check([tmp_path])
    assert "unknown jurisdiction 'fr'" in str(problem)


def test_ids_are_case_insensitive(tmp_path: Path) -> None:
    text = TINY.replace("id: first", "id: First").replace("[first]", "[FIRST]")
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    catalogue = load([*default_dirs(), tmp_path])
    second = catalogue.playbook("tiny").step("second")
    assert second is not None and second.requires == ("first",)


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("3d", timedelta(days=3)),
        ("72h", timedelta(hours=72)),
        (" 1D2H ", timedelta(days=1, hours=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "h", "2", "2 h", "1m30h", "-2h", "2.5h", "2w", "١h"])
def test_parse_duration_refuses_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration; write whole days, hours"):
        parse_duration(text)


@settings(database=None, deadline=None)
@given(
    st.integers(0, 400),
    st.integers(0, 100),
    st.integers(0, 1000),
    st.sampled_from(["d", "h", "m", "dh", "dm", "hm", "dhm"]),
)
def test_parse_duration_reads_generated_durations(
    days: int, hours: int, minutes: int, parts: str
) -> None:
    text = "".join(
        f"{value}{unit}"
        for value, unit in zip((days, hours, minutes), "dhm", strict=True)
        if unit in parts
    )
    expected = timedelta(
        days=days if "d" in parts else 0,
        hours=hours if "h" in parts else 0,
        minutes=minutes if "m" in parts else 0,
    )
    assert parse_duration(text) == expected


@settings(database=None, deadline=None)
@given(st.integers(0, 10**8).map(lambda m: timedelta(minutes=m)))
def test_format_duration_round_trips(value: timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


# --- no input makes the schema raise --------------------------------------------------------

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_KEYS = st.sampled_from(PLAYBOOK_KEYS + STEP_KEYS + ("en", "fr")) | st.text(max_size=8)
_VALUES = st.recursive(
    _SCALARS | st.sampled_from(["contain", "dpo", "press", "2h", "first", "fr"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=30,
)


@settings(database=None, deadline=None, max_examples=300)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8) | _VALUES)
def test_build_playbook_never_raises(data: object) -> None:
    playbook, problems = build_playbook(
        data,  # type: ignore[arg-type]
        source="random.yaml",
        line_of=lambda path: 1,
        jurisdictions={"fr"},
    )
    assert (playbook is None) == bool(problems)
    assert all(isinstance(p, Problem) and p.message for p in problems)


@settings(database=None, deadline=None, max_examples=200)
@given(st.dictionaries(_KEYS, _VALUES, max_size=6) | _VALUES)
def test_build_jurisdictions_never_raises(data: object) -> None:
    built, problems = build_jurisdictions(
        data,  # type: ignore[arg-type]
        source="random.yaml",
        line_of=lambda path: 1,
    )
    assert all(isinstance(p, Problem) and p.message for p in problems)
    assert problems or len(built) == len(data)  # type: ignore[arg-type]


@settings(database=None, deadline=None, max_examples=200)
@given(st.text())
def test_parse_yaml_never_raises(text: str) -> None:
    doc, problems = parse_yaml(text, source="random.yaml")
    assert doc is not None or problems


@pytest.mark.parametrize(
    ("playbook_id", "jurisdictions", "fr_says"),
    [
        ("voter-file-misuse", ("fr",), "Répondre au ministère public ou à la CNIL par un conseil"),
        (
            "voter-file-misuse",
            ("qc", "ca"),
            "ministère public ou à la CAI et au CPVP par un conseil",
        ),
        ("hack-and-leak", ("uk",), "transmettez-le à l'ICO"),
        ("hack-and-leak", ("qc",), "transmettez-le à la CAI"),
        ("hack-and-leak", ("fr",), "transmettez-le à la CNIL"),
    ],
)
def test_step_titles_and_guidance_name_the_incidents_own_authorities(
    playbook_id: str, jurisdictions: tuple[str, ...], fr_says: str
) -> None:
    """A step that answers the prosecutor or the regulator names the incident's own authorities
    (jurisdictions.yaml), never the CNIL for a UK or Québec incident (issue 15)."""
    from incidentbot import playbooks as loader
    from incidentbot.core.playbook import for_incident

    catalogue = loader.load([builtin_dir("playbooks")])
    js = [catalogue.jurisdictions[j] for j in jurisdictions]
    steps = [for_incident(s, js) for s in catalogue.playbooks[playbook_id].steps]
    text = {
        lang: "\n".join(s.title.get(lang, "") + "\n" + s.guidance.get(lang, "") for s in steps)
        for lang in ("en", "fr")
    }
    assert fr_says in " ".join(text["fr"].split())
    assert "{authority}" not in text["fr"] + text["en"] and "{to_authority}" not in text["en"]
    if "fr" not in jurisdictions:
        for word in ("CNIL", "parquet", "gendarmerie", "téléservice"):
            assert word not in text["fr"] + text["en"], word
        for line in (text["fr"] + "\n" + text["en"]).split("\n"):
            if "Code " in line or "CNCCEP" in line:  # French law, said to be France's
                assert "France" in line, line

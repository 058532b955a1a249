"""The drafting engine: templates rendered from incident facts, markers for missing facts."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from incidentbot import drafting
from incidentbot.core.model import (
    DeadlineRule,
    Incident,
    IncidentStatus,
    Jurisdiction,
    Phase,
    Playbook,
    Role,
    Step,
    StepDef,
    StepStatus,
    TimelineEvent,
)
from incidentbot.drafting.markdown import escape
from incidentbot.errors import ConfigError, UsageError
from incidentbot.slack import blocks as bk

BUILTIN = Path(__file__).resolve().parent.parent / "incidentbot" / "templates"
MONTREAL = ZoneInfo("America/Montreal")
AWARE = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)  # 14:00 in Montréal
NOW = AWARE + timedelta(hours=30)
NOTE = "Vendor says {{ 7*7 }} {% raw %}x{% endraw %} <!channel> & logs are kept."

JURISDICTIONS = {
    "qc": Jurisdiction(
        id="qc",
        statutory_note={
            "en": "Binding on Québec provincial parties since 2023-09-22 (Election Act "
            "s. 127.22); for a municipal party, unverified: followed as good practice.",
            "fr": "S'applique aux partis provinciaux du Québec depuis le 2023-09-22 (Loi "
            "électorale, art. 127.22) ; pour un parti municipal, ce n'est pas vérifié : il la "
            "suit comme bonne pratique.",
        },
        name={"en": "Québec", "fr": "Québec"},
        authority="CAI",
        authority_name={
            "en": "Commission d'accès à l'information",
            "fr": "Commission d'accès à l'information",
        },
        law={
            "en": "Act respecting the protection of personal information in the private sector",
            "fr": "Loi sur la protection des renseignements personnels dans le secteur privé",
        },
        deadline=DeadlineRule(kind="promptly", target_hours=72),
        persons_deadline=DeadlineRule(kind="promptly"),
        threshold="risk_of_serious_injury",
        persons_threshold="risk_of_serious_injury",
        language="fr",
    ),
    "fr": Jurisdiction(
        id="fr",
        name={"en": "France", "fr": "France"},
        authority="CNIL",
        authority_name={
            "en": "Commission nationale de l'informatique et des libertés",
            "fr": "Commission nationale de l'informatique et des libertés",
        },
        law={"en": "GDPR", "fr": "RGPD"},
        deadline=DeadlineRule(kind="hours", hours=72, late_requires="delay_reasons"),
        persons_deadline=DeadlineRule(kind="without_undue_delay"),
        threshold="risk",
        persons_threshold="high_risk",
        language="fr",
    ),
    "ca": Jurisdiction(
        id="ca",
        name={"en": "Canada", "fr": "Canada"},
        authority="OPC",
        authority_name={
            "en": "Office of the Privacy Commissioner of Canada",
            "fr": "Commissariat à la protection de la vie privée du Canada",
        },
        law={"en": "PIPEDA", "fr": "LPRPDE"},
        deadline=DeadlineRule(kind="as_soon_as_feasible"),
        persons_deadline=DeadlineRule(kind="as_soon_as_feasible"),
        threshold="rrosh",
        persons_threshold="rrosh",
        language="en",
    ),
    "uk": Jurisdiction(
        id="uk",
        name={"en": "United Kingdom", "fr": "Royaume-Uni"},
        authority="ICO",
        authority_name={
            "en": "Information Commissioner's Office",
            "fr": "Information Commissioner's Office",
        },
        law={"en": "UK GDPR", "fr": "RGPD britannique"},
        deadline=DeadlineRule(kind="hours", hours=72, late_requires="delay_reasons"),
        persons_deadline=DeadlineRule(kind="without_undue_delay"),
        threshold="risk",
        persons_threshold="high_risk",
        language="en",
    ),
}


def _step(sid: str, phase: Phase, en: str, fr: str) -> StepDef:
    return StepDef(id=sid, phase=phase, title={"en": en, "fr": fr}, owner=Role.LEAD)


PLAYBOOK = Playbook(
    id="vendor_leak",
    title={"en": "A vendor leaks donor data", "fr": "Fuite de données chez un prestataire"},
    description={"en": "", "fr": ""},
    steps=(
        _step("cut_access", Phase.CONTAIN, "Cut the vendor's access", "Couper l'accès"),
        _step("ask_vendor", Phase.CONTAIN, "Ask the vendor in writing", "Écrire au prestataire"),
        _step("notify_cai", Phase.NOTIFY, "Notify the CAI", "Aviser la CAI"),
        _step("review", Phase.RECOVER, "Review the vendor contract", "Revoir le contrat"),
    ),
    jurisdictions=("qc", "fr"),
)

CONFIG = {
    "organization": {
        "name": "Équipe Exemple pour Montréal",
        "ids": {"qc": "1170000000", "fr": "123 456 789"},
        "address": "1000, rue Exemple, Montréal (Québec) H2X 1X1",
        "legal_representative": "Marie Tremblay, cheffe du parti",
    },
    "contact": {
        "name": "Luc Gagnon",
        "email": "incident@exemple.org",
        "phone": "+1 514 555 0100",
        "complaint_process": {
            "en": "write to plaintes@exemple.org; we answer within 30 days.",
            "fr": "écrivez à plaintes@exemple.org ; nous répondons sous 30 jours.",
        },
    },
    "dpo": {"name": "Sophie Roy", "email": "vieprivee@exemple.org"},
    "press": {"contact": "Julie Côté, presse@exemple.org, +1 514 555 0199"},
    "letterhead": "ÉQUIPE EXEMPLE POUR MONTRÉAL\n1000, rue Exemple, Montréal",
    "signature": {
        "en": "Marie Tremblay\nLeader, Équipe Exemple pour Montréal",
        "fr": "Marie Tremblay\nCheffe, Équipe Exemple pour Montréal",
    },
}

ASSESSMENT = {
    "inputs": {
        "data": ["contact", "financial", "political"],
        "persons": 869,
        "records": 1234,
        "identifiable": "full",
        "confidentiality": "unknown_recipient",
        "malicious": "yes",
        "encrypted": "no",
    },
    "score": 5.0,
    "band": "very_high",
    "explain": "DPC 4 × EI 1 + CB 1.0 = 5.0",
}

DECISIONS = [
    {"jurisdiction": "qc", "authority": True, "persons": True, "rule": "risk of serious injury",
     "computed": {}, "override": None},
    {"jurisdiction": "fr", "authority": True, "persons": True, "rule": "high risk",
     "computed": {}, "override": {"by": "Sophie Roy", "reason": "donors' opinions exposed"}},
    {"jurisdiction": "ca", "authority": True, "persons": True,
     "rule": "real risk of significant harm", "computed": {}, "override": None},
    {"jurisdiction": "uk", "authority": True, "persons": True, "rule": "high risk",
     "computed": {}, "override": None},
]  # fmt: skip


def full_incident() -> Incident:
    return Incident(
        ref="INC-7",
        title="Donor database exposed by the vendor",
        playbook="vendor_leak",
        status=IncidentStatus.OPEN,
        declared_by="U1",
        declared_at=AWARE + timedelta(minutes=30),
        aware_at=AWARE,
        detected_at=AWARE - timedelta(hours=5),
        lead="U1",
        language="fr",
        jurisdictions=("qc", "fr"),
        facts={
            "description": "Our donation software vendor left a copy of the donor database "
            "on a server reachable from the internet.",
            "cause": "A backup copied to a public server by the vendor.",
            "occurred_at": "2026-11-05/2026-11-24",
            "vendor_name": "Logiciels Exemple inc.",
            "rental_purpose": "Phoning for the 2026 municipal campaign.",
            "persons_in_quebec": 850,
            "others_informed": ["Service de police de la Ville de Montréal"],
            "lead_name": "Luc Gagnon",
            "lessons": "Processor clauses with an audit right and a 24-hour breach duty.",
            "staff_involvement": "No staff member was involved; the vendor's staff were.",
            "delay_reasons": "The vendor denied the breach for two days.",
        },
    )


def full_steps() -> list[Step]:
    s = PLAYBOOK.steps
    return [
        Step("INC-7", s[0], StepStatus.DONE, done_at=AWARE + timedelta(hours=1),
             note="Vendor access revoked and all credentials rotated"),
        Step("INC-7", s[1], StepStatus.DONE, done_at=AWARE + timedelta(hours=2)),
        Step("INC-7", s[2]),
        Step("INC-7", s[3]),
    ]  # fmt: skip


def full_events() -> list[TimelineEvent]:
    return [
        TimelineEvent("INC-7", 1, AWARE, "Luc Gagnon", "declared", "Incident declared"),
        TimelineEvent("INC-7", 2, AWARE + timedelta(hours=1), "Luc Gagnon", "note", NOTE),
        TimelineEvent("INC-7", 3, AWARE + timedelta(hours=2), "Sophie Roy", "assessed",
                      "Assessed: very high"),
        TimelineEvent("INC-7", 4, AWARE + timedelta(hours=2), "Luc Gagnon", "measure",
                      "Vendor access revoked and all credentials rotated",
                      {"planned": False}),
        TimelineEvent("INC-7", 5, AWARE + timedelta(hours=3), "Luc Gagnon", "measure",
                      "An independent audit of the vendor's security", {"planned": True}),
    ]  # fmt: skip


def full_context(jurisdiction: str | None, lang: str, **changes) -> dict:
    args = dict(
        incident=full_incident(),
        steps=full_steps(),
        events=full_events(),
        assessment=ASSESSMENT,
        decisions=DECISIONS,
        jurisdiction=JURISDICTIONS[jurisdiction] if jurisdiction else None,
        playbook=PLAYBOOK,
        notifications={},
        config=CONFIG,
        lang=lang,
        tz=MONTREAL,
        now=NOW,
    )
    args.update(changes)
    return drafting.build_context(**args)


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """One readable Markdown file per draft, so that an update is a reviewable diff."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.fixture
def md_snapshot(snapshot):
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.fixture
def drafter() -> drafting.Drafter:
    return drafting.Drafter(template_dirs=[BUILTIN])


ALL_TEMPLATES = sorted(
    p.relative_to(BUILTIN).as_posix()
    for k in drafting.KINDS
    for p in (BUILTIN / k).glob("*.j2")
    if not p.name.startswith("_")  # parts included by the drafts, never drafts themselves
)


def _parse(rel: str) -> tuple[str, str | None, str | None, str]:
    """regulator/qc.fr.md.j2 -> (kind, jurisdiction, variant, lang)."""
    kind, name = rel.split("/")
    stem, lang = name[: -len(drafting.SUFFIX)].rsplit(".", 1)
    if stem == "default":
        return kind, None, None, lang
    if stem in JURISDICTIONS:
        return kind, stem, None, lang
    return kind, None, stem, lang


def _id(rel: str) -> str:
    return rel.removesuffix(drafting.SUFFIX).replace("/", "-")


@pytest.mark.parametrize("rel", ALL_TEMPLATES, ids=_id)
def test_every_template_renders_a_full_incident(rel, drafter, md_snapshot):
    kind, jurisdiction, variant, lang = _parse(rel)
    context = full_context(jurisdiction or "qc", lang)
    rendered = drafter.render(
        kind, context=context, jurisdiction=jurisdiction, lang=lang, variant=variant
    )
    assert rendered.template == rel
    assert rendered.missing == ()
    assert "[MISSING" not in rendered.text and "[À COMPLÉTER" not in rendered.text
    assert "None" not in rendered.text
    assert rendered.text == md_snapshot


def test_builtin_templates_pass_the_check():
    assert drafting.check_templates([BUILTIN]) == []
    facts = drafting.template_facts([BUILTIN])
    assert {r for r in facts if not r.split("/")[-1].startswith("_")} == set(ALL_TEMPLATES)
    assert "persons_in_quebec" in facts["regulator/qc.fr.md.j2"]


# --- each regulator letter holds what its law or form asks for -------------------------------


def _letter(drafter, jurisdiction: str, lang: str, **changes) -> str:
    context = full_context(jurisdiction, lang, **changes)
    return drafter.render("regulator", context=context, jurisdiction=jurisdiction, lang=lang).text


def test_cnil_letter_has_every_article_33_element_and_the_form_fields(drafter):
    text = _letter(drafter, "fr", "fr")
    for expected in [
        "Notification initiale",
        "Numéro SIREN : 123 456 789",  # CNIL form: SIREN
        "Représentant légal : Marie Tremblay",  # CNIL form: legal representative
        "Personne à contacter : Luc Gagnon, incident@exemple.org",  # 33(3)(b)
        "Délégué à la protection des données : Sophie Roy",  # 33(3)(b)
        "## 3. Nature de la violation",  # 33(3)(a)
        "Catégories de données concernées : coordonnées",
        "Nombre approximatif de personnes concernées : 869",
        "Nombre approximatif d'enregistrements concernés : 1\u202f234",
        "## 4. Conséquences probables",  # 33(3)(c)
        "Divulgation d'opinions politiques",
        "## 5. Mesures prises ou envisagées",  # 33(3)(d)
        "Vendor access revoked and all credentials rotated",
        "An independent audit of the vendor's security",  # a planned measure, not a step title
        "prise de connaissance de la violation : 25 novembre 2026 à 14 h 00",
        "Date ou période de la violation : du 5 novembre 2026 au 24 novembre 2026",
    ]:
        assert expected in text, expected
    assert "Motifs du retard" not in text  # 30 hours after awareness: on time


def test_cnil_letter_gives_reasons_when_past_72_hours(drafter):
    late = AWARE + timedelta(hours=80)
    text = _letter(drafter, "fr", "fr", now=late)
    assert "## 8. Motifs du retard" in text
    assert "The vendor denied the breach for two days." in text


def test_complementary_notification_cites_the_first_one(drafter):
    notifications = {"fr": {"notified_at": AWARE + timedelta(hours=20), "reference": "CNIL-42"}}
    context = full_context("fr", "fr", notifications=notifications)
    assert context["submission"] == "complementary"
    text = drafter.render("regulator", context=context, jurisdiction="fr", lang="fr").text
    assert "# Notification complémentaire" in text
    assert "dossier n° CNIL-42" in text
    assert "26 novembre 2026 à 10 h 00" in text
    initial = drafter.render(
        "regulator", context=context, jurisdiction="fr", lang="fr", variant="initial"
    )
    assert "# Notification initiale" in initial.text


def test_cai_letter_has_the_eleven_items_of_regulation_section_3(drafter):
    text = _letter(drafter, "qc", "fr")
    headings = re.findall(r"^### (\d+)\. ", text, flags=re.M)
    assert headings == [str(n) for n in range(1, 12)]
    for expected in [
        "Équipe Exemple pour Montréal, NEQ 1170000000",  # 1
        "Luc Gagnon, incident@exemple.org, +1 514 555 0100",  # 2
        "données révélant des opinions politiques",  # 3
        "A backup copied to a public server by the vendor.",  # 4
        "du 5 novembre 2026 au 24 novembre 2026",  # 5
        "25 novembre 2026 à 14 h 00",  # 6
        "Nombre de personnes concernées : 869",  # 7
        "Nombre de personnes concernées résidant au Québec : 850",  # 7
        "les données ont été exposées à des destinataires inconnus",  # 8
        "Les personnes concernées seront avisées avec diligence",  # 9
        "Vendor access revoked and all credentials rotated",  # 10
        "Service de police de la Ville de Montréal",  # 11
    ]:
        assert expected in text, expected


def test_opc_report_has_the_bssr_items_in_both_languages(drafter):
    english = _letter(drafter, "ca", "en")
    for item in "abcdefg":
        assert f"## ({item}) " in english
    assert "Approximately 869 individuals (1,234 records)" in english
    assert "section 10.1(1) of the Personal Information Protection" in english
    french = _letter(drafter, "ca", "fr")
    for item in "abcdefg":
        assert f"## {item}) " in french
    assert "Environ 869 personnes (1\u202f234 enregistrements)" in french


def test_ico_report_has_the_four_form_groups_and_article_33_elements(drafter):
    text = _letter(drafter, "uk", "en")
    for expected in [
        "## 1. About the breach",
        "## 2. Staff involvement and training",
        "No staff member was involved",
        "## 3. Personal data and people affected",
        "Approximate number of people affected: 869",
        "## 4. Containment and recovery",
        "Data protection officer: Sophie Roy, vieprivee@exemple.org",
        "When we became aware that personal data were affected: 25 November 2026 at 14:00",
    ]:
        assert expected in text, expected


def test_regulator_language_defaults_to_the_regulators():
    assert drafting.default_language("regulator", JURISDICTIONS["qc"], "en") == "fr"
    assert drafting.default_language("regulator", JURISDICTIONS["uk"], "fr") == "en"
    assert drafting.default_language("press", JURISDICTIONS["qc"], "en") == "en"


# --- missing facts ---------------------------------------------------------------------------


def bare_context(jurisdiction: str | None, lang: str) -> dict:
    incident = Incident(
        ref="INC-9",
        title="Something happened",
        playbook="generic",
        status=IncidentStatus.OPEN,
        declared_by="U1",
        declared_at=AWARE,
    )
    return drafting.build_context(
        incident=incident,
        steps=[],
        events=[],
        assessment=None,
        decisions=[],
        jurisdiction=JURISDICTIONS[jurisdiction] if jurisdiction else None,
        playbook=None,
        notifications={},
        config={},
        lang=lang,
        tz=MONTREAL,
        now=NOW,
    )


def test_a_bare_incident_shows_a_marker_for_each_missing_fact(drafter):
    rendered = drafter.render("regulator", context=bare_context("qc", "fr"), jurisdiction="qc",
                              lang="fr")  # fmt: skip
    missing = {m.name: m for m in rendered.missing}
    assert "[À COMPLÉTER : nombre de personnes concernées]" in rendered.text
    assert "[À COMPLÉTER : nombre de personnes concernées résidant au Québec]" in rendered.text
    assert "[À COMPLÉTER : catégories de données personnelles]" in rendered.text
    assert "[À COMPLÉTER : mesures prises]" in rendered.text
    assert (
        missing["persons_count"].supplied_by == "/incident évaluer persons=N"
    )  # the words a French reader types
    assert missing["aware_at"].supplied_by == "/incident connu QUAND"
    assert missing["organization_id"].supplied_by.startswith("config [organization] id")
    for name in [
        "persons_in_quebec",
        "data_categories",
        "measures_taken",
        "consequences",
        "risk_elements",
        "persons_notification",
        "others_informed",
        "letterhead",
    ]:
        assert name in missing, name  # fmt: skip
    for marker in re.findall(r"\[À COMPLÉTER : ([^\]]+)\]", rendered.text):
        assert marker in {m.description for m in rendered.missing}


def test_missing_markers_in_english_and_empty_values_count_as_missing(drafter):
    context = bare_context(None, "en") | {"press_contact": "", "persons_count": None}
    rendered = drafter.render("press", context=context, jurisdiction=None, lang="en")
    assert "[MISSING: number of persons affected]" in rendered.text
    assert "Press contact: [MISSING: press contact]" in rendered.text
    names = [m.name for m in rendered.missing]
    assert len(names) == len(set(names))
    assert {"persons_count", "press_contact", "description", "organization_name"} <= set(names)


def test_optional_facts_print_nothing_and_are_not_missing(drafter):
    rendered = drafter.render("regulator", context=bare_context("fr", "fr"), jurisdiction="fr",
                              lang="fr")  # fmt: skip
    names = {m.name for m in rendered.missing}
    assert "organization_address" not in names
    assert "Adresse :" not in rendered.text


@pytest.mark.parametrize("rel", ALL_TEMPLATES, ids=_id)
def test_every_template_marks_missing_facts_with_their_command(rel, drafter):
    kind, jurisdiction, variant, lang = _parse(rel)
    context = bare_context(jurisdiction or "qc", lang)
    rendered = drafter.render(
        kind, context=context, jurisdiction=jurisdiction, lang=lang, variant=variant
    )
    assert rendered.missing
    word = "[MISSING: " if lang == "en" else "[À COMPLÉTER : "
    for fact in rendered.missing:
        assert word + fact.description + "]" in rendered.text
        assert fact.supplied_by
    assert {m.name for m in rendered.missing} <= rendered.facts_used


# --- user text is data -----------------------------------------------------------------------


@pytest.mark.parametrize("rel", ALL_TEMPLATES, ids=_id)
def test_typed_text_is_never_rendered_again(rel, drafter):
    kind, jurisdiction, variant, lang = _parse(rel)
    incident = full_incident()
    facts = dict(incident.facts, description=NOTE, cause=NOTE)
    context = full_context(jurisdiction or "qc", lang, incident=_with_facts(incident, facts))
    rendered = drafter.render(
        kind, context=context, jurisdiction=jurisdiction, lang=lang, variant=variant
    )
    if "description" in rendered.facts_used or "circumstances" in rendered.facts_used:
        assert escape(NOTE) in rendered.text  # as text: the Markdown escapes it
        assert "says {{ 7\\*7 }} {% raw %}x{% endraw %} \\<!channel\\>" in rendered.text
    assert "says 49" not in rendered.text and "says {{ 7*7 }} {% raw %}" in NOTE


def _with_facts(incident: Incident, facts: dict) -> Incident:
    from dataclasses import replace

    return replace(incident, facts=facts)


def test_a_timeline_note_reaches_the_report_but_never_the_letter(drafter):
    """The boundary: a note is the record's, the letter says only what was written for it."""
    context = full_context("qc", "fr")
    letter = drafter.render("regulator", context=context, jurisdiction="qc", lang="fr").text
    report = drafter.render("report", context=context, jurisdiction=None, lang="fr").text
    assert escape(NOTE) not in letter and "Assessed: very high" not in letter
    assert "Vendor access revoked and all credentials rotated" in letter  # a measure
    assert escape(NOTE) in report


def test_templates_cannot_reach_python_internals(tmp_path):
    (tmp_path / "press").mkdir()
    template = tmp_path / "press" / "default.en.md.j2"
    template.write_text("{{ title.__class__.__mro__ }}", encoding="utf-8")
    drafter = drafting.Drafter(template_dirs=[tmp_path])
    rendered = drafter.render("press", context={"title": "x"}, jurisdiction=None, lang="en")
    assert "object" not in rendered.text
    template.write_text("{{ ''.__class__.__subclasses__() }}", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        drafting.Drafter(template_dirs=[tmp_path]).render(
            "press", context={}, jurisdiction=None, lang="en"
        )
    assert "press/default.en.md.j2" in caught.value.message


# --- lookup, overrides, usage errors ---------------------------------------------------------


def test_a_campaign_folder_overrides_a_builtin_template(tmp_path):
    (tmp_path / "press").mkdir()
    (tmp_path / "press" / "holding.en.md.j2").write_text(
        "Our own words, {{ organization_name }}.\n", encoding="utf-8"
    )
    drafter = drafting.Drafter(template_dirs=[tmp_path, BUILTIN])
    context = full_context(None, "en")
    held = drafter.render("press", context=context, jurisdiction=None, lang="en", variant="holding")
    assert held.text == "Our own words, Équipe Exemple pour Montréal.\n"
    assert held.template == "press/holding.en.md.j2"
    default = drafter.render("press", context=context, jurisdiction=None, lang="en")
    assert "# Statement by Équipe Exemple pour Montréal" in default.text


def test_lookup_prefers_jurisdiction_then_variant_then_default(tmp_path, drafter):
    assert drafter.find("notice", jurisdiction="qc", lang="fr", variant=None) == (
        "notice/qc.fr.md.j2"
    )
    assert drafter.find("notice", jurisdiction="fr", lang="fr", variant=None) == (
        "notice/default.fr.md.j2"
    )
    assert drafter.find("press", jurisdiction="fr", lang="fr", variant="holding") == (
        "press/holding.fr.md.j2"
    )
    (tmp_path / "press").mkdir()
    (tmp_path / "press" / "fr.holding.fr.md.j2").write_text("x\n", encoding="utf-8")
    both = drafting.Drafter(template_dirs=[tmp_path, BUILTIN])
    assert both.find("press", jurisdiction="fr", lang="fr", variant="holding") == (
        "press/fr.holding.fr.md.j2"
    )


@pytest.mark.parametrize(
    ("kind", "jurisdiction", "lang", "variant", "says"),
    [
        ("memo", None, "en", None, "press, regulator, notice, staff, vendor, report"),
        ("regulator", None, "fr", None, "ca.en, ca.fr, fr.fr, qc.fr, uk.en"),
        ("regulator", "qc", "en", None, "There is no regulator template for qc in en"),
        ("press", None, "de", None, "use en or fr"),
        ("press", None, "en", "tweet", 'no "tweet" variant'),
    ],
)
def test_usage_errors_list_the_choices(drafter, kind, jurisdiction, lang, variant, says):
    with pytest.raises(UsageError) as caught:
        drafter.render(kind, context={}, jurisdiction=jurisdiction, lang=lang, variant=variant)
    assert says in caught.value.message
    assert caught.value.message_fr


def test_check_reports_unknown_facts_filters_and_syntax_errors_with_the_path(tmp_path):
    (tmp_path / "press").mkdir()
    bad = tmp_path / "press" / "default.en.md.j2"
    bad.write_text("{{ organization_name }} {{ xyz }} {{ title|shout }}\n", encoding="utf-8")
    broken = tmp_path / "press" / "holding.en.md.j2"
    broken.write_text("line one\n{% if title %}\n{{ title }\n", encoding="utf-8")
    problems = drafting.check_templates([tmp_path])
    assert f'{bad}: unknown fact "xyz"' in problems
    assert f'{bad}:1: unknown filter "shout"' in problems
    assert any(p.startswith(f"{broken}:3: ") for p in problems)
    assert drafting.template_facts([tmp_path])["press/default.en.md.j2"] == [
        "organization_name",
        "title",
        "xyz",
    ]


# --- formatting ------------------------------------------------------------------------------


def _fmt(template: str, lang: str, **values) -> str:
    context = values | {"_tz": MONTREAL}
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "staff").mkdir()
        (Path(folder) / "staff" / f"default.{lang}.md.j2").write_text(template, encoding="utf-8")
        drafter = drafting.Drafter(template_dirs=[Path(folder)])
        return drafter.render("staff", context=context, jurisdiction=None, lang=lang).text.strip()


def test_dates_numbers_and_lists_follow_the_language():
    when = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    assert _fmt("{{ aware_at|date }}", "fr", aware_at=when) == "25 novembre 2026 à 14 h 00"
    assert _fmt("{{ aware_at|date }}", "en", aware_at=when) == "25 November 2026 at 14:00"
    assert _fmt("{{ aware_at|date(false) }}", "fr", aware_at=when) == "25 novembre 2026"
    assert _fmt("{{ persons_count|number }}", "fr", persons_count=1234) == "1\u202f234"
    assert _fmt("{{ persons_count|number }}", "en", persons_count=1234) == "1,234"
    assert _fmt("{{ persons_count|number }}", "fr", persons_count=869) == "869"
    items = ["a", "b", "c"]
    assert _fmt("{{ data_categories|list }}", "fr", data_categories=items) == "a, b et c"
    assert _fmt("{{ data_categories|list }}", "en", data_categories=items) == "a, b and c"
    assert _fmt("{{ data_categories|list }}", "en", data_categories=[]) == (
        "[MISSING: categories of personal data]"
    )


def test_periods_and_free_text_dates():
    incident = _with_facts(full_incident(), {"occurred_at": "early November 2026"})
    context = full_context("qc", "fr", incident=incident)
    assert context["occurred_at"] == "early November 2026"
    assert (
        _fmt(
            "{{ occurred_at|date }}",
            "en",
            occurred_at={"start": datetime(2026, 11, 5, 5, tzinfo=UTC), "end": None},
        )
        == "5 November 2026 at 00:00"
    )
    assert _fmt("{{ occurred_at|date(false) }}", "fr", occurred_at="2026-11-05/2026-11-24") == (
        "du 5 novembre 2026 au 24 novembre 2026"
    )
    assert _fmt("{{ occurred_at|date }}", "en", occurred_at="around the election") == (
        "around the election"
    )
    assert full_context("qc", "fr")["occurred_at"]["end"].day == 24


# --- output helpers --------------------------------------------------------------------------


def _plain(markdown: str) -> list[str]:
    lines = []
    for line in markdown.split("\n"):
        line = re.sub(r"^(#+|-|>)\s+", "", line).strip()
        if line:
            lines.append(line)
    return lines


def test_docx_holds_the_same_text(drafter):
    rendered = drafter.render("regulator", context=full_context("qc", "fr"), jurisdiction="qc",
                              lang="fr")  # fmt: skip
    data = drafting.to_docx(rendered.text, title="Déclaration INC-7", lang="fr")
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "Déclaration INC-7"
    assert document.core_properties.language == "fr-FR"
    assert 'w:val="fr-FR"' in document.styles["Normal"].element.xml
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    texts = [line for p in document.paragraphs for line in p.text.split("\n") if line.strip()]
    assert texts == _plain(rendered.text)
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 3", "List Bullet"} <= styles
    guidance = [p for p in document.paragraphs if p.text.startswith("Note pour l'auteur")]
    assert guidance and all(run.italic for p in guidance for run in p.runs)


def test_strip_guidance_removes_only_notes_to_the_author(drafter):
    rendered = drafter.render("press", context=full_context(None, "en"), jurisdiction=None,
                              lang="en", variant="hack_and_leak")  # fmt: skip
    assert "> Note to the author: do not confirm or deny" in rendered.text
    clean = drafting.strip_guidance(rendered.text)
    assert "Note to the author" not in clean
    assert "We will not comment on any individual document." in clean


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\t-é"), max_size=400), st.integers(1, 60))
def test_split_for_slack_keeps_every_chunk_under_the_limit(text, limit):
    chunks = bk.split_for_slack(text, limit)
    assert "".join(chunks) == text
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    position = 0
    for left, right in zip(chunks, chunks[1:], strict=False):
        position += len(left)
        if not (left[-1].isspace() or right[0].isspace()):
            start = len(text[:position]) - len(re.split(r"\s", text[:position])[-1])
            word = re.match(r"\S*", text[start:]).group(0)
            assert len(word) > limit, (left, right)


def test_split_for_slack_prefers_paragraph_boundaries():
    text = "a" * 50 + "\n\n" + "b b b " * 10 + "\n\n" + "c" * 30
    chunks = bk.split_for_slack(text, 70)
    assert chunks[0] == "a" * 50 + "\n\n"
    assert all(len(chunk) <= 70 for chunk in chunks)


def test_diff_and_hash():
    old, new = "a\nb\nc\nd\n", "a\nb\nC\nd\n"
    patch = drafting.diff(old, new)
    assert "-c" in patch and "+C" in patch and "--- previous" in patch
    assert drafting.diff(old, old) == ""
    assert drafting.text_hash("x") == drafting.text_hash("x") != drafting.text_hash("y")
    assert len(drafting.text_hash("x")) == 64


def test_campaign_guidance_follows_the_incident(drafter):
    facts = dict(full_incident().facts, hack_and_leak="yes",
                 election_silence_starts="2026-12-05T05:00:00+00:00")  # fmt: skip
    context = full_context(None, "fr", incident=_with_facts(full_incident(), facts))
    staff = drafter.render("staff", context=context, jurisdiction=None, lang="fr").text
    assert "des faux sont mêlés aux documents authentiques" in staff
    press = drafter.render("press", context=context, jurisdiction=None, lang="fr").text
    assert "> Note pour l'auteur : des documents ont été volés et publiés." in press
    assert "réserve électorale commence le 5 décembre 2026 à 0 h 00" in press


def test_every_setting_a_missing_fact_hint_names_loads_and_fills_that_fact(tmp_path):
    """A hint that names a setting the loader rejects would break start-up (issue 15)."""
    from incidentbot import config
    from incidentbot.service.drafts import draft_config

    named = {
        name: fact.supplied_by.split("] ", 1)[1]
        for name, fact in drafting.FACTS.items()
        if fact.supplied_by.startswith("config [organization] ")
    }
    assert {"contact_name", "dpo_name", "letterhead", "signature", "press_contact"} <= set(named)
    values = {key: f"value of {key}" for key in named.values()}
    values["kind"] = "public_body"  # one of party, campaign, public_body, other
    toml = "[organization]\n" + "".join(f'{key} = "{value}"\n' for key, value in values.items())
    path = tmp_path / "incidentbot.toml"
    path.write_text(toml, encoding="utf-8")
    settings = config.load({"INCIDENTBOT_CONFIG": str(path)})
    context = full_context("qc", "en", config=draft_config(settings.organization))
    expected = dict(values, kind=values["kind"])
    for name, key in named.items():
        if name == "party_files":
            assert context[name] is False  # a public body's files are not a party's
        else:
            assert context[name] == expected[key], name
    for name, fact in drafting.FACTS.items():
        assert "config [" not in fact.supplied_by or name in named, fact.supplied_by

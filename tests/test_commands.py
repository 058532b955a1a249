"""The `/incident` grammar: every subcommand, every refusal, and free text kept verbatim."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentbot import i18n
from incidentbot.core.commands import (
    SUBCOMMANDS,
    Approve,
    Assess,
    Assign,
    Aware,
    Close,
    Deadlines,
    Declare,
    Done,
    Draft,
    Help,
    ListIncidents,
    Measure,
    Note,
    Notified,
    Register,
    Severity,
    Skip,
    Status,
    Steps,
    Timeline,
    parse,
    usage_text,
)
from incidentbot.errors import UsageError
from incidentbot.typography import french


def refused(text: str) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse(text)
    error = caught.value
    assert error.message_fr, "every refusal has a French sentence too"
    return error


# --------------------------------------------------------------------------- each command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   ", Help()),
        ("help", Help()),
        ("HELP done", Help(topic="done")),
        ("aide fait", Help(topic="done")),
        ("list", ListIncidents()),
        ("liste", ListIncidents()),
        ("status", Status()),
        ("état", Status()),
        ("ETAT", Status()),
        ("steps", Steps()),
        ("étapes", Steps()),
        ("deadlines", Deadlines()),
        ("échéances", Deadlines()),
        ("echeances", Deadlines()),
        ("close", Close()),
        ("clore", Close()),
        ("fermer", Close()),
        ("register", Register()),
        ("registre", Register()),
        ("done contain-1", Done(step="contain-1")),
        ("DONE Contain-1 wiped the laptop", Done(step="contain-1", note="wiped the laptop")),
        ("fait isoler", Done(step="isoler")),
        ("terminé isoler ok", Done(step="isoler", note="ok")),
        ("termine isoler", Done(step="isoler")),
        ("skip press not needed", Skip(step="press", reason="not needed")),
        ("passer presse pas utile", Skip(step="presse", reason="pas utile")),
        ("assign contain-1 <@U0123ABC>", Assign(target="contain-1", user="U0123ABC")),
        ("assign DPO <@U0123ABC|bob>", Assign(target="dpo", user="U0123ABC")),
        ("assigner comms @Claire", Assign(target="comms", user="Claire")),
        ("assign lead marie", Assign(target="lead", user="marie")),
        ("note called the vendor", Note(text="called the vendor")),
        ("aware 20/11/2026 14h00", Aware(when="20/11/2026 14h00")),
        ("connu hier 18h00", Aware(when="hier 18h00")),
        ("assess", Assess(options={})),
        (
            "assess data=contact,financial persons=869 Identifiable=full",
            Assess(options={"data": "contact,financial", "persons": "869", "identifiable": "full"}),
        ),
        ("évaluer persons=unknown", Assess(options={"persons": "unknown"})),
        ("evaluer context='higher'", Assess(options={"context": "higher"})),
        ("notified QC", Notified(jurisdiction="qc")),
        ("notified fr CNIL 2026-117", Notified(jurisdiction="fr", reference="CNIL 2026-117")),
        ("notifié qc", Notified(jurisdiction="qc")),
        ("notifie ca", Notified(jurisdiction="ca")),
        ("timeline", Timeline()),
        ("timeline 20", Timeline(limit=20)),
        ("chronologie 1000", Timeline(limit=1000)),
        ("draft press", Draft(kind="press")),
        ("draft regulator fr", Draft(kind="regulator", jurisdiction="fr")),
        ("draft notice en", Draft(kind="notice", lang="en")),
        ("draft regulator qc fr", Draft(kind="regulator", jurisdiction="qc", lang="fr")),
        ("draft regulator fr en", Draft(kind="regulator", jurisdiction="fr", lang="en")),
        ("brouillon rapport QC", Draft(kind="report", jurisdiction="qc")),
        ("draft STAFF uk EN", Draft(kind="staff", jurisdiction="uk", lang="en")),
        ("approve Regulator-fr-fr-v2", Approve(draft="regulator-fr-fr-v2")),
        ("approuver press-en-v1", Approve(draft="press-en-v1")),
        ("severity high", Severity(level="high")),
        ("gravité HIGH 869 donors", Severity(level="high", reason="869 donors")),
        ("gravite low", Severity(level="low")),
    ],
)  # fmt: skip
def test_each_subcommand_and_its_french_alias(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_declare_keeps_title_spacing_and_reads_options() -> None:
    command = parse('declare  Donor   file leak  aware="2026-11-20 14:00" Jurisdiction=qc,fr')
    assert command == Declare(
        title="Donor   file leak",
        options={"aware": "2026-11-20 14:00", "jurisdiction": "qc,fr"},
    )


def test_declare_without_anything_opens_the_modal_empty() -> None:
    assert parse("declare") == Declare(title=None, options={})
    assert parse("déclarer") == Declare(title=None, options={})


@pytest.mark.parametrize(
    "text",
    [
        "declare title='Donor file' lead=@marie",
        "declare title=“Donor file” lead=@marie",
        "declare title=‘Donor file’ lead=@marie",
        "declare title=«Donor file» lead=@marie",
        'declare lead=@marie title="Donor file"',
    ],
)
def test_declare_quoted_title_option_any_quote_style(text: str) -> None:
    assert parse(text) == Declare(title="Donor file", options={"lead": "@marie"})


def test_declare_apostrophe_inside_a_quoted_value_does_not_close_it() -> None:
    assert parse("declare title='l'équipe a perdu un portable'").title == (
        "l'équipe a perdu un portable"
    )


def test_declare_title_runs_around_options_are_joined_by_one_space() -> None:
    command = parse("declare Donor  file playbook=lost-device stolen   laptop")
    assert command == Declare(
        title="Donor  file stolen   laptop", options={"playbook": "lost-device"}
    )


def test_declare_french_option_keys_map_to_the_english_ones() -> None:
    command = parse("déclarer Fuite titre_court connu=hier juridiction=qc langue=fr")
    assert isinstance(command, Declare)
    assert command.title == "Fuite titre_court"
    assert dict(command.options) == {"aware": "hier", "jurisdiction": "qc", "lang": "fr"}


def test_declare_all_documented_keys_are_accepted() -> None:
    keys = ["playbook", "aware", "detected", "jurisdiction", "lead", "severity", "tz", "lang"]
    command = parse("declare " + " ".join(f"{k}=v{i}" for i, k in enumerate(keys)) + " private=yes")
    assert isinstance(command, Declare)
    assert set(command.options) == {*keys, "private"}
    assert command.title is None


def test_free_text_is_kept_verbatim_not_rejoined() -> None:
    hostile = "  <!channel> {{ 7*7 }} 'O''Brien'; DROP TABLE steps;--  \u200fשלום\u200f 🔥  x\x00y "
    assert parse("note" + hostile) == Note(text=hostile.strip())
    assert parse("done contain-1" + hostile) == Done(step="contain-1", note=hostile.strip())
    assert parse("skip press" + hostile) == Skip(step="press", reason=hostile.strip())
    assert parse("notified qc" + hostile) == Notified(jurisdiction="qc", reference=hostile.strip())
    assert parse("declare" + hostile).title == hostile.strip()


def test_multiline_note_keeps_its_lines() -> None:
    assert parse("note first line\n\n  second line\n").text == "first line\n\n  second line"


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INC-7 status", Status(ref="INC-7")),
        ("inc-7 status", Status(ref="INC-7")),
        ("Inc-007 done contain-1", Done(ref="INC-7", step="contain-1")),
        ("INC-7", Status(ref="INC-7")),
        ("inc-12 note hello", Note(ref="INC-12", text="hello")),
    ],
)
def test_incident_reference_first_word(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_reference_only_counts_as_first_word() -> None:
    assert parse("note see INC-7") == Note(text="see INC-7")
    error = refused("status INC-7")
    assert '"INC-7"' in error.message


# --------------------------------------------------------------------------- refusals


def test_unknown_subcommand_names_it_and_suggests_the_right_one() -> None:
    error = refused("finish contain-1")
    assert error.message == 'Unknown subcommand "finish". Try: /incident done STEP [note]'
    assert french("« finish »") in (error.message_fr or "")
    assert "/incident fait ÉTAPE [note]" in (error.message_fr or "")


def test_misspelt_subcommand_gets_the_closest_form() -> None:
    assert refused("stauts").message.endswith("Try: /incident status")


def test_nonsense_subcommand_points_to_help() -> None:
    assert refused("xyzzy").message.endswith("Try: /incident help [SUBCOMMAND]")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("done", "done needs a step id: /incident done STEP [note]"),
        ("skip", "skip needs a step id and a reason: /incident skip STEP reason"),
        ("assign", "assign needs a step or role and a person"),
        ("assign contain-1", "/incident assign STEP|ROLE @user"),
        ("note", "note needs some text: /incident note text"),
        ("note   \n ", "note needs some text"),
        ("aware", "aware needs a time: /incident aware WHEN"),
        ("notified", "notified needs a jurisdiction"),
        ("draft", "draft needs a kind"),
        ("approve", "approve needs a draft name: /incident approve DRAFT"),
        ("severity", "severity needs a level"),
    ],
)
def test_missing_arguments_name_what_is_missing(text: str, needle: str) -> None:
    assert needle in refused(text).message


def test_skip_without_reason_says_a_skip_needs_one() -> None:
    error = refused("skip press   ")
    assert error.message.startswith("A skip needs a reason")
    assert '"press"' in error.message
    assert "/incident skip STEP reason" in error.message


@pytest.mark.parametrize("word", ["0", "-3", "1001", "ten", "1e3", "٣", "99999999999999999999999"])
def test_timeline_limit_must_be_1_to_1000(word: str) -> None:
    error = refused(f"timeline {word}")
    assert f'"{word}"' in error.message
    assert "/incident timeline [N]" in error.message


def test_timeline_takes_one_number_only() -> None:
    assert '"5"' in refused("timeline 10 5").message


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("status now", "now"),
        ("list all", "all"),
        ("close please", "please"),
        ("steps x y", "y"),
        ("deadlines x", "x"),
        ("register x", "x"),
        ("approve a b", "b"),
        ("help done extra", "extra"),
        ("draft regulator fr en extra", "extra"),
    ],
)
def test_extra_words_are_refused_by_name(text: str, bad: str) -> None:
    assert f'"{bad}"' in refused(text).message


def test_help_on_unknown_topic() -> None:
    assert '"frobnicate"' in refused("help frobnicate").message


def test_declare_unknown_key_lists_the_allowed_ones() -> None:
    error = refused("declare Donor file colour=red")
    assert '"colour"' in error.message
    assert "title, playbook, aware, detected, jurisdiction, lead, severity, tz, lang, private" in (
        error.message
    )


@pytest.mark.parametrize(
    "text", ["declare lead=a lead=b", "declare LEAD=a lead=b", "declare responsable=a lead=b"]
)
def test_declare_option_given_twice(text: str) -> None:
    assert '"lead" is given twice' in refused(text).message


def test_declare_title_given_twice() -> None:
    assert "title is given twice" in refused("declare Donor file title=Other").message


def test_unclosed_quote_is_refused() -> None:
    assert '"aware="' in refused('declare aware="2026-11-20 14:00').message


def test_assess_refuses_a_word_that_is_not_key_value() -> None:
    error = refused("assess persons=12 lots")
    assert '"lots"' in error.message
    assert "key=value" in error.message


def test_assess_key_given_twice() -> None:
    assert '"persons" is given twice' in refused("assess persons=1 Persons=2").message


@pytest.mark.parametrize("who", ["<#C0123|general>", "<!channel>", "@", "two words"])
def test_assign_needs_a_person(who: str) -> None:
    assert "is not a person" in refused(f"assign dpo {who}").message


def test_draft_unknown_kind_lists_kinds() -> None:
    error = refused("draft memo")
    assert '"memo"' in error.message
    assert "press, regulator, notice, staff, vendor, report" in error.message


def test_draft_second_extra_word_must_be_a_language() -> None:
    assert '"de"' in refused("draft press fr de").message


def test_draft_french_kind_aliases() -> None:
    assert parse("brouillon presse") == Draft(kind="press")
    assert parse("brouillon avis qc fr") == Draft(kind="notice", jurisdiction="qc", lang="fr")


def test_long_bad_word_is_shortened_in_the_message() -> None:
    error = refused("x" * 5000)
    assert len(error.message) < 200


# --------------------------------------------------------------------------- help text


def test_usage_covers_every_subcommand_in_both_languages() -> None:
    assert i18n.t("commands.form.done") == "done STEP [note]"
    en, fr = usage_text("en"), usage_text("fr")
    for name in SUBCOMMANDS:
        assert f"/incident {i18n.t(f'commands.form.{name}')}" in en
        assert name in fr
    assert "/incident fait ÉTAPE [note]" in fr
    assert "except en" in en  # the draft jurisdiction/language rule is explained
    assert "sauf en" in fr


def test_usage_for_one_topic() -> None:
    text = usage_text("en", topic="fait")
    assert "/incident done STEP [note]" in text
    assert "/incident skip" not in text


def test_commands_are_frozen() -> None:
    command = parse("note hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.text = "changed"  # type: ignore[misc]
    options = parse("assess persons=1").options  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        options["persons"] = "2"  # type: ignore[index]


# --------------------------------------------------------------------------- properties

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
TYPED = [
    "help", "declare", "list", "status", "steps", "done", "skip", "assign", "note", "aware",
    "assess", "notified", "deadlines", "timeline", "draft", "approve", "close", "register",
    "severity", "fait", "déclarer", "évaluer", "brouillon", "gravité", "INC-3",
]  # fmt: skip


@settings(max_examples=200)
@given(st.one_of(ANY_TEXT, st.tuples(st.sampled_from(TYPED), ANY_TEXT).map(" ".join)))
def test_parse_only_ever_raises_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert error.message and error.message_fr
    else:
        assert dataclasses.is_dataclass(command)


@settings(max_examples=200)
@given(ANY_TEXT)
def test_free_text_round_trips_verbatim(text: str) -> None:
    expected = text.strip()
    if expected:
        assert parse(f"note {text}") == Note(text=expected)
        assert parse(f"skip step-1 {text}") == Skip(step="step-1", reason=expected)
    else:
        with pytest.raises(UsageError):
            parse(f"note {text}")
        with pytest.raises(UsageError):
            parse(f"skip step-1 {text}")
    assert parse(f"done step-1 {text}") == Done(step="step-1", note=expected or None)


VALID = [
    "help", "help done", "declare Donor file aware=now", "list", "status", "steps",
    "done contain-1 ok", "skip press not needed", "assign dpo <@U1>", "note hi", "aware now",
    "assess persons=3", "notified qc CAI-1", "deadlines", "timeline 5", "draft regulator fr en",
    "approve press-en-v1", "close", "register", "severity high why", "fait isoler",
]  # fmt: skip


@settings(max_examples=200)
@given(
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(["INC", "inc", "Inc"]),
    st.sampled_from(VALID),
    st.sampled_from([" ", "  ", "\t", "\n"]),
)
def test_reference_prefix_applies_to_any_command(n: int, inc: str, text: str, gap: str) -> None:
    command = parse(f"{inc}-{n}{gap}{text}")
    assert command.ref == f"INC-{n}"
    assert command == dataclasses.replace(parse(text), ref=f"INC-{n}")


@pytest.mark.parametrize(
    "text", ["declare Fichier volé aware=hier 18h00", "declare Leak detected=yesterday 6 pm"]
)
def test_an_unquoted_time_is_refused_naming_its_option(text: str) -> None:
    error = refused(text)
    assert "aware=" in error.text("en") or "detected=" in error.text("en")
    assert "quotes" in error.text("en") and "guillemets" in error.text("fr")


def test_a_quoted_time_and_a_title_after_options_are_read() -> None:
    command = parse('declare Fichier volé aware="hier 18h00"')
    assert command.title == "Fichier volé" and command.options["aware"] == "hier 18h00"
    assert parse("declare aware=2026-11-30 Donor file").title == "Donor file"


def test_a_measure_is_taken_or_planned_in_both_languages() -> None:
    assert parse("measure Access revoked") == Measure(text="Access revoked")
    assert parse("mesure prévue Audit du prestataire") == Measure(
        text="Audit du prestataire", planned=True
    )
    assert refused("measure planned").text("en")


def test_help_assess_lists_every_key_with_its_values() -> None:
    from incidentbot.core.assess_inputs import KEYS
    from incidentbot.core.commands import usage_text

    text = usage_text("en", "assess")
    for key in KEYS:
        assert f"  {key}=" in text
    assert "confidentiality=none|known_recipient|unknown_recipient|unknown" in text
    assert "declare" not in text  # that subcommand only, not the whole help


def test_steps_takes_one_step_id_for_its_detail() -> None:
    assert parse("steps") == Steps()
    assert parse("étapes Notify-Regulator") == Steps(step="notify-regulator")
    assert parse("INC-3 steps scope-exposure") == Steps(ref="INC-3", step="scope-exposure")
    assert "does not take" in refused("steps a b").text("en")


def test_notified_reads_a_note_after_note_equals_as_typed() -> None:
    assert parse("notified qc CAI-1") == Notified(jurisdiction="qc", reference="CAI-1")
    assert parse("notified qc CAI-1 note=Sent at 10:12, receipt filed") == Notified(
        jurisdiction="qc", reference="CAI-1", note="Sent at 10:12, receipt filed"
    )
    assert parse("notifié fr personnes NOTE=Courriel à 869 donateurs") == Notified(
        jurisdiction="fr", reference="personnes", note="Courriel à 869 donateurs"
    )
    assert parse("notified fr note=x=y note=z") == Notified(jurisdiction="fr", note="x=y note=z")
    assert parse("notified fr keynote=x") == Notified(jurisdiction="fr", reference="keynote=x")
    error = refused("notified qc CAI-1 note=  ")
    assert "note= is empty" in error.text("en")
    assert "note= est vide" in error.text("fr")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
@settings(max_examples=200)
def test_a_notified_note_is_kept_exactly_as_typed(note: str) -> None:
    if not note.strip():
        return
    command = parse(f"notified qc REF note={note}")
    assert isinstance(command, Notified)
    assert command.note == note.strip()
    assert command.reference == "REF"

"""Hostile input through the service: every refusal is a sentence, nothing is lost (issue 8)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentbot.core import commands
from incidentbot.errors import IncidentbotError

NASTY = st.sampled_from([
    "<!channel>", "<@U0123|boss>", "{{ 7*7 }}", "{% for x in range(10**9) %}", "'; DROP TABLE timeline; --",
    "\u202e", "\u200f", "\x00", "\x1b[31m", "\ud800", "A" * 5000, "é", "🚨", "INC-1", "=HYPERLINK(1)",
])  # fmt: skip
WORDS = st.sampled_from([
    "declare", "done", "skip", "assign", "note", "aware", "assess", "notified", "draft", "approve",
    "timeline", "close", "status", "steps", "fact", "severity", "INC-1", "INC-99", "qc", "fr",
    "revoke-vendor-access", "data=political", "persons=-1", "aware=tomorrow", "@x",
])  # fmt: skip
TEXT = st.lists(st.one_of(WORDS, NASTY, st.text(string.printable, max_size=12)), max_size=6).map(
    " ".join
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_command_text_is_handled_or_refused_with_a_sentence(service, text: str) -> None:  # type: ignore[no-untyped-def]
    if service.store.incident("INC-1") is None:
        service.declare(
            actor="alice", title="Leak", playbook_id="vendor-breach", jurisdictions=["qc"]
        )
    before = service.store.count_events("INC-1")
    try:
        service.handle(commands.parse(text), actor="mallory", context="INC-1")
    except IncidentbotError as exc:
        assert exc.message.strip() and "Traceback" not in exc.message
        assert service.store.count_events("INC-1") in (
            before,
            before + 1,
        )  # a refusal may be recorded
    assert service.store.verify() == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_notes_are_stored_as_typed(service, text: str) -> None:  # type: ignore[no-untyped-def]
    if service.store.incident("INC-1") is None:
        service.declare(
            actor="alice", title="Leak", playbook_id="generic-breach", jurisdictions=["fr"]
        )
    service.add_note("INC-1", text, actor="mallory")
    stored = service.store.events("INC-1", last=1)[0].text
    expected = text.strip().encode("utf-8", "replace").decode("utf-8")
    assert stored == expected

"""What people type reaches a draft as text (issue 15): a fact typed "# Titre", "> cité",
"- x", "1. x", "**x**", "[lien](http://…)" or "---" is printed as those characters, never as a
heading, a note to the author, a list, emphasis or a link, in the Markdown and in the .docx."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_drafting import full_context, full_incident
from test_drafts_boundary import Case, _run

from incidentbot import drafting
from incidentbot.config import builtin_dir

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
STRUCTURE = ("heading_open", "blockquote_open", "bullet_list_open", "ordered_list_open",
             "hr", "fence", "code_block", "html_block", "table_open")  # fmt: skip
INLINE = ("link_open", "image", "em_open", "strong_open", "s_open", "html_inline", "code_inline")
DRAFTER = drafting.Drafter(template_dirs=[builtin_dir("templates")])


def _words(text: str) -> str:
    return " ".join(text.split())


def shown(markdown: str) -> tuple[str, list[str]]:
    """The text a Markdown reader shows, and the kinds of structure it found."""
    shown_text, kinds = [], []
    for token in PARSER.parse(markdown):
        kinds.append(token.type)
        for child in token.children or ():
            kinds.append(child.type)
            if child.type == "text":
                shown_text.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                shown_text.append("\n")
        if token.type in ("paragraph_close", "heading_close"):
            shown_text.append("\n")
    return "".join(shown_text), kinds


def docx_text(markdown: str) -> str:
    document = docx.Document(io.BytesIO(drafting.to_docx(markdown, title="t", lang="fr")))
    return "\n".join(p.text for p in document.paragraphs)


def _press(description: str) -> str:
    incident = full_incident()
    incident = replace(incident, facts=dict(incident.facts, description=description))
    context = full_context(None, "fr", incident=incident)
    return DRAFTER.render("press", context=context, jurisdiction=None, lang="fr").text


TYPED = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
    | st.sampled_from("#>-+*_`[]()!<&=|~\\.1 \n\t"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TYPED)
def test_any_typed_text_is_shown_literally_in_the_markdown_and_the_docx(text: str) -> None:
    baseline = shown(_press("Texte simple."))[1]
    markdown = _press(text)
    seen, kinds = shown(markdown)
    assert _words(text) in _words(seen), markdown
    for kind in STRUCTURE:
        assert kinds.count(kind) == baseline.count(kind), (kind, markdown)
    for kind in INLINE:
        assert kind not in kinds, (kind, markdown)
    assert _words(text) in _words(docx_text(markdown))


LITERAL = ("# Titre", "> cité", "- x", "1. x", "**x**", "[lien](http://exemple.org/a)", "---")


def test_structure_typed_in_the_shell_comes_out_as_text_in_the_drafts(tmp_path: Path) -> None:
    lines = "\n".join(f"mesure {item}" for item in LITERAL)
    case = Case(
        "literal",
        "fr",
        f"""\
declare Fuite playbook=generic-breach aware="2026-11-28 09:00" jurisdiction=fr lang=fr
fact description # Titre
fact cause > cité
{lines}
assess data=contact persons=12 identifiable=full confidentiality=unknown_recipient integrity=none availability=none malicious=yes encrypted=no
draft notice fr
draft regulator fr
draft press
""",
        (),
    )
    result, drafts = _run(case, tmp_path)
    assert "✗" not in result.stdout and result.returncode == 0, result.stdout
    folder = tmp_path / "drafts-out" / "INC-1"
    for name in ("INC-1-notice-fr-fr-v1", "INC-1-regulator-fr-fr-v1", "INC-1-press-fr-v1"):
        markdown = drafts[f"{name}.md"]
        seen, kinds = shown(markdown)
        for kind in INLINE:
            assert kind not in kinds, (name, kind)
        headings = [
            line for line in markdown.splitlines() if re.match(r"#{1,6} ", line)
        ]  # the template's own headings only
        assert not any("Titre" in h for h in headings), headings
        assert not re.search(r"^> cité", markdown, re.M)  # not a note to the author
        document = docx.Document(folder / f"{name}.docx")
        text = "\n".join(p.text for p in document.paragraphs)
        for item in LITERAL:
            assert item in seen.splitlines() or item in seen, (name, item)
            assert item in text, (name, item)
        assert "\\" not in text

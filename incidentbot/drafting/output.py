"""What leaves the bot: the text without the notes to the author, a ``.docx``, a diff, a hash."""

from __future__ import annotations

import difflib
import hashlib
import io
import re

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from incidentbot.drafting.facts import GUIDANCE_PREFIX
from incidentbot.drafting.markdown import unescape

# --- output helpers --------------------------------------------------------------------------


def strip_guidance(text: str) -> str:
    """The draft without its notes to the author (the lines starting with ``> ``)."""
    kept = [line for line in text.split("\n") if not line.startswith(GUIDANCE_PREFIX.rstrip())]
    return tidy("\n".join(kept))


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")


# The language tag Word uses for spelling and hyphenation, by draft language.
DOC_LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}


def to_docx(rendered_text: str, *, title: str, lang: str = "en") -> bytes:
    """A Word document of a draft: headings, paragraphs, bullets; notes to the author shaded.

    A4 (the paper of France, the UK, Québec and Canada's federal bodies alike), with the
    draft's language set on the document and its default style."""
    document = docx.Document()
    document.core_properties.title = title
    tag = DOC_LANGUAGES.get(lang, lang)
    document.core_properties.language = tag
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
    r_pr = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), tag)
    r_pr.append(language)
    block: list[str] = []

    def flush() -> None:
        if block:
            paragraph = document.add_paragraph()
            for n, line in enumerate(block):
                run = paragraph.add_run(unescape(line))
                if n < len(block) - 1:
                    run.add_break()
            block.clear()

    for line in rendered_text.split("\n"):
        heading, bullet = _HEADING.match(line), _BULLET.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            document.add_heading(unescape(heading.group(2)), level=min(len(heading.group(1)), 4))
        elif bullet:
            flush()
            document.add_paragraph(unescape(bullet.group(1)), style="List Bullet")
        elif line.startswith(">"):
            flush()
            paragraph = document.add_paragraph()
            run = paragraph.add_run(unescape(line[1:].lstrip()))
            run.italic = True
            run.font.size = Pt(9)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), "FFF2CC")
            paragraph._p.get_or_add_pPr().append(shading)
        else:
            block.append(line)
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def diff(old: str, new: str) -> str:
    """A compact unified diff between two versions of a draft (one line of context)."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "previous", "new", n=1, lineterm=""
    )
    return "\n".join(lines)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"

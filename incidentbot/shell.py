"""The offline front end: the whole bot in a terminal, same grammar, same database.

``incidentbot shell`` is an interactive prompt with history; ``--script FILE`` replays one
command per line (``/incident`` prefix optional, ``#`` comments and blank lines skipped). The
shell works inside the incident last declared or named (``INC-n`` first in a line), as a Slack
user works inside an incident's channel. A refused line prints its reason and the script goes
on; the exit status is 1 if any line was refused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import textwrap
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TextIO

from incidentbot import owner_only
from incidentbot.core import commands as cmd
from incidentbot.core import deadlines
from incidentbot.core.model import pick
from incidentbot.core.when import format_local, format_zoned
from incidentbot.errors import IncidentbotError
from incidentbot.events import kind_word, said, step_note
from incidentbot.i18n import ngettext, t
from incidentbot.service import IncidentService
from incidentbot.views import (
    Ack,
    AssessmentView,
    Card,
    ClosedView,
    DeadlinesView,
    DeclaredView,
    DraftView,
    HelpView,
    ListView,
    NeedsModal,
    RegisterView,
    StepLine,
    StepsView,
    TimelineView,
    View,
)

log = logging.getLogger(__name__)
_STATE = {"pending": "open", "done": "done_by", "skipped": "skipped_by"}


class Shell:
    def __init__(
        self,
        service: IncidentService,
        *,
        actor: str,
        lang: str,
        tz: tzinfo,
        out: TextIO = sys.stdout,
        drafts_dir: Path = Path("drafts-out"),
        color: bool | None = None,
    ) -> None:
        self.service = service
        self.actor = actor
        self.lang = lang
        self.tz = tz
        self.out = out
        self.drafts_dir = drafts_dir
        self.color = out.isatty() if color is None else color
        self.current: str | None = service.store.latest_ref()

    # -- running --------------------------------------------------------------------------

    def run_line(self, line: str) -> bool:
        """Run one command line; print its result or its refusal. True if it was accepted."""
        text = line.strip()
        if text.lower().startswith("/incident"):
            text = text[len("/incident") :].strip()
        try:
            command = cmd.parse(text)
            if command.ref:
                # a named incident must exist (and be one this person may act on)
                self.service.resolve(command.ref, actor=self.actor, action="switch")
                self.current = command.ref
            view = self.service.handle(command, actor=self.actor, context=self.current)
            if isinstance(view, NeedsModal):
                raise IncidentbotError(self._modal_hint(view))
        except IncidentbotError as exc:
            self._print(self._red("✗ " + exc.text(self.lang)))
            return False
        except Exception:
            # A bug, not the user's fault: keep the traceback in the log, show one line, and
            # carry on (the database is unchanged: the use case's transaction rolled back).
            log.exception("command failed: %r", text[:80])
            self._print(self._red(t("shell.internal_error", self.lang)))
            return False
        if isinstance(view, DeclaredView):
            self.current = view.card.incident.ref
        self._print(self.render(view))
        return True

    def run_script(self, lines: Iterable[str]) -> int:
        refused = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            self._print(self._dim(f"[{number}] {line.rstrip()}"))
            if not self.run_line(line):
                refused += 1
        if refused:
            self._print(self._red(ngettext("shell.refused_lines", refused, self.lang)))
        return 1 if refused else 0

    def interact(self, stdin: TextIO = sys.stdin) -> int:
        try:
            import readline

            history = Path(os.path.expanduser("~/.incidentbot_history"))
            if history.exists():
                readline.read_history_file(history)
        except (ImportError, OSError):
            readline = None  # type: ignore[assignment]
        self._print(t("shell.welcome", self.lang))
        while True:
            try:
                line = input(f"{self.current or 'incident'}> ")
            except (EOFError, KeyboardInterrupt):
                self._print("")
                break
            if line.strip().lower() in ("quit", "exit", "quitter"):
                break
            if line.strip():
                self.run_line(line)
        if readline is not None:
            with contextlib.suppress(OSError):
                readline.write_history_file(history)
        return 0

    # -- output helpers -------------------------------------------------------------------

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _red(self, text: str) -> str:
        return f"\033[31m{text}\033[0m" if self.color else text

    def _dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.color else text

    def _modal_hint(self, view: NeedsModal) -> str:
        if view.kind == "declare":
            return t("shell.declare_needs_title", self.lang)
        return t("shell.assess_needs_options", self.lang)

    def _colon(self, text: str) -> str:
        """``text:`` / ``text :``, the colon in the reader's typography."""
        return t("label.colon", self.lang, label=text)

    def _label(self, key: str) -> str:
        """``Lead:`` / ``Responsable :``: a catalogue label followed by its colon."""
        return t("label.colon", self.lang, label=t(key, self.lang))

    def when(self, at: datetime | None) -> str:
        return format_local(at, self.tz, self.lang) if at else t("label.not_set", self.lang)

    # -- rendering ------------------------------------------------------------------------

    def render(self, view: View) -> str:
        lang = self.lang
        match view:
            case Ack():
                params = dict(view.params)
                if "at" in params and isinstance(params["at"], datetime):
                    params["at"] = self.when(params["at"])
                return "✓ " + t(view.key, lang, **params)
            case DeclaredView():
                inc = view.card.incident
                return (
                    "✓ "
                    + t("declared", lang, ref=inc.ref, title=inc.title)
                    + "\n"
                    + self.card(view.card)
                )
            case Card():
                return self.card(view)
            case StepsView():
                return self.steps(view)
            case DeadlinesView():
                return self.clocks(view.clocks) or t("clocks_not_started", lang)
            case TimelineView():
                return self.timeline(view)
            case ListView():
                return self.listing(view)
            case HelpView():
                return cmd.usage_text(lang, view.topic)
            case ClosedView():
                return "✓ " + t("closed", lang, ref=view.incident.ref)
            case AssessmentView():
                return self.assessment(view)
            case DraftView():
                return self.draft(view)
            case RegisterView():
                from incidentbot.service.register import register_markdown

                return register_markdown(view.rows, lang)
        return str(view)

    def clocks(self, clocks: Iterable[deadlines.Clock]) -> str:
        return "\n".join("  " + deadlines.describe(c, self.lang, self.tz) for c in clocks)

    def step_line(self, line: StepLine) -> str:
        s = line.step
        mark = {"pending": "[ ]", "done": "[x]", "skipped": "[-]"}[s.status.value]
        who = line.assignee or t("label.unassigned", self.lang)
        colon = self._colon
        parts = [
            f"{mark} {colon(s.id)} {pick(s.definition.title, self.lang)}",
            f"({colon(t('role.' + line.owner, self.lang))} {who}",
        ]
        if s.due_at and s.is_open:
            parts[-1] += f", {t('label.due', self.lang)} {self.when(s.due_at)}"
        parts[-1] += ")"
        if line.overdue:
            parts.append(t("label.overdue", self.lang))
        if s.definition.mandatory:
            parts.append("*")
        if line.blocked_by:
            parts.append(f"— {t('label.waits_for', self.lang)} {', '.join(line.blocked_by)}")
        if not s.is_open and s.done_by:
            by = f"— {s.done_by}, {self.when(s.done_at)}"
            parts.append(f"{colon(by)} {step_note(s.id, s.note, self.lang)}" if s.note else by)
        return " ".join(parts)

    def card(self, card: Card) -> str:
        inc, lang = card.incident, self.lang
        sev = (
            t(f"severity.{inc.severity.value}", lang)
            if inc.severity
            else t("label.severity_not_set", lang)
        )
        lines = [
            f"{inc.ref} — {inc.title} [{t('label.' + inc.status.value, lang)}]",
            f"  {self._label('label.playbook')} {pick(card.playbook_title, lang)} · "
            f"{self._label('label.lead')} {inc.lead or '-'} · {self._label('label.severity')} {sev}",
            f"  {self._label('label.aware')} {self.when(inc.aware_at)} · "
            f"{self._label('label.jurisdictions')} {', '.join(inc.jurisdictions) or '-'}",
            f"  {self._label('label.progress')} "
            + " · ".join(
                f"{t('phase.' + p.phase.value, lang)} {p.done}/{p.total}" for p in card.progress
            ),
            self._label("label.clocks"),
            self.clocks(card.clocks) if inc.aware_at else "  " + t("clocks_not_started", lang),
        ]
        if card.silence_starts is not None and card.now is not None:
            at = (
                format_zoned(card.silence_starts, card.silence_zone, lang)
                if card.silence_zone
                else self.when(card.silence_starts)
            )
            if card.silence_starts > card.now:
                left = deadlines.format_duration(card.silence_starts - card.now, lang)
                said = t("silence.ahead", lang, at=at, left=left)
            else:
                said = t("silence.now", lang, at=at)
            lines.append(f"{self._label('silence.label')} {said}")
        if card.open_steps:
            lines.append(self._label("label.open_steps"))
            lines += ["  " + self.step_line(line) for line in card.open_steps]
        return "\n".join(lines)

    def step_detail(self, view: StepsView) -> str:
        """``steps STEP``: state, role, assignee, due, prerequisites, mandatory, guidance."""
        line, lang, label = view.lines[0], self.lang, self._label
        s = line.step
        requires = [t("detail.prerequisite", lang, step=r, state=t(f"detail.req.{st}", lang))
                    for r, st in line.requires]  # fmt: skip
        state = t(f"detail.{_STATE[s.status.value]}", lang, who=s.done_by, at=self.when(s.done_at))
        due = (self.when(s.due_at) if s.due_at else "-") + (
            " " + t("label.overdue", lang) if line.overdue else ""
        )
        out = [
            f"{view.incident.ref} — {self._colon(s.id)} {pick(s.definition.title, lang)}",
            f"  {label('detail.state')} {state}",
            f"  {label('detail.role')} {t('role.' + line.owner, lang)}",
            f"  {label('detail.assignee')} {line.assignee or t('label.unassigned', lang)}",
            f"  {label('detail.due')} {due}",
            f"  {label('detail.requires')} {', '.join(requires) or t('detail.none', lang)}",
            f"  {label('detail.mandatory')} "
            + t("detail.yes" if s.definition.mandatory else "detail.no", lang),
        ]
        if s.note:
            out.append(f"  {label('detail.note')} {s.note}")
        guidance = pick(s.definition.guidance, lang) if s.definition.guidance else ""
        if guidance:
            out.append(label("detail.guidance"))
            out += ["  " + part for part in textwrap.wrap(guidance, 96)]
        return "\n".join(out)

    def steps(self, view: StepsView) -> str:
        if view.focus is not None and view.lines:
            return self.step_detail(view)
        lines = [f"{view.incident.ref} — {view.incident.title}"]
        phase = None
        for line in view.lines:
            if line.step.phase != phase:
                phase = line.step.phase
                lines.append(self._label(f"phase.{phase.value}"))
            lines.append("  " + self.step_line(line))
        lines.append("(* " + t("label.mandatory", self.lang) + ")")
        return "\n".join(lines)

    def timeline(self, view: TimelineView) -> str:
        head = (
            f"{view.incident.ref} — {t('label.timeline', self.lang)} ("
            + t("label.of_events", self.lang, n=len(view.events), total=view.total)
            + ")"
        )
        lines = [head]
        for e in view.events:
            step = e.data.get("step") if e.data else None
            what = kind_word(e.kind, e.data, self.lang) + (f" {step}" if step else "")
            text = said(e.kind, e.text, e.data, self.lang, actor=e.actor, when=self.when)
            if text:
                what = t("label.colon", self.lang, label=what) + " " + text
            lines.append(f"  #{e.seq} {self.when(e.at)} {e.actor} {what}")
        if view.link:
            lines.append(
                t(
                    "label.colon",
                    self.lang,
                    label=t("label.full_timeline", self.lang, until=self.when(view.link_expires)),
                )
            )
            lines.append("  " + view.link)
        return "\n".join(lines)

    def listing(self, view: ListView) -> str:
        lines = [] if view.items else [t("no_open", self.lang)]
        for item in view.items:
            nxt = (
                deadlines.describe(item.next_clock, self.lang, self.tz) if item.next_clock else "-"
            )
            lines.append(
                t(
                    "shell.listing",
                    self.lang,
                    ref=item.incident.ref,
                    title=item.incident.title,
                    open=ngettext("shell.open_n", item.open_steps, self.lang),
                    next=nxt,
                )
            )
        if view.link:
            lines.append(t("shell.all_incidents", self.lang, until=self.when(view.link_expires)))
            lines.append("  " + view.link)
        return "\n".join(lines)

    def assessment(self, view: AssessmentView) -> str:
        a = view.assessment
        lines = [
            f"{view.incident.ref} — {t('label.assessment', self.lang)} v{view.version}",
            "  " + a.explain(self.lang),
        ]
        for assumption in a.assumed:
            lines.append(f"  ! {pick(assumption.text, self.lang)}")
        for d in view.decisions:
            if d["authority"]:
                key = "both" if d["persons"] else "authority"
            else:
                key = "persons" if d["persons"] else "document"
            decision = t(f"decision.{key}", self.lang)
            over = f" ({t('decision.overridden', self.lang)})" if d.get("override") else ""
            lines.append(
                f"  {t('label.colon', self.lang, label=d['jurisdiction'])} "
                f"{decision}{over} — {view.rule(d['jurisdiction'], self.lang)}"
            )
        return "\n".join(lines)

    def draft(self, view: DraftView) -> str:
        folder = self.drafts_dir / view.incident.ref
        owner_only.make_folder(folder)
        written = []
        for name, content in view.files.items():
            owner_only.write_bytes(folder / name, content)
            written.append(str(folder / name))
        lines = [f"{view.draft.name} ({view.draft.template})", view.draft.body]
        if view.diff:
            lines += [t("shell.changes_since", self.lang, version=view.previous_version), view.diff]
        notes = [*view.notes, view.language_note(self.lang)]
        lines += [note.render(self.lang) for note in notes if note is not None]
        if view.missing:
            # the hints follow the reader (who types the commands), not the draft's language
            lines.append(self._label("label.missing"))
            worded = (m.worded(self.lang) for m in view.missing)
            lines += [f"  - {t('label.colon', self.lang, label=n)} {c}" for n, c in worded]
        if written:
            lines.append(t("shell.files", self.lang, names=", ".join(written)))
        return "\n".join(lines)

"""Playbooks: the YAML's data checked into a frozen Playbook with its steps, dependencies and due order."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from typing import Any

from incidentbot.core.model import (
    Phase,
    Playbook,
    Role,
    StepDef,
)
from incidentbot.core.playbook.schema import (
    _JURISDICTION_ID,
    _KEBAB,
    DRAFT_KINDS,
    PHASE_NAMES,
    PLAYBOOK_KEYS,
    PLAYBOOK_REQUIRED,
    ROLES,
    SLACK_OPTION_MAX,
    STEP_KEYS,
    STEP_REQUIRED,
    KeyPath,
    LineOf,
    Problem,
    _did_you_mean,
    _kind,
    _of,
    _Report,
    _the,
    format_duration,
    parse_duration,
)
from incidentbot.i18n import Message

# --- playbooks -----------------------------------------------------------------------------


def build_playbook(
    data: Mapping[str, Any],
    *,
    source: str,
    line_of: LineOf,
    jurisdictions: Collection[str],
) -> tuple[Playbook | None, list[Problem]]:
    """Check one playbook's data and build it; ``None`` with the problems when anything is wrong.

    ``jurisdictions`` are the known jurisdiction ids the playbook may suggest.
    """
    rep = _Report(source, line_of)
    root = rep.mapping(data, (), Message("pb.what.file"))
    if root is None:
        return None, rep.problems
    rep.keys(root, (), Message("pb.what.playbook"), PLAYBOOK_KEYS, PLAYBOOK_REQUIRED)

    pid = (
        rep.ident(root["id"], ("id",), Message("pb.what.playbook_id"), _KEBAB)
        if "id" in root
        else None
    )
    title = (
        rep.text(
            root["title"], ("title",), Message("pb.what.playbook_title"), max_len=SLACK_OPTION_MAX
        )
        if "title" in root
        else None
    )
    description = (
        rep.text(
            root["description"],
            ("description",),
            Message("pb.what.playbook_description"),
            max_len=SLACK_OPTION_MAX,
        )
        if "description" in root
        else None
    )
    guidance: dict[str, str] | None = {}
    if "guidance" in root:
        guidance = rep.text(root["guidance"], ("guidance",), Message("pb.what.playbook_guidance"))

    known = {j.lower() for j in jurisdictions}
    suggested: list[str] = []
    if "jurisdictions" in root:
        items = rep.id_list(
            root["jurisdictions"],
            ("jurisdictions",),
            Message("pb.what.jurisdictions"),
            _JURISDICTION_ID,
        )
        for index, jid in items or []:
            if jid not in known:
                rep.add(
                    ("jurisdictions", index),
                    Message(
                        "pb.unknown_jurisdiction",
                        id=jid,
                        hint=_did_you_mean(jid, sorted(known)),
                        known=", ".join(sorted(known)) or Message("pb.none_loaded"),
                    ),
                )
            elif jid in suggested:
                rep.add(("jurisdictions", index), Message("pb.jurisdiction_twice", id=jid))
            else:
                suggested.append(jid)

    steps: list[StepDef] | None = None
    if "steps" in root:
        steps = _build_steps(rep, root["steps"])
    private = (
        rep.boolean(root["private"], ("private",), Message("pb.what.private"))
        if "private" in root
        else False
    )

    if rep.problems or pid is None or title is None or description is None or steps is None:
        return None, rep.problems
    playbook = Playbook(
        id=pid,
        title=title,
        description=description,
        steps=tuple(steps),
        jurisdictions=tuple(suggested),
        guidance=guidance or {},
        source=source,
        private=bool(private),
    )
    return playbook, rep.problems


def _build_steps(rep: _Report, value: Any) -> list[StepDef] | None:
    if not isinstance(value, list):
        rep.add(("steps",), Message("pb.steps_not_list", kind=_kind(value)))
        return None
    if not value:
        rep.add(("steps",), Message("pb.steps_empty"))
        return None
    before = len(rep.problems)
    steps: list[StepDef] = []
    # step id -> (index in the list, [(index in requires, required id)])
    edges: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for index, raw in enumerate(value):
        built = _build_step(rep, raw, index)
        if built is None:
            continue
        sid, requires, step = built
        if sid in edges:
            rep.add(
                ("steps", index, "id"),
                Message("pb.duplicate_step", id=sid, n=str(edges[sid][0] + 1)),
            )
            continue
        # a step with other problems still counts as existing, so that the steps that
        # require it are not reported as well
        edges[sid] = (index, requires)
        if step is not None:
            steps.append(step)

    for sid, (index, requires) in edges.items():
        for rindex, rid in requires:
            if rid == sid:
                rep.add(("steps", index, "requires", rindex), Message("pb.requires_itself", id=sid))
            elif rid not in edges:
                rep.add(
                    ("steps", index, "requires", rindex),
                    Message(
                        "pb.requires_unknown",
                        id=sid,
                        other=rid,
                        hint=_did_you_mean(rid, list(edges)),
                    ),
                )
    cycles = _report_cycles(rep, edges)
    if not cycles:
        _check_due_order(rep, steps, edges)
    return steps if len(rep.problems) == before else None


def _build_step(
    rep: _Report, raw: Any, index: int
) -> tuple[str, list[tuple[int, str]], StepDef | None] | None:
    """The step's id, its requires (with their index) and, when valid, its definition."""
    path: KeyPath = ("steps", index)
    step = rep.mapping(raw, path, Message("pb.what.step_number", n=str(index + 1)))
    if step is None:
        return None
    before = len(rep.problems)
    sid = (
        rep.ident(step["id"], path + ("id",), Message("pb.what.step_id"), _KEBAB)
        if "id" in step
        else None
    )
    what = (
        Message("pb.what.step", id=sid) if sid else Message("pb.what.step_number", n=str(index + 1))
    )
    rep.keys(step, path, what, STEP_KEYS, STEP_REQUIRED)

    def get(key: str, check: Callable[[Any, KeyPath], Any]) -> Any:
        return check(step[key], path + (key,)) if key in step else None

    phase = get("phase", lambda v, p: rep.choice(v, p, _of("phase", what), PHASE_NAMES))
    owner = get(
        "owner", lambda v, p: rep.choice(v, p, Message("pb.what.owner_of", what=what), ROLES)
    )
    title = get("title", lambda v, p: rep.text(v, p, _the("title", what), max_len=SLACK_OPTION_MAX))
    guidance = get("guidance", lambda v, p: rep.text(v, p, _the("guidance", what)))
    draft = get(
        "draft", lambda v, p: rep.choice(v, p, Message("pb.what.draft_of", what=what), DRAFT_KINDS)
    )
    mandatory = get("mandatory", lambda v, p: rep.boolean(v, p, _of("mandatory", what)))
    evidence = get("evidence", lambda v, p: rep.boolean(v, p, _of("evidence", what)))
    due: timedelta | None = None
    if "due" in step:
        raw_due = step["due"]
        if isinstance(raw_due, str):
            try:
                due = parse_duration(raw_due)
            except ValueError as exc:
                rep.add(path + ("due",), Message("pb.due_error", what=what, error=exc.args[0]))
        else:
            hint = (
                f"{raw_due}h"
                if isinstance(raw_due, int) and not isinstance(raw_due, bool)
                else Message("pb.due_hint")
            )
            rep.add(
                path + ("due",),
                Message("pb.due_unit", what=what, hint=hint, kind=_kind(raw_due)),
            )
    requires: list[tuple[int, str]] = []
    if "requires" in step:
        requires = (
            rep.id_list(step["requires"], path + ("requires",), _of("requires", what), _KEBAB) or []
        )
        seen: set[str] = set()
        for rindex, rid in requires:
            if rid in seen:
                rep.add(
                    path + ("requires", rindex), Message("pb.requires_twice", what=what, id=rid)
                )
            seen.add(rid)

    if sid is None:
        return None
    if len(rep.problems) != before or phase is None or owner is None:
        return sid, requires, None
    if title is None or guidance is None:
        return sid, requires, None
    definition = StepDef(
        id=sid,
        phase=Phase(phase),
        title=title,
        owner=Role(owner),
        due=due,
        requires=tuple(dict.fromkeys(rid for _, rid in requires)),
        draft=draft,
        mandatory=True if mandatory is None else mandatory,
        evidence=False if evidence is None else evidence,
        guidance=guidance,
    )
    return sid, requires, definition


def _report_cycles(rep: _Report, edges: Mapping[str, tuple[int, list[tuple[int, str]]]]) -> bool:
    """Report each dependency cycle once, named ``a -> b -> a``; True when there is one."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    seen_cycles: set[frozenset[str]] = set()
    for start in edges:
        if start in state:
            continue
        # iterative depth-first search, so a very long chain cannot exhaust the stack
        state[start] = 1
        trail = [start]
        stack = [(start, iter(edges[start][1]))]
        while stack:
            node, pending = stack[-1]
            for rindex, nxt in pending:
                if nxt not in edges or nxt == node:
                    continue  # unknown and self references are reported elsewhere
                if state.get(nxt) == 1:
                    # named from the step whose `requires` entry is reported: a -> b -> a
                    loop = trail[trail.index(nxt) :]
                    cycle = [node, *loop[:-1], node]
                    if frozenset(cycle) not in seen_cycles:
                        seen_cycles.add(frozenset(cycle))
                        rep.add(
                            ("steps", edges[node][0], "requires", rindex),
                            Message("pb.cycle", cycle=" -> ".join(cycle)),
                        )
                elif nxt not in state:
                    state[nxt] = 1
                    trail.append(nxt)
                    stack.append((nxt, iter(edges[nxt][1])))
                    break
            else:
                stack.pop()
                trail.pop()
                state[node] = 2
    return bool(seen_cycles)


def _check_due_order(
    rep: _Report,
    steps: list[StepDef],
    edges: Mapping[str, tuple[int, list[tuple[int, str]]]],
) -> None:
    """A step may not fall due before a step it waits for (directly or through others)."""
    by_id = {s.id: s for s in steps}
    for step in steps:
        if step.due is None:
            continue
        latest: StepDef | None = None
        stack = [rid for _, rid in edges[step.id][1] if rid in by_id]
        seen: set[str] = set()
        while stack:
            rid = stack.pop()
            if rid in seen or rid == step.id:
                continue
            seen.add(rid)
            req = by_id[rid]
            if (
                req.due is not None
                and req.due > step.due
                and (latest is None or latest.due is None or req.due > latest.due)
            ):
                latest = req
            stack.extend(r for _, r in edges[rid][1] if r in by_id)
        if latest is not None and latest.due is not None:
            rep.add(
                ("steps", edges[step.id][0], "due"),
                Message(
                    "pb.due_before_dependency",
                    id=step.id,
                    due=format_duration(step.due),
                    other=latest.id,
                    other_due=format_duration(latest.due),
                ),
            )
